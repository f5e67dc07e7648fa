package io.edgecert.edge;

import io.edgecert.serving.ResponseHeadersPolicy;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A response headers policy applied to one response head, the way CloudFront applies one: the
 * headers to remove go first, then CORS, then the security and custom headers, so a header both
 * removed and added is sent with the policy's value. A rule without override yields to a header
 * the origin sent. Pure: the policy, the viewer's request head and the response headers in, the
 * response headers changed in place; the handler does the I/O.
 */
final class ResponseHeaderRules {
    static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
    static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
    static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
    static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
    static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
    static final String MAX_AGE = "Access-Control-Max-Age";
    static final String REQUEST_METHOD = "Access-Control-Request-Method";
    static final String REQUEST_HEADERS = "Access-Control-Request-Headers";
    static final String SERVER_TIMING = "Server-Timing";
    /** CloudFront's "ALL" in a policy's methods. */
    private static final List<String> ALL_METHODS = List.of("GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT");

    private ResponseHeaderRules() {
    }

    /**
     * What Server-Timing reports of one exchange: the RFC 9211 Cache-Status the cache stage set
     * ("" when the cache had no say), the milliseconds from the request to this response head,
     * and those the origin took to its response head (-1 when no origin was asked).
     */
    record Timing(String cacheStatus, long elapsedMillis, long originMillis) {
    }

    /**
     * Applies {@code policy} to the response headers {@code h} of a response to {@code request};
     * {@code timing} is present when this response is to carry Server-Timing (see {@link #sampled}).
     */
    static void apply(ResponseHeadersPolicy policy, HttpRequest request, HttpHeaders h, Optional<Timing> timing) {
        for (String name : policy.removeHeaders()) {
            h.remove(name);
        }
        policy.cors().ifPresent(cors -> cors(cors, request, h));
        for (ResponseHeadersPolicy.HeaderRule rule : policy.headers()) {
            put(h, rule.name(), rule.value(), rule.override());
        }
        timing.ifPresent(t -> h.set(SERVER_TIMING, serverTiming(t, h.getAll(SERVER_TIMING))));
    }

    /** A CORS preflight: OPTIONS with Origin and Access-Control-Request-Method (Fetch standard). */
    static boolean isPreflight(HttpRequest request) {
        return HttpMethod.OPTIONS.equals(request.method()) && request.headers().contains(HttpHeaderNames.ORIGIN)
                && request.headers().contains(REQUEST_METHOD);
    }

    /**
     * The edge answers a preflight itself when the policy's CORS overrides the origin's: the
     * origin's answer would be replaced header by header anyway, so asking it only costs a round
     * trip (and an origin that does not know OPTIONS would turn it into an error). Without
     * override the origin's CORS headers win, so the preflight goes to the origin and the policy
     * fills in what it left out.
     */
    static boolean answersPreflight(ResponseHeadersPolicy policy, HttpRequest request) {
        return isPreflight(request) && policy.cors().map(ResponseHeadersPolicy.Cors::originOverride).orElse(false);
    }

    /**
     * Server-Timing is sent on {@code percent} of responses, and on every response to a request
     * with {@code Pragma: server-timing} (CloudFront's rule); {@code roll} is uniform in [0, 100).
     */
    static boolean sampled(ResponseHeadersPolicy policy, HttpRequest request, double roll) {
        if (policy.serverTimingSampleRate().isEmpty()) {
            return false;
        }
        for (String pragma : request.headers().getAll(HttpHeaderNames.PRAGMA)) {
            for (String token : pragma.split(",")) {
                if (token.trim().equalsIgnoreCase("server-timing")) {
                    return true;
                }
            }
        }
        return roll < policy.serverTimingSampleRate().get();
    }

    private static void cors(ResponseHeadersPolicy.Cors cors, HttpRequest request, HttpHeaders h) {
        String origin = request.headers().get(HttpHeaderNames.ORIGIN);
        if (origin == null) {
            return; // not a CORS request: CloudFront adds CORS headers only to responses to CORS requests
        }
        boolean any = cors.allowOrigins().contains("*");
        boolean allowed = any || cors.allowOrigins().stream().anyMatch(p -> originMatches(p, origin));
        if (!allowed) {
            return; // an origin the policy does not list gets no CORS header from the edge
        }
        // "*" cannot carry credentials (Fetch standard), so with credentials the viewer's origin is echoed
        boolean echo = !any || cors.allowCredentials();
        boolean wrote = put(h, ALLOW_ORIGIN, echo ? origin : "*", cors.originOverride());
        if (echo && wrote) {
            addToken(h, HttpHeaderNames.VARY, "Origin"); // the answer differs per Origin: caches must key on it
        }
        if (cors.allowCredentials()) {
            put(h, ALLOW_CREDENTIALS, "true", cors.originOverride());
        }
        if (!cors.exposeHeaders().isEmpty()) {
            put(h, EXPOSE_HEADERS, String.join(", ", cors.exposeHeaders()), cors.originOverride());
        }
        if (!isPreflight(request)) {
            return;
        }
        if (!cors.allowMethods().isEmpty()) {
            List<String> methods = cors.allowMethods().stream().anyMatch("ALL"::equalsIgnoreCase) ? ALL_METHODS
                    : cors.allowMethods();
            put(h, ALLOW_METHODS, String.join(", ", methods), cors.originOverride());
        }
        if (!cors.allowHeaders().isEmpty()) {
            String requested = request.headers().get(REQUEST_HEADERS);
            String value;
            if (cors.allowHeaders().contains("*")) {
                // with credentials "*" is a literal header name, so the requested ones are granted by name
                value = cors.allowCredentials() ? requested : "*";
            } else {
                value = String.join(", ", cors.allowHeaders());
            }
            if (value != null && !value.isBlank()) {
                put(h, ALLOW_HEADERS, value, cors.originOverride());
            }
        }
        cors.maxAgeSeconds().ifPresent(s -> put(h, MAX_AGE, Long.toString(s), cors.originOverride()));
    }

    /**
     * CloudFront's origin patterns: "*", an exact origin ("https://app.example.com", any scheme
     * when the pattern names none), or a leftmost wildcard label ("https://*.example.com"), which
     * matches subdomains but not the bare domain.
     */
    static boolean originMatches(String pattern, String origin) {
        String o = origin.trim().toLowerCase(Locale.ROOT);
        String p = pattern.trim().toLowerCase(Locale.ROOT);
        if (p.equals("*") || p.equals(o)) {
            return true;
        }
        URI uri;
        try {
            uri = URI.create(o);
        } catch (IllegalArgumentException e) {
            return false;
        }
        if (uri.getHost() == null) {
            return false;
        }
        String scheme = null;
        int sep = p.indexOf("://");
        if (sep >= 0) {
            scheme = p.substring(0, sep);
            p = p.substring(sep + 3);
        }
        if (scheme != null && !scheme.equals(uri.getScheme())) {
            return false;
        }
        String hostPort = uri.getPort() < 0 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
        if (p.startsWith("*.")) {
            return hostPort.endsWith(p.substring(1)) && hostPort.length() > p.length() - 1;
        }
        return hostPort.equals(p);
    }

    /** Sets {@code name} unless the origin sent it and the rule does not override; true when set. */
    private static boolean put(HttpHeaders h, String name, String value, boolean override) {
        if (!override && h.contains(name)) {
            return false;
        }
        h.set(name, value);
        return true;
    }

    /** Adds {@code token} to a comma-list header (Vary) unless it is there already, or "*" is. */
    static void addToken(HttpHeaders h, CharSequence name, String token) {
        for (String value : h.getAll(name)) {
            for (String t : value.split(",")) {
                String s = t.trim();
                if (s.equals("*") || s.equalsIgnoreCase(token)) {
                    return;
                }
            }
        }
        List<String> existing = h.getAll(name).stream().map(String::trim).filter(v -> !v.isEmpty()).toList();
        h.set(name, existing.isEmpty() ? token : String.join(", ", existing) + ", " + token);
    }

    /**
     * CloudFront's metrics: a hit reports only the edge's own ({@code cdn-cache-hit}, the layer and
     * the time to the first byte); a refresh or a miss reports the origin's first-byte time too
     * and keeps the origin's Server-Timing after the edge's metrics.
     */
    static String serverTiming(Timing t, List<String> fromOrigin) {
        String status = t.cacheStatus().toLowerCase(Locale.ROOT);
        String downstream = "cdn-downstream-fbl;dur=" + Math.max(0, t.elapsedMillis());
        if (!status.contains("fwd=") && status.contains("hit")) {
            return "cdn-cache-hit,cdn-hit-layer;desc=\"EDGE\"," + downstream;
        }
        StringBuilder m = new StringBuilder();
        if (t.originMillis() >= 0) {
            m.append("cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=").append(t.originMillis()).append(',');
        }
        m.append(status.contains("fwd=stale") ? "cdn-cache-refresh" : "cdn-cache-miss");
        String origin = fromOrigin.stream().map(String::trim).filter(v -> !v.isEmpty())
                .collect(Collectors.joining(","));
        if (!origin.isEmpty()) {
            m.append(',').append(origin);
        }
        return m.append(',').append(downstream).toString();
    }
}
