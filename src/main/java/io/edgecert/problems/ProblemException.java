package io.edgecert.problems;

import java.util.List;

/**
 * A refusal that reaches the user as application/problem+json. Services throw it; the web part
 * renders it. Its message must never carry key material: it ends up in logs and responses.
 */
public class ProblemException extends RuntimeException {
    private final int status;
    private final ErrorCode code;
    private final List<Violation> errors;

    public ProblemException(int status, ErrorCode code, String detail, List<Violation> errors) {
        super(detail, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(ErrorCode code, String detail) {
        this(code.httpStatus(), code, detail, List.of());
    }

    /** A rejection made of field violations; the first one gives the code and the detail. */
    public static ProblemException of(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("no violations");
        }
        return of(violations.get(0).code().httpStatus(), violations);
    }

    /** Violations answered with one status whatever their codes (a job's items: always 400). */
    public static ProblemException of(int status, List<Violation> violations) {
        Violation first = violations.get(0);
        String detail = violations.size() == 1
                ? first.message()
                : first.message() + " (and " + (violations.size() - 1) + " more problem(s), see errors)";
        return new ProblemException(status, first.code(), detail, violations);
    }

    public static ProblemException of(Violation violation) {
        return of(List.of(violation));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ErrorCode.NotFound, what + " was not found");
    }

    public int status() {
        return status;
    }

    public ErrorCode code() {
        return code;
    }

    public String detail() {
        return getMessage();
    }

    public List<Violation> errors() {
        return errors;
    }
}
