package io.edgecert.distributions.policies;

import io.edgecert.problems.Violation;
import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.OriginRequestPolicy;
import io.edgecert.serving.ResponseHeadersPolicy;

import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One of the three kinds of policy, all handled alike: {@code C} the config the API takes, {@code S}
 * the resolved form the edge applies (serving's record). The managed ones come from
 * {@link ManagedPolicies}, read on every call (another part fills the response headers list).
 */
public final class PolicyKind<C extends PolicyConfig, S> {
    public static final PolicyKind<CachePolicyConfig, CachePolicy> CACHE = new PolicyKind<>("cache", "cache policy",
            CachePolicyConfig.class, PolicyRules::check, PolicyTranslation::cache, () -> ManagedPolicies.CACHE,
            CachePolicy::id, PolicyTranslation::cacheConfig);
    public static final PolicyKind<OriginRequestPolicyConfig, OriginRequestPolicy> ORIGIN_REQUEST = new PolicyKind<>(
            "origin-request", "origin request policy", OriginRequestPolicyConfig.class, PolicyRules::check,
            PolicyTranslation::originRequest, () -> ManagedPolicies.ORIGIN_REQUEST, OriginRequestPolicy::id,
            PolicyTranslation::originRequestConfig);
    public static final PolicyKind<ResponseHeadersPolicyConfig, ResponseHeadersPolicy> RESPONSE_HEADERS = new PolicyKind<>(
            "response-headers", "response headers policy", ResponseHeadersPolicyConfig.class, PolicyRules::check,
            PolicyTranslation::responseHeaders, () -> ManagedPolicies.RESPONSE_HEADERS, ResponseHeadersPolicy::id,
            PolicyTranslation::responseHeadersConfig);

    public static final List<PolicyKind<?, ?>> ALL = List.of(CACHE, ORIGIN_REQUEST, RESPONSE_HEADERS);

    private final String key;
    private final String label;
    private final Class<C> configType;
    private final Function<C, List<Violation>> rules;
    private final BiFunction<String, C, S> toServing;
    private final Supplier<List<S>> managed;
    private final Function<S, String> idOf;
    private final Function<S, C> configOf;

    private PolicyKind(String key, String label, Class<C> configType, Function<C, List<Violation>> rules,
                       BiFunction<String, C, S> toServing, Supplier<List<S>> managed, Function<S, String> idOf,
                       Function<S, C> configOf) {
        this.key = key;
        this.label = label;
        this.configType = configType;
        this.rules = rules;
        this.toServing = toServing;
        this.managed = managed;
        this.idOf = idOf;
        this.configOf = configOf;
    }

    /** The kind's name in the store and in URLs ("cache" for /api/v1/cache-policies). */
    public String key() {
        return key;
    }

    /** "cache policy", for messages. */
    public String label() {
        return label;
    }

    public Class<C> configType() {
        return configType;
    }

    public List<Violation> check(C config) {
        return rules.apply(config);
    }

    /** The edge's form of a stored config. */
    public S resolve(String id, C config) {
        return toServing.apply(id, config);
    }

    public List<Policy<C>> managed() {
        return managed.get().stream().map(s -> new Policy<>(idOf.apply(s), PolicyType.managed, 1, Optional.<java.time.Instant>empty(),
                configOf.apply(s))).toList();
    }

    public Optional<S> managedPolicy(String id) {
        return managed.get().stream().filter(s -> idOf.apply(s).equals(id)).findFirst();
    }

    public boolean isManaged(String id) {
        return managedPolicy(id).isPresent();
    }

    @Override
    public String toString() {
        return label;
    }
}
