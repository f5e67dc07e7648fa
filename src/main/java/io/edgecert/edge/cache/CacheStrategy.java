package io.edgecert.edge.cache;

import io.edgecert.edge.cache.CacheStatus.Fwd;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Every decision of the cache for a request, in one pure place (OkHttp's CacheStrategy is the
 * model): given the request, the stored variants of its key and the time, what to do.
 *
 * <ol>
 *   <li>A method the behavior does not cache, or a policy that caches nothing: forward
 *       ({@code fwd=method}, {@code fwd=bypass}).</li>
 *   <li>Select the stored response: among the variants that match the request's Vary-selected
 *       headers (4.1), the most recent. None stored: {@code uri-miss}; none matching:
 *       {@code vary-miss}. A request with Authorization is only answered from a response with
 *       {@code public}, {@code s-maxage} or {@code must-revalidate} (3.5).</li>
 *   <li>{@code no-cache} on the response: revalidate on every use (5.2.2.4).</li>
 *   <li>Fresh (4.2), and within the request's {@code max-age} and {@code min-fresh}: a hit.</li>
 *   <li>Stale: served only when nothing forbids it ({@code must-revalidate},
 *       {@code proxy-revalidate}, {@code s-maxage}, 4.2.4, 5.2.2.2, 5.2.2.8, 5.2.2.10): within the
 *       request's {@code max-stale} as a hit, within {@code stale-while-revalidate} (RFC 5861 3)
 *       served while a revalidation runs; otherwise revalidated with If-None-Match (from ETag) and
 *       If-Modified-Since (from Last-Modified) (4.3.1), or forwarded when it has no validator.</li>
 *   <li>Request {@code only-if-cached} (5.2.1.7): when the answer would need the origin, 504.</li>
 * </ol>
 * Request {@code no-cache} and {@code no-store} are not honoured (as CloudFront: a viewer does not
 * get to empty a shared cache's hit ratio; RFC 9111 5.2.1 lets a cache ignore request directives
 * it is configured to), nor {@code Pragma: no-cache}. Request {@code max-age}, {@code min-fresh},
 * {@code max-stale} and {@code only-if-cached} are, as they cost the origin at most a conditional request.
 */
public final class CacheStrategy {
    private CacheStrategy() {
    }

    /** What to do with a request. */
    public sealed interface Decision {
        /** The Cache-Status of this decision before the origin (if any) answered. */
        CacheStatus cacheStatus();
    }

    /** Serve the stored response; {@code stale} when served stale within a request's max-stale. */
    public record Hit(StoredHead stored, Freshness freshness, boolean stale) implements Decision {
        @Override
        public CacheStatus cacheStatus() {
            CacheStatus s = CacheStatus.hit(freshness.ttlSeconds());
            return stale ? s.withDetail("max-stale") : s;
        }
    }

    /** Serve the stored (stale) response now and revalidate it in the background (RFC 5861 3). */
    public record StaleWhileRevalidate(StoredHead stored, Freshness freshness, HttpHeaders conditional)
            implements Decision {
        @Override
        public CacheStatus cacheStatus() {
            return CacheStatus.hit(freshness.ttlSeconds()).withDetail("stale-while-revalidate");
        }
    }

    /**
     * Ask the origin with {@code conditional} (If-None-Match / If-Modified-Since) added to the
     * request; a 304 is merged into {@code stored} ({@link Revalidation}), anything else replaces it.
     */
    public record Revalidate(StoredHead stored, Freshness freshness, HttpHeaders conditional) implements Decision {
        @Override
        public CacheStatus cacheStatus() {
            return CacheStatus.forward(Fwd.STALE).withTtl(freshness.ttlSeconds());
        }
    }

    /** Nothing usable: the request goes to the origin; its response may be stored. */
    public record Forward(Fwd reason) implements Decision {
        @Override
        public CacheStatus cacheStatus() {
            return CacheStatus.forward(reason);
        }
    }

    /** only-if-cached and nothing usable: answer 504 (5.2.1.7) without asking the origin. */
    public record GatewayTimeout() implements Decision {
        @Override
        public CacheStatus cacheStatus() {
            return CacheStatus.forward(Fwd.MISS).withDetail("only-if-cached");
        }
    }

    public static Decision decide(CacheBehavior behavior, HttpRequest request, List<StoredHead> variants, Instant now) {
        return decide(behavior.cachedMethods(), behavior.cachePolicy(), request.method().name(), request.headers(),
                variants, now);
    }

    public static Decision decide(Set<String> cachedMethods, CachePolicy policy, String method, HttpHeaders request,
                                  List<StoredHead> variants, Instant now) {
        if (!cachedMethods.contains(method)) {
            return new Forward(Fwd.METHOD);
        }
        if (policy.cachingDisabled()) {
            return new Forward(Fwd.BYPASS);
        }
        CacheControl req = CacheControl.of(request);
        Decision d = choose(policy, request, req, variants, now);
        if (req.onlyIfCached() && !(d instanceof Hit || d instanceof StaleWhileRevalidate)) {
            return new GatewayTimeout();
        }
        return d;
    }

    private static Decision choose(CachePolicy policy, HttpHeaders request, CacheControl req, List<StoredHead> variants,
                                   Instant now) {
        if (variants.isEmpty()) {
            return new Forward(Fwd.URI_MISS);
        }
        Optional<StoredHead> selected = select(variants, request);
        if (selected.isEmpty()) {
            return new Forward(Fwd.VARY_MISS);
        }
        StoredHead stored = selected.get();
        CacheControl res = CacheControl.forCache(stored.headers());
        if (request.contains("Authorization") && !(res.isPublic() || res.has("s-maxage") || res.mustRevalidate())) {
            return new Forward(Fwd.REQUEST);
        }
        Freshness f = Freshness.of(stored, res, policy, now);
        if (res.noCache()) {
            return revalidate(stored, f);
        }
        if (f.fresh() && withinRequestLimits(req, f)) {
            return new Hit(stored, f, false);
        }
        boolean staleForbidden = res.mustRevalidate() || res.proxyRevalidate() || res.has("s-maxage");
        if (!f.fresh() && !staleForbidden) {
            OptionalLong maxStale = req.maxStale();
            if (maxStale.isPresent() && f.staleness().compareTo(seconds(maxStale.getAsLong())) <= 0
                    && withinRequestAge(req, f)) {
                return new Hit(stored, f, true);
            }
            OptionalLong swr = res.staleWhileRevalidate();
            if (swr.isPresent() && f.staleness().compareTo(Duration.ofSeconds(swr.getAsLong())) < 0) {
                return new StaleWhileRevalidate(stored, f, conditional(stored));
            }
        }
        return revalidate(stored, f);
    }

    private static Decision revalidate(StoredHead stored, Freshness f) {
        HttpHeaders conditional = conditional(stored);
        return conditional.isEmpty() ? new Forward(Fwd.STALE) : new Revalidate(stored, f, conditional);
    }

    private static boolean withinRequestLimits(CacheControl req, Freshness f) {
        OptionalLong minFresh = req.minFresh();
        if (minFresh.isPresent() && f.remaining().compareTo(seconds(minFresh.getAsLong())) < 0) {
            return false;
        }
        return withinRequestAge(req, f);
    }

    private static boolean withinRequestAge(CacheControl req, Freshness f) {
        OptionalLong maxAge = req.maxAge();
        return maxAge.isEmpty() || f.age().compareTo(seconds(maxAge.getAsLong())) <= 0;
    }

    private static Duration seconds(long s) {
        return s >= Long.MAX_VALUE / 1000 ? Duration.ofMillis(Long.MAX_VALUE) : Duration.ofSeconds(s);
    }

    /**
     * The stored response to use for a request (4.1): the most recent of the variants whose Vary
     * matches (by Date, then by when it arrived).
     */
    public static Optional<StoredHead> select(List<StoredHead> variants, HttpHeaders request) {
        return variants.stream()
                .filter(v -> Vary.matches(v, request))
                .max(Comparator.comparing((StoredHead v) -> HttpDates.header(v.headers(), "Date", v.responseTime())
                                .orElse(v.responseTime()))
                        .thenComparing(StoredHead::responseTime));
    }

    /** The validators to send for a stored response (4.3.1): If-None-Match and If-Modified-Since. */
    public static HttpHeaders conditional(StoredHead stored) {
        HttpHeaders h = new DefaultHttpHeaders();
        String etag = stored.headers().get("ETag");
        if (etag != null && !etag.isBlank()) {
            h.set("If-None-Match", etag.strip());
        }
        String lm = stored.headers().get("Last-Modified");
        if (lm != null && HttpDates.parse(lm, stored.responseTime()).isPresent()) {
            h.set("If-Modified-Since", lm.strip());
        }
        return h;
    }

    /**
     * Stale-if-error (RFC 5861 4): whether a stored response may answer a request whose origin fetch
     * failed (connection failure, timeout) or answered 500, 502, 503 or 504. Allowed when the
     * response's (or the request's) {@code stale-if-error} covers its staleness, and not when it says
     * {@code must-revalidate}, {@code proxy-revalidate} or {@code no-cache} (those are explicit
     * prohibitions, 4.2.4; {@code s-maxage}'s implied proxy-revalidate yields to the explicit
     * {@code stale-if-error}, which RFC 5861 says applies "regardless of other freshness information").
     */
    public static Optional<Hit> staleIfError(StoredHead stored, CachePolicy policy, HttpHeaders request,
                                             OriginOutcome originStatus, Instant now) {
        if (!originStatus.isError()) {
            return Optional.empty();
        }
        CacheControl res = CacheControl.forCache(stored.headers());
        if (res.mustRevalidate() || res.proxyRevalidate() || res.noCache()) {
            return Optional.empty();
        }
        Freshness f = Freshness.of(stored, policy, now);
        if (f.fresh()) {
            return Optional.of(new Hit(stored, f, false));
        }
        long window = Math.max(res.staleIfError().orElse(-1), CacheControl.of(request).staleIfError().orElse(-1));
        if (window < 0 || f.staleness().compareTo(Duration.ofSeconds(window)) > 0) {
            return Optional.empty();
        }
        return Optional.of(new Hit(stored, f, true));
    }

    /** What the origin did: a status, or no response at all. */
    public record OriginOutcome(int status) {
        public static final OriginOutcome FAILED = new OriginOutcome(-1);

        public static OriginOutcome of(int status) {
            return new OriginOutcome(status);
        }

        public boolean isError() {
            return status < 0 || status == 500 || status == 502 || status == 503 || status == 504;
        }
    }
}
