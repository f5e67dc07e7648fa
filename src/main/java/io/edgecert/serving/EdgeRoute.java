package io.edgecert.serving;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the edge needs to serve one deployed version of a distribution: the names it answers to,
 * the certificate (by id and material version, the key stays in the certificates part until the
 * first handshake), the TLS policy, the origins and how requests reach them (cache behaviors with
 * their policies resolved, origin groups, custom error responses). Immutable; a new version is a
 * new route.
 *
 * @param aliases lower-case host names, possibly one-label wildcards ("*.example.com")
 * @param domainName the distribution's own name, {@code <id>.<EDGECERT_EDGE_DOMAIN>}, served with
 *                   the edge's default certificate
 * @param certificateId empty when the distribution has no aliases (own domain name only)
 * @param behaviors ordered; the first whose pattern matches the path wins, else {@code defaultBehavior}
 */
public record EdgeRoute(String distributionId, int version, List<String> aliases, String domainName,
                        Optional<String> certificateId, int certificateVersion, MinimumProtocol minimumProtocol,
                        List<Origin> origins, String defaultOriginId, List<OriginGroup> originGroups,
                        CacheBehavior defaultBehavior, List<CacheBehavior> behaviors,
                        List<CustomErrorResponse> customErrorResponses) {
    public EdgeRoute {
        aliases = List.copyOf(aliases);
        origins = List.copyOf(origins);
        originGroups = List.copyOf(originGroups);
        behaviors = List.copyOf(behaviors);
        customErrorResponses = List.copyOf(customErrorResponses);
    }

    /** A route as before cache behaviors: one pass-through behavior to the default origin. */
    public EdgeRoute(String distributionId, int version, List<String> aliases, String domainName,
                     Optional<String> certificateId, int certificateVersion, MinimumProtocol minimumProtocol,
                     List<Origin> origins, String defaultOriginId) {
        this(distributionId, version, aliases, domainName, certificateId, certificateVersion, minimumProtocol, origins,
                defaultOriginId, List.of(), CacheBehavior.passThrough(defaultOriginId), List.of(), List.of());
    }

    /** @param originPath CloudFront's OriginPath: "" or a prefix such as "/production", no trailing slash */
    public record Origin(String id, URI url, String originPath) {
        public Origin(String id, URI url) {
            this(id, url, "");
        }
    }

    public Origin defaultOrigin() {
        return origin(defaultOriginId).orElse(origins.get(0));
    }

    public Optional<Origin> origin(String id) {
        return origins.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    public Optional<OriginGroup> originGroup(String id) {
        return originGroups.stream().filter(g -> g.id().equals(id)).findFirst();
    }

    /** The behavior for a request path (without its query string). */
    public CacheBehavior behaviorFor(String path) {
        for (CacheBehavior b : behaviors) {
            if (b.pathPattern().matches(path)) {
                return b;
            }
        }
        return defaultBehavior;
    }
}
