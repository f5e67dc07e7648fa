package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.util.Optional;

/**
 * Versions as HTTP validators, one way for every resource that has one (distributions and
 * certificates): the ETag is {@code "<version>"}, and If-Match takes that form, the bare number
 * or the weak form W/"3".
 */
final class ETags {
    private ETags() {
    }

    static void set(Context ctx, int version) {
        ctx.header("ETag", "\"" + version + "\"");
    }

    /** The version If-Match names, if the header is there. */
    static Optional<Integer> ifMatch(Context ctx, String resource) {
        String h = ctx.header("If-Match");
        if (h == null || h.isBlank()) {
            return Optional.empty();
        }
        String v = h.strip().replace("W/", "").replace("\"", "");
        try {
            return Optional.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            throw ProblemException.of(new Violation("If-Match", ErrorCode.InvalidRequest,
                    "If-Match must be the " + resource + "'s version (its ETag), e.g. If-Match: \"3\""));
        }
    }

    /** If-Match is required: an update must say which version it changes (428 without it). */
    static int requireIfMatch(Context ctx, String resource) {
        return ifMatch(ctx, resource).orElseThrow(() -> HttpProblem.withStatus(428, ErrorCode.PreconditionFailed,
                "an update needs If-Match with the version it changes (the ETag of GET)"));
    }
}
