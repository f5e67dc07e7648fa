package io.edgecert.serving;

import java.nio.charset.StandardCharsets;

/**
 * CloudFront's invalidation paths, shared by the rules that accept them (distributions) and the
 * cache that drops what they match (the edge's {@link CachePurger}). A path starts with "/", is
 * case-sensitive, and is either one object's path ("/index.html") or a prefix ending in "*"
 * ("/img/*"; "/*" is everything); "*" anywhere else is refused, as CloudFront refuses it.
 *
 * <p>Both sides compare the URL-encoded form, CloudFront's rule: what RFC 1738 calls unsafe (space,
 * {@code " # < > \ ^ ` { | } [ ]}, a lone {@code %}) and every non-ASCII character (as UTF-8) is
 * percent-encoded, existing escapes keep their value with upper-case hex digits (RFC 3986 6.2.2.1),
 * nothing else is encoded or decoded. So "/café menu.html", "/caf%c3%a9%20menu.html" and
 * "/caf%C3%A9%20menu.html" are one path. A query string is never part of an object's path.
 */
public final class InvalidationPaths {
    /** CloudFront's longest invalidation path (after encoding). */
    public static final int MAX_LENGTH = 4_000;
    private static final String UNSAFE = " \"#<>\\^`{|}[]";
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private InvalidationPaths() {
    }

    /** A path as given, checked and normalised. */
    public sealed interface Parsed permits Valid, Refused {
    }

    /** The normalised path. */
    public record Valid(String path) implements Parsed {
        public boolean wildcard() {
            return isWildcard(path);
        }
    }

    /** Why the path cannot be an invalidation path, in words for the user. */
    public record Refused(String reason) implements Parsed {
    }

    public static Parsed parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            return new Refused("is empty; give a path such as /index.html or /img/*");
        }
        if (raw.charAt(0) != '/') {
            return new Refused("must start with / (for example /" + abbreviate(raw) + ")");
        }
        int star = raw.indexOf('*');
        if (star >= 0 && star != raw.length() - 1) {
            return new Refused("has * before its end; a wildcard is only allowed as the last character (/img/*)");
        }
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '?') {
                return new Refused("has a query string; invalidations match paths only, and /page* covers every "
                        + "query-string variant of /page");
            }
            if (c < 0x20 || c == 0x7f) {
                return new Refused("has a control character at position " + i);
            }
            if (Character.isHighSurrogate(c) ? i + 1 >= raw.length() || !Character.isLowSurrogate(raw.charAt(i + 1))
                    : Character.isLowSurrogate(c) && (i == 0 || !Character.isHighSurrogate(raw.charAt(i - 1)))) {
                return new Refused("is not valid Unicode (a lone surrogate at position " + i + ")");
            }
        }
        String path = canonical(raw);
        if (path.length() > MAX_LENGTH) {
            return new Refused("is " + path.length() + " characters once URL-encoded; at most " + MAX_LENGTH);
        }
        return new Valid(path);
    }

    /**
     * An object's path (the request's, without its query string) in the form invalidation paths
     * are compared in; what the cache keeps as {@code CacheKey.path()} should be this.
     */
    public static String canonical(String path) {
        StringBuilder out = new StringBuilder(path.length() + 16);
        int i = 0;
        while (i < path.length()) {
            char c = path.charAt(i);
            if (c == '%' && i + 2 < path.length() && isHex(path.charAt(i + 1)) && isHex(path.charAt(i + 2))) {
                out.append('%').append(Character.toUpperCase(path.charAt(i + 1)))
                        .append(Character.toUpperCase(path.charAt(i + 2)));
                i += 3;
            } else if (c >= 0x80) {
                int cp = path.codePointAt(i);
                escape(out, new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8));
                i += Character.charCount(cp);
            } else {
                if (c == '%' || c <= 0x20 || c == 0x7f || UNSAFE.indexOf(c) >= 0) {
                    escape(out, new byte[]{(byte) c});
                } else {
                    out.append(c);
                }
                i++;
            }
        }
        return out.toString();
    }

    /** Whether an object with this canonical path is dropped by this invalidation path. */
    public static boolean matches(String invalidationPath, String objectPath) {
        return isWildcard(invalidationPath)
                ? objectPath.startsWith(invalidationPath.substring(0, invalidationPath.length() - 1))
                : objectPath.equals(invalidationPath);
    }

    public static boolean isWildcard(String path) {
        return path.endsWith("*");
    }

    private static void escape(StringBuilder out, byte[] bytes) {
        for (byte b : bytes) {
            out.append('%').append(HEX[(b >> 4) & 0xf]).append(HEX[b & 0xf]);
        }
    }

    private static boolean isHex(char c) {
        return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F';
    }

    private static String abbreviate(String s) {
        return s.length() > 40 ? s.substring(0, 40) + "..." : s;
    }
}
