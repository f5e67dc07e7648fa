package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.util.List;

/** Renders refusals as RFC 9457 application/problem+json, the API's one error shape. */
final class ProblemResponses {
    static final String CONTENT_TYPE = "application/problem+json";

    private ProblemResponses() {
    }

    record Problem(String type, String title, int status, String detail, String code, List<Violation> errors) {
    }

    static void render(Context ctx, ProblemException e) {
        render(ctx, HttpProblem.statusOf(e), e.code(), e.detail(), e.errors());
    }

    static void render(Context ctx, int status, ErrorCode code, String detail, List<Violation> errors) {
        if (status == 401) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"edgecert\"");
        }
        ctx.status(status).contentType(CONTENT_TYPE).result(json(status, code, detail, errors));
    }

    /** The problem as JSON text: the body of a response, or of an SSE "error" event. */
    static String json(ProblemException e) {
        return json(HttpProblem.statusOf(e), e.code(), e.detail(), e.errors());
    }

    static String json(int status, ErrorCode code, String detail, List<Violation> errors) {
        return io.edgecert.json.Json.write(new Problem("urn:edgecert:problem:" + code.name(), title(code),
                status, detail, code.name(), errors));
    }

    /** "KeyMismatch" -> "Key mismatch". */
    static String title(ErrorCode code) {
        String spaced = code.name().replaceAll("(?<=[a-z0-9])(?=[A-Z])", " ").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }
}
