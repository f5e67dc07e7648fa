package io.edgecert.serving;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * What the edge needs to serve one deployed version of a distribution: the names it answers to,
 * the certificate (by id and material version, the key stays in the certificates part until the
 * first handshake), the TLS policy and where to proxy. Immutable; a new version is a new route.
 *
 * @param aliases lower-case host names, possibly one-label wildcards ("*.example.com")
 * @param domainName the distribution's own name, {@code <id>.<EDGECERT_EDGE_DOMAIN>}, served with
 *                   the edge's default certificate
 * @param certificateId empty when the distribution has no aliases (own domain name only)
 */
public record EdgeRoute(String distributionId, int version, List<String> aliases, String domainName,
                        Optional<String> certificateId, int certificateVersion, MinimumProtocol minimumProtocol,
                        List<Origin> origins, String defaultOriginId) {
    public EdgeRoute {
        aliases = List.copyOf(aliases);
        origins = List.copyOf(origins);
    }

    public record Origin(String id, URI url) {
    }

    public Origin defaultOrigin() {
        return origins.stream().filter(o -> o.id().equals(defaultOriginId)).findFirst().orElse(origins.get(0));
    }
}
