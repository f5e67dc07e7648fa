package io.edgecert.edge;

import io.edgecert.serving.EdgeRoute;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The edge's immutable view of what it serves, swapped whole on every change so that a handshake
 * reads one consistent snapshot with no lock and no database. Lookups are hash-map reads on
 * normalised names: an unknown name costs nothing and leaves nothing behind.
 */
final class RouteTable {
    /** How a name was matched: the specific kinds pick the distribution's certificate. */
    enum MatchKind { EXACT_ALIAS, WILDCARD_ALIAS, DOMAIN_NAME }

    record Match(EdgeRoute route, MatchKind kind) {
        boolean usesDistributionCertificate() {
            return kind != MatchKind.DOMAIN_NAME;
        }
    }

    static final RouteTable EMPTY = new RouteTable(Map.of(), Map.of(), Map.of(), 0);

    private final Map<String, EdgeRoute> exact;
    private final Map<String, EdgeRoute> wildcard;
    private final Map<String, EdgeRoute> domainNames;
    private final int size;

    private RouteTable(Map<String, EdgeRoute> exact, Map<String, EdgeRoute> wildcard,
                       Map<String, EdgeRoute> domainNames, int size) {
        this.exact = exact;
        this.wildcard = wildcard;
        this.domainNames = domainNames;
        this.size = size;
    }

    static RouteTable of(List<EdgeRoute> routes) {
        Map<String, EdgeRoute> exact = new HashMap<>(routes.size() * 2);
        Map<String, EdgeRoute> wildcard = new HashMap<>();
        Map<String, EdgeRoute> domainNames = new HashMap<>(routes.size() * 2);
        for (EdgeRoute r : routes) {
            domainNames.put(normalise(r.domainName()), r);
            if (r.certificateId().isEmpty()) {
                continue; // aliases without a certificate cannot be served over TLS
            }
            for (String alias : r.aliases()) {
                String a = normalise(alias);
                if (a.startsWith("*.")) {
                    wildcard.put(a.substring(2), r);
                } else {
                    exact.put(a, r);
                }
            }
        }
        return new RouteTable(exact, wildcard, domainNames, routes.size());
    }

    /** Exact alias, then one-label wildcard alias, then a distribution's own domain name. */
    Optional<Match> lookup(String hostName) {
        if (hostName == null || hostName.isEmpty()) {
            return Optional.empty();
        }
        String host = normalise(hostName);
        EdgeRoute r = exact.get(host);
        if (r != null) {
            return Optional.of(new Match(r, MatchKind.EXACT_ALIAS));
        }
        int dot = host.indexOf('.');
        if (dot > 0) {
            r = wildcard.get(host.substring(dot + 1));
            if (r != null) {
                return Optional.of(new Match(r, MatchKind.WILDCARD_ALIAS));
            }
        }
        r = domainNames.get(host);
        return r == null ? Optional.empty() : Optional.of(new Match(r, MatchKind.DOMAIN_NAME));
    }

    int size() {
        return size;
    }

    /** ASCII lower case without a trailing dot; SNI and Host names are ASCII (A-labels). */
    static String normalise(String name) {
        int end = name.endsWith(".") ? name.length() - 1 : name.length();
        boolean lower = true;
        for (int i = 0; i < end && lower; i++) {
            char ch = name.charAt(i);
            lower = ch < 'A' || ch > 'Z';
        }
        String n = end == name.length() ? name : name.substring(0, end);
        return lower ? n : n.toLowerCase(java.util.Locale.ROOT);
    }
}
