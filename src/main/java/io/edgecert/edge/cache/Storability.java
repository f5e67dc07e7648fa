package io.edgecert.edge.cache;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.netty.handler.codec.http.HttpHeaders;

import java.util.Set;

/**
 * Whether a shared cache may store a response (RFC 9111 3), under a cache behavior.
 *
 * <ul>
 *   <li>the request method is one the behavior caches, and not HEAD (a HEAD response has no
 *       content to store; a HEAD is answered from a stored GET instead);</li>
 *   <li>the status is final, not 206 (partial content is not stored) and not 304 (that only
 *       freshens a stored response, 4.3.4);</li>
 *   <li>no {@code no-store} (unless {@code must-understand} and a status this cache understands,
 *       5.2.2.3), no {@code private} (qualified or not), never {@code Vary: *};</li>
 *   <li>a request with Authorization only with {@code public}, {@code s-maxage} or
 *       {@code must-revalidate} (3.5);</li>
 *   <li>something that can give it a lifetime: explicit freshness, a heuristically cacheable
 *       status (4.2.2) or {@code public} ({@code no-cache} responses are stored and revalidated
 *       on each use);</li>
 *   <li>and the policy caches at all ({@code maxTtl > 0}).</li>
 * </ul>
 * A policy's {@code minTtl > 0} does not make a {@code private} or {@code no-store} response
 * storable (CloudFront would cache it for minTtl; this cache does not: the origin said the
 * response is one user's or must not be kept, and a TTL floor is not consent to that).
 */
public final class Storability {
    /** Statuses this cache understands for must-understand (RFC 9110 15). */
    private static final Set<Integer> UNDERSTOOD = Set.of(200, 203, 204, 300, 301, 302, 303, 307, 308, 400, 403,
            404, 405, 410, 414, 500, 501, 502, 503, 504);

    private Storability() {
    }

    /** Why not, or {@link #STORABLE}. */
    public record Verdict(boolean storable, String reason) {
    }

    public static final Verdict STORABLE = new Verdict(true, "stored");

    public static Verdict check(CacheBehavior behavior, String method, HttpHeaders request, int status,
                                HttpHeaders response) {
        return check(behavior.cachedMethods(), behavior.cachePolicy(), method, request, status, response);
    }

    public static Verdict check(Set<String> cachedMethods, CachePolicy policy, String method, HttpHeaders request,
                                int status, HttpHeaders response) {
        if (policy.cachingDisabled()) {
            return no("caching-disabled");
        }
        if (!cachedMethods.contains(method) || method.equals("HEAD")) {
            return no("method");
        }
        if (status < 200 || status == 206 || status == 304) { // a 206 is incomplete (3.3): not stored
            return no("status");
        }
        CacheControl cc = CacheControl.forCache(response);
        if (cc.mustUnderstand()) {
            if (!UNDERSTOOD.contains(status)) {
                return no("must-understand");
            }
        } else if (cc.noStore()) {
            return no("no-store");
        }
        if (cc.isPrivate()) {
            return no("private");
        }
        if (Vary.isStar(response)) {
            return no("vary-star");
        }
        if (request.contains("Authorization") && !(cc.isPublic() || cc.has("s-maxage") || cc.mustRevalidate())) {
            return no("authorization");
        }
        if (!Freshness.explicit(response) && !cc.isPublic() && !Freshness.HEURISTICALLY_CACHEABLE.contains(status)) {
            // a 201 or a 500 without explicit freshness must not be reused (4.2.2): nothing to keep
            return no("no-freshness");
        }
        return STORABLE;
    }

    private static Verdict no(String reason) {
        return new Verdict(false, reason);
    }
}
