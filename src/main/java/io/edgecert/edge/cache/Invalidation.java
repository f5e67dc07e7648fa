package io.edgecert.edge.cache;

import io.netty.handler.codec.http.HttpHeaders;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Invalidation by unsafe methods (RFC 9111 4.4): a non-error (2xx, 3xx) response to a request
 * whose method is not safe (anything but GET, HEAD, OPTIONS, TRACE, so also methods this cache
 * does not know, like M-SEARCH) invalidates the request's URI and the URIs in Location and
 * Content-Location when they are on the same host. The result is paths (without the query): what
 * is dropped is every stored object of the path, whatever its query string or other key parts,
 * as the store keys objects by path for invalidations (CloudFront invalidations work so too).
 */
public final class Invalidation {
    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

    private Invalidation() {
    }

    public static boolean unsafe(String method) {
        return !SAFE.contains(method.toUpperCase(Locale.ROOT));
    }

    /**
     * The paths to invalidate after a response, empty when nothing is.
     *
     * @param requestUri the request target as received (origin-form, e.g. {@code /a/b?c})
     * @param host       the request's host (Host or :authority), for the same-host rule
     */
    public static List<String> paths(String method, String requestUri, String host, int status, HttpHeaders response) {
        if (!unsafe(method) || status < 200 || status >= 400) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        URI base = parse(requestUri).orElse(null);
        if (base == null || base.getRawPath() == null) {
            return List.of();
        }
        out.add(base.getRawPath());
        for (String name : List.of("Location", "Content-Location")) {
            String v = response.get(name);
            if (v == null || v.isBlank()) {
                continue;
            }
            parse(v.strip()).ifPresent(u -> {
                if (u.getHost() != null && (host == null || !sameHost(u, host))) {
                    return; // another host: 4.4 forbids invalidating it (a denial-of-service vector)
                }
                URI resolved = base.resolve(u);
                String p = resolved.getRawPath();
                if (p != null && !p.isEmpty() && !out.contains(p)) {
                    out.add(p);
                }
            });
        }
        return List.copyOf(out);
    }

    private static boolean sameHost(URI u, String host) {
        String h = host.toLowerCase(Locale.ROOT);
        String uh = u.getHost().toLowerCase(Locale.ROOT);
        int colon = h.lastIndexOf(':');
        String hostOnly = colon > 0 && !h.endsWith("]") ? h.substring(0, colon) : h;
        return uh.equals(hostOnly) || (u.getPort() > 0 && (uh + ":" + u.getPort()).equals(h));
    }

    private static Optional<URI> parse(String s) {
        try {
            return Optional.of(new URI(s));
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
