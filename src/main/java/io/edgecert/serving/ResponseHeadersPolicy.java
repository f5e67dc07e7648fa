package io.edgecert.serving;

import java.util.List;
import java.util.Optional;

/**
 * A response headers policy flattened for the edge: the security headers and the custom headers
 * become {@link HeaderRule}s (the API keeps CloudFront's structured form), CORS stays its own
 * part because it depends on the request.
 *
 * @param serverTimingSampleRate percent of responses (0-100) that get Server-Timing; empty = off
 */
public record ResponseHeadersPolicy(String id, String name, Optional<Cors> cors, List<HeaderRule> headers,
                                    List<String> removeHeaders, Optional<Double> serverTimingSampleRate) {
    public ResponseHeadersPolicy {
        headers = List.copyOf(headers);
        removeHeaders = List.copyOf(removeHeaders);
    }

    /** A header to send; {@code override} replaces the origin's value, otherwise the origin's wins. */
    public record HeaderRule(String name, String value, boolean override) {
    }

    /**
     * CloudFront's CorsConfig. {@code allowOrigins} may hold "*"; {@code originOverride} as in
     * CloudFront: the policy's values replace the origin's CORS headers.
     */
    public record Cors(List<String> allowOrigins, List<String> allowHeaders, List<String> allowMethods,
                       List<String> exposeHeaders, boolean allowCredentials, Optional<Long> maxAgeSeconds,
                       boolean originOverride) {
        public Cors {
            allowOrigins = List.copyOf(allowOrigins);
            allowHeaders = List.copyOf(allowHeaders);
            allowMethods = List.copyOf(allowMethods);
            exposeHeaders = List.copyOf(exposeHeaders);
        }
    }
}
