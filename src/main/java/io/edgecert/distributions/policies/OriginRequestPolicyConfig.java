package io.edgecert.distributions.policies;

/** CloudFront's OriginRequestPolicyConfig, camelCase: what reaches the origin beyond the cache key. */
public record OriginRequestPolicyConfig(String name, String comment, SelectionConfig headersConfig,
                                        SelectionConfig cookiesConfig, SelectionConfig queryStringsConfig)
        implements PolicyConfig {
    public OriginRequestPolicyConfig {
        comment = comment == null ? "" : comment;
    }
}
