package io.edgecert.distributions.policies;

import java.util.Optional;

/**
 * CloudFront's CachePolicyConfig, camelCase, as the API takes and shows it. Absent TTLs take
 * CloudFront's defaults (minTtl 1, defaultTtl 86400, maxTtl 31536000).
 */
public record CachePolicyConfig(String name, String comment, Long minTtl, Long defaultTtl, Long maxTtl,
                                ParametersInCacheKey parametersInCacheKeyAndForwardedToOrigin) implements PolicyConfig {
    public static final long DEFAULT_MIN_TTL = 1;
    public static final long DEFAULT_DEFAULT_TTL = 86_400;
    public static final long DEFAULT_MAX_TTL = 31_536_000;

    public CachePolicyConfig {
        comment = comment == null ? "" : comment;
    }

    /** What goes into the cache key (and so to the origin). Absent configs are none; encodings off. */
    public record ParametersInCacheKey(SelectionConfig headersConfig, SelectionConfig cookiesConfig,
                                       SelectionConfig queryStringsConfig, Boolean enableAcceptEncodingGzip,
                                       Boolean enableAcceptEncodingBrotli) {
    }

    public long minTtlOrDefault() {
        return Optional.ofNullable(minTtl).orElse(DEFAULT_MIN_TTL);
    }

    public long defaultTtlOrDefault() {
        return Optional.ofNullable(defaultTtl).orElse(DEFAULT_DEFAULT_TTL);
    }

    public long maxTtlOrDefault() {
        return Optional.ofNullable(maxTtl).orElse(DEFAULT_MAX_TTL);
    }

    public ParametersInCacheKey parameters() {
        return parametersInCacheKeyAndForwardedToOrigin == null
                ? new ParametersInCacheKey(null, null, null, null, null) : parametersInCacheKeyAndForwardedToOrigin;
    }
}
