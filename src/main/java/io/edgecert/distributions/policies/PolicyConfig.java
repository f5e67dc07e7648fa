package io.edgecert.distributions.policies;

/** The user's side of a policy of any kind: named uniquely per kind, with a comment. */
public sealed interface PolicyConfig permits CachePolicyConfig, OriginRequestPolicyConfig, ResponseHeadersPolicyConfig {
    String name();

    String comment();
}
