package io.edgecert.edge.cache;

import io.netty.handler.codec.http.HttpHeaders;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Vary as secondary keys (RFC 9111 4.1). A stored response matches a request when, for every
 * header its Vary names, the request has the same normalised value as the request that produced
 * it (both absent counts as a match). {@code Vary: *} (anywhere in the list) never matches, and is
 * never stored ({@link Storability}).
 *
 * <p>Normalisation (4.1 allows it): field lines combined, list members trimmed and empty ones
 * dropped, whitespace around {@code ;} and {@code =} removed; for Accept, Accept-Charset,
 * Accept-Encoding and Accept-Language (case-insensitive tokens) lower case, and for
 * Accept-Encoding and Accept-Language the members sorted, as their order carries no preference
 * (q-values do).
 */
public final class Vary {
    private static final Set<String> CASELESS = Set.of("accept", "accept-charset", "accept-encoding", "accept-language");
    private static final Set<String> UNORDERED = Set.of("accept-encoding", "accept-language");

    private Vary() {
    }

    /** The header names a response varies on, lower case; empty when it says {@code *}. */
    public static Optional<List<String>> names(HttpHeaders response) {
        List<String> names = new ArrayList<>();
        for (String line : response.getAll("Vary")) {
            for (String member : line.split(",")) {
                String name = member.strip().toLowerCase(Locale.ROOT);
                if (name.equals("*")) {
                    return Optional.empty();
                }
                if (!name.isEmpty() && !names.contains(name)) {
                    names.add(name);
                }
            }
        }
        return Optional.of(names);
    }

    public static boolean isStar(HttpHeaders response) {
        return names(response).isEmpty();
    }

    /** What to record in {@link StoredHead#selectingHeaders()}: the request's normalised values. */
    public static Map<String, String> selectingHeaders(HttpHeaders response, HttpHeaders request) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : names(response).orElse(List.of())) {
            normalised(request, name).ifPresent(v -> out.put(name, v));
        }
        return out;
    }

    /** Whether a stored response may be used for a request as far as Vary goes. */
    public static boolean matches(StoredHead stored, HttpHeaders request) {
        Optional<List<String>> names = names(stored.headers());
        if (names.isEmpty()) {
            return false;
        }
        for (String name : names.get()) {
            Optional<String> now = normalised(request, name);
            String then = stored.selectingHeaders().get(name);
            if (then == null ? now.isPresent() : !now.equals(Optional.of(then))) {
                return false;
            }
        }
        return true;
    }

    /** Without whitespace around ';' and '='. */
    private static String tight(String v) {
        if (v.indexOf(' ') < 0 && v.indexOf('\t') < 0) {
            return v;
        }
        StringBuilder b = new StringBuilder(v.length());
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c == ' ' || c == '\t') {
                int j = i;
                while (j < v.length() && (v.charAt(j) == ' ' || v.charAt(j) == '\t')) {
                    j++;
                }
                boolean nextSep = j < v.length() && (v.charAt(j) == ';' || v.charAt(j) == '=');
                boolean prevSep = b.length() > 0 && (b.charAt(b.length() - 1) == ';' || b.charAt(b.length() - 1) == '=');
                if (!nextSep && !prevSep) {
                    b.append(v, i, j);
                }
                i = j - 1;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /** A request header's value, normalised; empty when absent. */
    public static Optional<String> normalised(HttpHeaders request, String name) {
        List<String> lines = request.getAll(name);
        if (lines.isEmpty()) {
            return Optional.empty();
        }
        boolean caseless = CASELESS.contains(name);
        List<String> members = new ArrayList<>();
        for (String line : lines) {
            for (String m : line.split(",")) {
                String v = tight(m.strip());
                if (!v.isEmpty()) {
                    members.add(caseless ? v.toLowerCase(Locale.ROOT) : v);
                }
            }
        }
        if (UNORDERED.contains(name)) {
            members.sort(null);
        }
        return Optional.of(String.join(",", members));
    }
}
