package io.edgecert.edge.cache;

import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.Selection;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.Map;

/**
 * Test material: header sets written as "Name: value" lines separated by " | ", and stored heads
 * received at a fixed instant. "{now-10}" in a value is an HTTP-date 10 s before {@link #T0}.
 */
final class Heads {
    static final Instant T0 = Instant.parse("2026-12-07T12:00:00Z");
    /** Managed-UseOriginCacheControlHeaders: min 0, default 0, max one year. */
    static final CachePolicy ORIGIN = new CachePolicy("origin", "UseOrigin", 0, 0, 31_536_000, Selection.NONE,
            Selection.NONE, Selection.NONE, true, true);

    private Heads() {
    }

    static HttpHeaders headers(String spec) {
        HttpHeaders h = new DefaultHttpHeaders(false);
        if (spec == null || spec.isBlank()) {
            return h;
        }
        for (String line : spec.split(" \\| ")) {
            int colon = line.indexOf(':');
            String value = line.substring(colon + 1).strip();
            h.add(line.substring(0, colon).strip(), dates(value));
        }
        return h;
    }

    /** Replaces {now}, {now-N}, {now+N} with HTTP-dates relative to T0. */
    static String dates(String v) {
        var m = java.util.regex.Pattern.compile("\\{now([+-]\\d+)?}").matcher(v);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            long off = m.group(1) == null ? 0 : Long.parseLong(m.group(1));
            m.appendReplacement(b, HttpDates.format(T0.plusSeconds(off)));
        }
        m.appendTail(b);
        return b.toString();
    }

    /** A head received (and requested) at T0. */
    static StoredHead stored(int status, String spec) {
        return new StoredHead(status, headers(spec), T0, T0, Map.of());
    }

    static StoredHead stored(int status, String spec, String requestSpec) {
        HttpHeaders response = headers(spec);
        return new StoredHead(status, response, T0, T0, Vary.selectingHeaders(response, headers(requestSpec)));
    }

    static CachePolicy policy(long min, long def, long max) {
        return new CachePolicy("p", "p", min, def, max, Selection.NONE, Selection.NONE, Selection.NONE, true, true);
    }

    static CachePolicy optimized() {
        return ManagedPolicies.CACHING_OPTIMIZED;
    }
}
