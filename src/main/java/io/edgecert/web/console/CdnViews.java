package io.edgecert.web.console;

import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.policies.CachePolicyConfig;
import io.edgecert.distributions.policies.Policy;
import io.edgecert.distributions.policies.PolicyConfig;
import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.distributions.policies.PolicyType;
import io.edgecert.problems.ProblemException;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.web.console.Views.BehaviorRow;
import io.edgecert.web.console.Views.KeyValue;
import io.edgecert.web.console.Views.PolicyRef;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A distribution's CDN settings as the distribution page shows them: cache behaviors in the order
 * the edge tries them (the default last), each field as given or, when absent, what applies (the
 * pass-through defaults of DistributionConfig.Behavior), policies by name.
 */
final class CdnViews {
    private final PolicyService policies;

    CdnViews(PolicyService policies) {
        this.policies = policies;
    }

    List<BehaviorRow> behaviors(DistributionConfig c) {
        List<BehaviorRow> rows = new ArrayList<>();
        for (DistributionConfig.Behavior b : c.cacheBehaviors()) {
            rows.add(row(c, b, Optional.ofNullable(b.pathPattern()).orElse("")));
        }
        rows.add(row(c, c.defaultCacheBehavior().orElse(new DistributionConfig.Behavior(null, null, null, null, null, null,
                null, null, null)), "* (default)"));
        return rows;
    }

    private BehaviorRow row(DistributionConfig c, DistributionConfig.Behavior b, String pattern) {
        CacheBehavior pass = CacheBehavior.passThrough(c.defaultOriginId());
        return new BehaviorRow(pattern,
                Optional.ofNullable(b.targetOriginId()).orElse(c.defaultOriginId()),
                Optional.ofNullable(b.viewerProtocolPolicy()).orElse(pass.viewerProtocolPolicy().apiName()),
                methods(Optional.ofNullable(b.allowedMethods()).orElse(List.copyOf(pass.allowedMethods()))),
                methods(Optional.ofNullable(b.cachedMethods()).orElse(List.copyOf(pass.cachedMethods()))),
                Optional.ofNullable(b.compress()).orElse(pass.compress()),
                ref(PolicyKind.CACHE, Optional.ofNullable(b.cachePolicyId()).orElse(ManagedPolicies.CACHING_DISABLED.id()),
                        CdnViews::ttls),
                ref(PolicyKind.ORIGIN_REQUEST, Optional.ofNullable(b.originRequestPolicyId())
                        .orElse(ManagedPolicies.ALL_VIEWER.id()), p -> ""),
                b.responseHeadersPolicyId() == null ? new PolicyRef("", "(none)", "", false)
                        : ref(PolicyKind.RESPONSE_HEADERS, b.responseHeadersPolicyId(), p -> ""));
    }

    /** Methods in CloudFront's order, whatever order the config lists them in. */
    private static String methods(List<String> methods) {
        List<String> order = List.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");
        return String.join(", ", order.stream().filter(methods::contains).toList());
    }

    private <C extends PolicyConfig> PolicyRef ref(PolicyKind<C, ?> kind, String id, Function<C, String> detail) {
        try {
            Policy<C> p = policies.get(kind, id);
            return new PolicyRef(id, p.config().name(), detail.apply(p.config()), p.type() == PolicyType.managed);
        } catch (ProblemException gone) {
            // a policy in use cannot be deleted; should it be gone all the same, say so rather than fail the page
            return new PolicyRef(id, "(unknown " + kind.label() + ")", "", false);
        }
    }

    private static String ttls(PolicyConfig config) {
        CachePolicyConfig c = (CachePolicyConfig) config;
        if (c.maxTtlOrDefault() == 0) {
            return "caches nothing";
        }
        return "TTL min " + Fmt.seconds(c.minTtlOrDefault()) + ", default " + Fmt.seconds(c.defaultTtlOrDefault())
                + ", max " + Fmt.seconds(c.maxTtlOrDefault());
    }

    static List<KeyValue> originGroups(DistributionConfig c) {
        return c.originGroups().stream().map(g -> new KeyValue(g.id(), g.primaryOriginId() + " → " + g.secondaryOriginId()
                + " on " + (g.failoverStatusCodes() == null || g.failoverStatusCodes().isEmpty() ? "500, 502, 503, 504"
                : String.join(", ", g.failoverStatusCodes().stream().map(String::valueOf).toList()))
                + ", a refused connection or a timeout")).toList();
    }

    static List<KeyValue> errorResponses(DistributionConfig c) {
        return c.customErrorResponses().stream().map(e -> new KeyValue(String.valueOf(e.errorCode()),
                (e.responsePagePath() == null ? "no page" : "page " + e.responsePagePath())
                        + (e.responseCode() == null ? "" : ", answered " + e.responseCode())
                        + (e.errorCachingMinTtl() == null ? "" : ", cached " + Fmt.seconds(e.errorCachingMinTtl())))).toList();
    }
}
