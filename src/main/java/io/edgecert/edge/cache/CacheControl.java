package io.edgecert.edge.cache;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cache directives of a message (RFC 9111 5.2), parsed once. Directive names are compared
 * without case; a quoted-string value is unquoted (5.2: recipients accept both forms) and what is
 * inside quotes is never read as a directive; when a directive appears more than once the first
 * occurrence counts (4.2.1). A delta-seconds value that is not one ({@code max-age=-1},
 * {@code max-age='5'}, {@code max-age= 5}) makes the directive invalid, which the freshness rules
 * read as zero (4.2.1: "consider the response stale"); a value beyond 2^31 is 2^31 (1.2.2).
 *
 * <p>{@link #forCache} is what this cache obeys: {@code CDN-Cache-Control} (RFC 9213) when the
 * response has a valid one, else {@code Cache-Control}.
 *
 * @param directives lower-case directive name to its value ("" for a directive without one)
 * @param targeted   true when these came from {@code CDN-Cache-Control}: then Expires is ignored too
 */
public record CacheControl(Map<String, String> directives, boolean targeted) {
    /** RFC 9111 1.2.2: the largest delta-seconds a cache has to represent. */
    public static final long DELTA_SECONDS_MAX = 2_147_483_648L;
    public static final CacheControl NONE = new CacheControl(Map.of(), false);

    public CacheControl {
        directives = Map.copyOf(directives);
    }

    /** The Cache-Control of a message (request or response). */
    public static CacheControl of(HttpHeaders headers) {
        List<String> values = headers.getAll("Cache-Control");
        return values.isEmpty() ? NONE : parse(values);
    }

    /**
     * The directives this cache follows for a response: CDN-Cache-Control (RFC 9213 2.1) when present
     * and a valid structured-field dictionary (an invalid one is ignored, 2.1), else Cache-Control.
     */
    public static CacheControl forCache(HttpHeaders response) {
        List<String> cdn = response.getAll("CDN-Cache-Control");
        if (!cdn.isEmpty()) {
            Optional<Map<String, String>> dict = StructuredDictionary.parse(String.join(",", cdn));
            if (dict.isPresent()) {
                return new CacheControl(dict.get(), true);
            }
        }
        return of(response);
    }

    /** Parses Cache-Control field lines (a list, RFC 9110 5.6.1). */
    public static CacheControl parse(List<String> fieldLines) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : fieldLines) {
            parseLine(line, out);
        }
        return new CacheControl(out, false);
    }

    private static void parseLine(String s, Map<String, String> out) {
        int i = 0;
        int n = s.length();
        while (i < n) {
            // skip OWS and empty list elements
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t' || s.charAt(i) == ',')) {
                i++;
            }
            int nameStart = i;
            while (i < n && isTchar(s.charAt(i))) {
                i++;
            }
            String name = s.substring(nameStart, i).toLowerCase(Locale.ROOT);
            String value = "";
            boolean valid = !name.isEmpty();
            if (i < n && s.charAt(i) == '=') {
                i++;
                if (i < n && s.charAt(i) == '"') {
                    StringBuilder v = new StringBuilder();
                    i++;
                    boolean closed = false;
                    while (i < n) {
                        char c = s.charAt(i++);
                        if (c == '\\' && i < n) {
                            v.append(s.charAt(i++));
                        } else if (c == '"') {
                            closed = true;
                            break;
                        } else {
                            v.append(c);
                        }
                    }
                    valid &= closed;
                    value = v.toString();
                } else {
                    int vs = i;
                    while (i < n && isTchar(s.charAt(i))) {
                        i++;
                    }
                    value = s.substring(vs, i);
                    valid &= !value.isEmpty();
                }
            }
            // anything else before the next comma makes this element invalid ("max-age =5", "max-age= 5")
            while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
                i++;
            }
            if (i < n && s.charAt(i) != ',') {
                valid = false;
                while (i < n && s.charAt(i) != ',') {
                    if (s.charAt(i) == '"') { // skip a quoted string so a comma inside it does not split
                        i++;
                        while (i < n && s.charAt(i) != '"') {
                            i += s.charAt(i) == '\\' ? 2 : 1;
                        }
                    }
                    i++;
                }
            }
            if (name.isEmpty()) {
                continue;
            }
            // the first occurrence counts; an invalid one is kept as invalid (its presence still says
            // something, e.g. "max-age =5" must not leave an older Expires in charge)
            out.putIfAbsent(name, valid ? value : INVALID);
        }
    }

    /** The value of a directive that was present but malformed. */
    static final String INVALID = "\u0000invalid";

    static boolean isTchar(char c) {
        return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
    }

    public boolean has(String directive) {
        return directives.containsKey(directive);
    }

    /** A directive's value; empty when absent, without a value, or malformed. */
    public Optional<String> value(String directive) {
        String v = directives.get(directive);
        return v == null || v.isEmpty() || v.equals(INVALID) ? Optional.empty() : Optional.of(v);
    }

    /**
     * A delta-seconds directive: empty when absent; 0 when present but not a non-negative integer
     * (4.2.1); at most {@link #DELTA_SECONDS_MAX}.
     */
    public OptionalLong seconds(String directive) {
        String v = directives.get(directive);
        if (v == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(deltaSeconds(v).orElse(0));
    }

    /** RFC 9111 1.2.2 delta-seconds: 1*DIGIT, capped at 2^31; empty when not one. */
    public static OptionalLong deltaSeconds(String v) {
        if (v.isEmpty()) {
            return OptionalLong.empty();
        }
        long n = 0;
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c < '0' || c > '9') {
                return OptionalLong.empty();
            }
            n = Math.min(DELTA_SECONDS_MAX, n * 10 + (c - '0'));
        }
        return OptionalLong.of(n);
    }

    public OptionalLong maxAge() {
        return seconds("max-age");
    }

    public OptionalLong sMaxAge() {
        return seconds("s-maxage");
    }

    public boolean noStore() {
        return has("no-store");
    }

    /** no-cache, qualified or not: a qualified no-cache is treated as unqualified (5.2.2.4 allows it). */
    public boolean noCache() {
        return has("no-cache");
    }

    /** private, qualified or not: a shared cache does not store it at all (5.2.2.7 allows that). */
    public boolean isPrivate() {
        return has("private");
    }

    public boolean isPublic() {
        return has("public");
    }

    public boolean mustRevalidate() {
        return has("must-revalidate");
    }

    public boolean proxyRevalidate() {
        return has("proxy-revalidate");
    }

    public boolean mustUnderstand() {
        return has("must-understand");
    }

    public boolean immutable() {
        return has("immutable");
    }

    /** RFC 5861 3. */
    public OptionalLong staleWhileRevalidate() {
        return seconds("stale-while-revalidate");
    }

    /** RFC 5861 4 (response and request). */
    public OptionalLong staleIfError() {
        return seconds("stale-if-error");
    }

    /** Request max-stale (5.2.1.2): without a value, any staleness ({@link Long#MAX_VALUE}). */
    public OptionalLong maxStale() {
        String v = directives.get("max-stale");
        if (v == null) {
            return OptionalLong.empty();
        }
        return v.isEmpty() ? OptionalLong.of(Long.MAX_VALUE) : OptionalLong.of(deltaSeconds(v).orElse(0));
    }

    public OptionalLong minFresh() {
        return seconds("min-fresh");
    }

    public boolean onlyIfCached() {
        return has("only-if-cached");
    }
}
