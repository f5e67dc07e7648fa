package io.edgecert.distributions;

import io.edgecert.certificates.Tag;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One version of a distribution's settings, as given and as stored (JSON in
 * distribution_versions). Immutable: a change is a new version.
 *
 * <p>The CDN fields (issue 14) follow CloudFront's DistributionConfig in camelCase and are all
 * optional: a config without them, as every distribution stored before them, has one default
 * behavior that keeps the old pass-through (serving.CacheBehavior.passThrough), no origin groups
 * and no custom error responses. Absent is stored as absent, so old rows need no migration.
 */
public record DistributionConfig(List<String> aliases, List<Origin> origins, String defaultOriginId,
                                 Optional<String> certificateId, String minimumProtocolVersion, boolean enabled,
                                 String comment, List<Tag> tags, List<OriginGroup> originGroups,
                                 Optional<Behavior> defaultCacheBehavior, List<Behavior> cacheBehaviors,
                                 List<ErrorResponse> customErrorResponses) {
    public DistributionConfig {
        // Copies that keep null elements (List.copyOf throws): a request's [null] must reach the
        // rules and come back as a 400 naming the field, not as a 500.
        aliases = immutable(aliases);
        origins = immutable(origins);
        tags = immutable(tags);
        comment = comment == null ? "" : comment;
        originGroups = immutable(originGroups);
        defaultCacheBehavior = defaultCacheBehavior == null ? Optional.empty() : defaultCacheBehavior;
        cacheBehaviors = immutable(cacheBehaviors);
        customErrorResponses = immutable(customErrorResponses);
        certificateId = certificateId == null ? Optional.empty() : certificateId;
    }

    /** A config as before cache behaviors: the default pass-through behavior only. */
    public DistributionConfig(List<String> aliases, List<Origin> origins, String defaultOriginId,
                              Optional<String> certificateId, String minimumProtocolVersion, boolean enabled,
                              String comment, List<Tag> tags) {
        this(aliases, origins, defaultOriginId, certificateId, minimumProtocolVersion, enabled, comment, tags, List.of(),
                Optional.empty(), List.of(), List.of());
    }

    private static <T> List<T> immutable(List<T> list) {
        return list == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(list));
    }

    /**
     * Where requests go: an id the config refers to, an http:// or https:// URL, and CloudFront's
     * OriginPath (absent or a path such as "/production" that prefixes every request's path).
     */
    public record Origin(String id, String url, Optional<String> originPath) {
        public Origin {
            originPath = originPath == null ? Optional.empty() : originPath;
        }

        public Origin(String id, String url) {
            this(id, url, Optional.empty());
        }
    }

    /**
     * CloudFront's OriginGroup flattened: requests go to the primary; a status among
     * {@code failoverStatusCodes} (absent: 500, 502, 503, 504), a refused connection or a timeout
     * sends them to the secondary.
     */
    public record OriginGroup(String id, String primaryOriginId, String secondaryOriginId,
                              List<Integer> failoverStatusCodes) {
    }

    /**
     * A cache behavior (CloudFront's CacheBehavior / DefaultCacheBehavior). Every field may be
     * absent and then keeps today's pass-through: the default origin, redirect-to-https, every
     * method, GET and HEAD cached (by a policy that caches nothing), no compression,
     * Managed-CachingDisabled, Managed-AllViewer, no response headers policy. {@code pathPattern}
     * is required in {@code cacheBehaviors} and absent (or "*") on the default behavior.
     */
    public record Behavior(String pathPattern, String targetOriginId, String viewerProtocolPolicy,
                           List<String> allowedMethods, List<String> cachedMethods, Boolean compress,
                           String cachePolicyId, String originRequestPolicyId, String responseHeadersPolicyId) {
    }

    /**
     * CloudFront's CustomErrorResponse: an origin's {@code errorCode} answered with the page at
     * {@code responsePagePath} (with {@code responseCode}, else the origin's status), the error
     * cached for {@code errorCachingMinTtl} seconds (absent: 10).
     */
    public record ErrorResponse(Integer errorCode, String responsePagePath, Integer responseCode, Long errorCachingMinTtl) {
    }
}
