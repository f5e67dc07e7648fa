package io.edgecert.serving;

import java.util.Optional;
import java.util.Set;

/**
 * One cache behavior as the edge applies it, policies resolved: requests whose path matches
 * {@code pathPattern} (the first behavior that matches wins, the default behavior's pattern is
 * "*") go to {@code targetOriginId} (an origin or an origin group).
 *
 * @param allowedMethods upper-case method names the behavior accepts (CloudFront's three sets)
 * @param cachedMethods  GET and HEAD, plus OPTIONS when asked
 */
public record CacheBehavior(PathPattern pathPattern, String targetOriginId, ViewerProtocolPolicy viewerProtocolPolicy,
                            Set<String> allowedMethods, Set<String> cachedMethods, boolean compress,
                            CachePolicy cachePolicy, OriginRequestPolicy originRequestPolicy,
                            Optional<ResponseHeadersPolicy> responseHeadersPolicy) {
    public static final Set<String> ALL_METHODS = Set.of("GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE");
    public static final Set<String> GET_HEAD = Set.of("GET", "HEAD");
    public static final Set<String> GET_HEAD_OPTIONS = Set.of("GET", "HEAD", "OPTIONS");

    public CacheBehavior {
        allowedMethods = Set.copyOf(allowedMethods);
        cachedMethods = Set.copyOf(cachedMethods);
    }

    /**
     * Whether the behavior takes this method. Where it takes all seven of CloudFront's methods it
     * takes extension methods too (WebDAV's PROPFIND, M-SEARCH, ...): the proxy before behaviors
     * forwarded every method, and a distribution that allows everything keeps doing so. CloudFront
     * answers them 403; docs/caching.md says so.
     */
    public boolean allows(String method) {
        return allowedMethods.contains(method) || allowedMethods.size() == ALL_METHODS.size() && !ALL_METHODS.contains(method);
    }

    /**
     * What every distribution had before behaviors existed, and what a distribution that names
     * none gets: every method, nothing cached, every viewer header forwarded, plain HTTP
     * redirected to https.
     */
    public static CacheBehavior passThrough(String targetOriginId) {
        return new CacheBehavior(PathPattern.DEFAULT, targetOriginId, ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                ALL_METHODS, GET_HEAD, false, ManagedPolicies.CACHING_DISABLED, ManagedPolicies.ALL_VIEWER,
                Optional.empty());
    }
}
