package io.edgecert.web;

import io.edgecert.certificates.Tag;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Request parameters shared by the API's routes, refused with a message naming the parameter. */
final class Params {
    private Params() {
    }

    static Map<String, String> tagMap(List<Tag> tags) {
        if (tags == null) {
            return Map.of();
        }
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < tags.size(); i++) {
            Tag t = tags.get(i);
            if (t == null || t.key() == null) {
                throw ProblemException.of(new Violation("tags[" + i + "].key", ErrorCode.InvalidTag, "every tag needs a key"));
            }
            if (m.put(t.key(), t.value()) != null) {
                throw ProblemException.of(new Violation("tags[" + i + "].key", ErrorCode.InvalidTag,
                        "tag key '" + t.key() + "' is given twice"));
            }
        }
        return m;
    }

    static Optional<Integer> intParam(Context ctx, String name) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Integer.parseInt(v.strip()));
        } catch (NumberFormatException e) {
            throw ProblemException.of(new Violation(name, ErrorCode.InvalidRequest, name + " must be a whole number"));
        }
    }

    static Optional<String> string(Context ctx, String name) {
        return Optional.ofNullable(ctx.queryParam(name)).map(String::strip).filter(s -> !s.isEmpty());
    }
}
