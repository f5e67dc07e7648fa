package io.edgecert.serving;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A cache behavior's path pattern, CloudFront's syntax: {@code *} matches any run of characters
 * (slashes too), {@code ?} exactly one, everything else itself, case-sensitive. A leading slash is
 * optional ("images/*" and "/images/*" are the same pattern). Matched against the request's path
 * without its query string.
 */
public record PathPattern(String text) {
    public static final int MAX_LENGTH = 255;
    /** CloudFront's allowed characters (its docs list them; '&' stands for itself). */
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9_\\-.$/~\"'@:+&*?]+");
    public static final PathPattern DEFAULT = new PathPattern("*");

    /** Empty when the text is not a valid pattern (too long, empty, or a character CloudFront refuses). */
    public static Optional<PathPattern> parse(String text) {
        if (text == null || text.isEmpty() || text.length() > MAX_LENGTH || !ALLOWED.matcher(text).matches()) {
            return Optional.empty();
        }
        return Optional.of(new PathPattern(text));
    }

    public boolean matches(String path) {
        String p = text.startsWith("/") || text.startsWith("*") ? text : "/" + text;
        return glob(p, 0, path, 0);
    }

    // Iterative glob with single-star backtracking: linear in practice, no regex compiled per pattern.
    private static boolean glob(String p, int pi, String s, int si) {
        int star = -1;
        int mark = 0;
        while (si < s.length()) {
            if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == s.charAt(si))) {
                pi++;
                si++;
            } else if (pi < p.length() && p.charAt(pi) == '*') {
                star = pi++;
                mark = si;
            } else if (star >= 0) {
                pi = star + 1;
                si = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length() && p.charAt(pi) == '*') {
            pi++;
        }
        return pi == p.length();
    }
}
