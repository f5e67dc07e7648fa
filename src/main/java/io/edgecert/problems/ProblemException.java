package io.edgecert.problems;

import java.util.List;

/**
 * A refusal that reaches the user as application/problem+json. Services throw it with a code (and
 * say, where the code alone does not, what the refusal is {@link About}); the web part alone
 * chooses the HTTP status. Its message must never carry key material: it ends up in logs and
 * responses.
 */
public class ProblemException extends RuntimeException {
    private final ErrorCode code;
    private final About about;
    private final List<Violation> errors;

    /** What a refusal is about, for the few codes whose answer depends on it. */
    public enum About {
        /** The code says it all (the usual case). */
        CODE,
        /** The request as a whole is malformed (a batch's items: every problem listed, whatever its code). */
        REQUEST,
        /** The request is well-formed but the stored state refuses it (a conflict). */
        STATE
    }

    public ProblemException(ErrorCode code, About about, String detail, List<Violation> errors) {
        super(detail, null, false, false);
        this.code = code;
        this.about = about;
        this.errors = List.copyOf(errors);
    }

    public ProblemException(ErrorCode code, String detail, List<Violation> errors) {
        this(code, About.CODE, detail, errors);
    }

    public ProblemException(ErrorCode code, String detail) {
        this(code, About.CODE, detail, List.of());
    }

    /** A rejection made of field violations; the first one gives the code and the detail. */
    public static ProblemException of(List<Violation> violations) {
        return of(About.CODE, violations);
    }

    /** Violations about a whole request (a job's items), answered alike whatever their codes. */
    public static ProblemException ofRequest(List<Violation> violations) {
        return of(About.REQUEST, violations);
    }

    private static ProblemException of(About about, List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("no violations");
        }
        Violation first = violations.get(0);
        String detail = violations.size() == 1
                ? first.message()
                : first.message() + " (and " + (violations.size() - 1) + " more problem(s), see errors)";
        return new ProblemException(first.code(), about, detail, violations);
    }

    public static ProblemException of(Violation violation) {
        return of(List.of(violation));
    }

    public static ProblemException notFound(String what) {
        return new ProblemException(ErrorCode.NotFound, what + " was not found");
    }

    public ErrorCode code() {
        return code;
    }

    public About about() {
        return about;
    }

    public String detail() {
        return getMessage();
    }

    public List<Violation> errors() {
        return errors;
    }
}
