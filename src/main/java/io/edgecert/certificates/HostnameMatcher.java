package io.edgecert.certificates;

/**
 * DNS name matching as CloudFront and browsers do it (import-rules C1): exact, case-insensitive,
 * or a wildcard that stands for exactly one whole leftmost label.
 * TODO(chain helper): implement.
 */
public final class HostnameMatcher {
    private HostnameMatcher() {
    }

    /** Does the certificate name {@code pattern} (e.g. "*.example.com") cover {@code hostName}? */
    public static boolean matches(String pattern, String hostName) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
