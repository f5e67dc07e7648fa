package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Every list of the API pages the same way: {@code limit} (1 to 1000, default 100) and an opaque
 * {@code cursor}, answered as {@code {items, nextCursor}} (nextCursor absent on the last page).
 * The cursor wraps the service's own position so that clients cannot come to rely on its form.
 */
final class Paging {
    static final int MIN_LIMIT = 1;
    static final int MAX_LIMIT = 1000;
    static final int DEFAULT_LIMIT = 100;
    private static final String PREFIX = "c1:";

    private Paging() {
    }

    /** The page a request asks for: after the service position {@code cursor}, at most {@code limit} items. */
    record Request(Optional<String> cursor, int limit) {
    }

    /** The one page shape. */
    record Page<T>(List<T> items, String nextCursor) {
    }

    static Request of(Context ctx) {
        int limit = Params.intParam(ctx, "limit").orElse(DEFAULT_LIMIT);
        if (limit < MIN_LIMIT || limit > MAX_LIMIT) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest,
                    "limit must be between " + MIN_LIMIT + " and " + MAX_LIMIT));
        }
        return new Request(Params.string(ctx, "cursor").map(Paging::decode), limit);
    }

    static <T> Page<T> page(List<T> items, Optional<String> next) {
        return new Page<>(items, next.map(Paging::encode).orElse(null));
    }

    /**
     * A page of a list held whole in memory (a distribution's versions), positioned by a key of
     * its items: the page after the item whose key is the cursor.
     */
    static <T> Page<T> slice(List<T> all, Request r, Function<T, String> key) {
        int start = 0;
        if (r.cursor().isPresent()) {
            start = -1;
            for (int i = 0; i < all.size() && start < 0; i++) {
                if (key.apply(all.get(i)).equals(r.cursor().get())) {
                    start = i + 1;
                }
            }
            if (start < 0) {
                throw badCursor();
            }
        }
        int end = Math.min(all.size(), start + r.limit());
        return page(all.subList(start, end), end < all.size() ? Optional.of(key.apply(all.get(end - 1))) : Optional.empty());
    }

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString((PREFIX + position).getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String cursor) {
        try {
            String s = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (s.startsWith(PREFIX) && s.length() > PREFIX.length()) {
                return s.substring(PREFIX.length());
            }
        } catch (IllegalArgumentException notBase64) {
            // refused below, like any other cursor this API did not hand out
        }
        throw badCursor();
    }

    static ProblemException badCursor() {
        return ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                "cursor is not one this API handed out; pass nextCursor from the previous page"));
    }
}
