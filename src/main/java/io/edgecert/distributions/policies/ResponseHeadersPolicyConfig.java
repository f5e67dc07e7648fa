package io.edgecert.distributions.policies;

import java.util.List;

/**
 * CloudFront's ResponseHeadersPolicyConfig, camelCase, with CloudFront's {@code {Quantity, Items}}
 * lists as plain arrays: custom headers {@code [{header, value, override}]}, headers to remove
 * {@code ["server"]}. Every part is optional.
 */
public record ResponseHeadersPolicyConfig(String name, String comment, CorsConfig corsConfig,
                                          SecurityHeadersConfig securityHeadersConfig,
                                          List<CustomHeader> customHeadersConfig, List<String> removeHeadersConfig,
                                          ServerTimingHeadersConfig serverTimingHeadersConfig) implements PolicyConfig {
    public ResponseHeadersPolicyConfig {
        comment = comment == null ? "" : comment;
        customHeadersConfig = customHeadersConfig == null ? List.of()
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(customHeadersConfig));
        removeHeadersConfig = removeHeadersConfig == null ? List.of()
                : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(removeHeadersConfig));
    }

    public record CorsConfig(List<String> accessControlAllowOrigins, List<String> accessControlAllowHeaders,
                             List<String> accessControlAllowMethods, List<String> accessControlExposeHeaders,
                             Boolean accessControlAllowCredentials, Long accessControlMaxAgeSec, Boolean originOverride) {
    }

    public record SecurityHeadersConfig(StrictTransportSecurity strictTransportSecurity,
                                        ContentTypeOptions contentTypeOptions, FrameOptions frameOptions,
                                        ReferrerPolicy referrerPolicy, ContentSecurityPolicy contentSecurityPolicy,
                                        XssProtection xssProtection) {
    }

    public record StrictTransportSecurity(Boolean override, Long accessControlMaxAgeSec, Boolean includeSubdomains,
                                          Boolean preload) {
    }

    public record ContentTypeOptions(Boolean override) {
    }

    /** frameOption: DENY or SAMEORIGIN. */
    public record FrameOptions(Boolean override, String frameOption) {
    }

    public record ReferrerPolicy(Boolean override, String referrerPolicy) {
    }

    public record ContentSecurityPolicy(Boolean override, String contentSecurityPolicy) {
    }

    public record XssProtection(Boolean override, Boolean protection, Boolean modeBlock, String reportUri) {
    }

    public record CustomHeader(String header, String value, Boolean override) {
    }

    /** samplingRate: percent of responses, 0-100. */
    public record ServerTimingHeadersConfig(Boolean enabled, Double samplingRate) {
    }
}
