package io.edgecert.bench;

import io.edgecert.edge.cache.CacheControl;
import io.edgecert.edge.cache.CacheKey;
import io.edgecert.edge.cache.CacheKeys;
import io.edgecert.edge.cache.CacheStatus;
import io.edgecert.edge.cache.CacheStrategy;
import io.edgecert.edge.cache.CachedAnswer;
import io.edgecert.edge.cache.Freshness;
import io.edgecert.edge.cache.HttpDates;
import io.edgecert.edge.cache.StoredHead;
import io.edgecert.edge.cache.StoredHeads;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.Selection;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The cache strategy's per-request cost on a hit: the primary key of a browser-like request
 * (CachingOptimized, and a policy selecting query strings, two headers and a cookie), and the
 * decision for a request whose key holds one stored response, or three Vary variants (on
 * Accept-Language), plus the head of the answer. Run with {@code bench/cache-strategy-jmh.sh}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CacheStrategyBenchmark {
    private static final CachePolicy SELECTING = new CachePolicy("s", "selecting", 0, 86400, 31536000,
            Selection.ofHeaders(Selection.Kind.WHITELIST, List.of("x-device", "accept-language")),
            Selection.only("session"), Selection.ALL, true, true);

    private HttpRequest request;
    private List<StoredHead> one;
    private List<StoredHead> three;
    private Instant now;

    @Setup
    public void setup() {
        request = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET,
                "/assets/app.js?v=42&lang=de&utm_source=news");
        HttpHeaders h = request.headers();
        h.set("Host", "shop.example");
        h.set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0");
        h.set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8");
        h.set("Accept-Encoding", "gzip, deflate, br, zstd");
        h.set("Accept-Language", "de-DE,de;q=0.9,en;q=0.8");
        h.set("Cookie", "session=abc123; _ga=GA1.2.3; theme=dark");
        h.set("X-Device", "desktop");
        Instant t0 = Instant.parse("2026-12-07T12:00:00Z");
        now = t0.plusSeconds(30);
        one = List.of(stored(t0, null, h));
        three = List.of(stored(t0, "en", h), stored(t0, "fr", h), stored(t0, null, h));
    }

    private static StoredHead stored(Instant t0, String language, HttpHeaders viewer) {
        HttpHeaders response = new DefaultHttpHeaders();
        response.set("Date", HttpDates.format(t0));
        response.set("Cache-Control", "public, max-age=3600, stale-while-revalidate=60");
        response.set("ETag", "\"5f3a-1b2c\"");
        response.set("Last-Modified", HttpDates.format(t0.minusSeconds(86400)));
        response.set("Content-Type", "application/javascript");
        response.set("Content-Length", "48213");
        response.set("Content-Encoding", "br");
        response.set("Vary", "Accept-Encoding, Accept-Language");
        HttpHeaders req = viewer.copy();
        if (language != null) {
            req.set("Accept-Language", language);
        }
        return StoredHeads.of(200, response, req, t0, t0);
    }

    @Benchmark
    public CacheKey keyCachingOptimized() {
        return CacheKeys.of("dist-1", ManagedPolicies.CACHING_OPTIMIZED, request);
    }

    @Benchmark
    public CacheKey keySelecting() {
        return CacheKeys.of("dist-1", SELECTING, request);
    }

    @Benchmark
    public CacheStrategy.Decision hitOneVariant() {
        return CacheStrategy.decide(CacheBehavior.GET_HEAD, ManagedPolicies.CACHING_OPTIMIZED, "GET",
                request.headers(), one, now);
    }

    @Benchmark
    public CacheStrategy.Decision hitThreeVariants() {
        return CacheStrategy.decide(CacheBehavior.GET_HEAD, ManagedPolicies.CACHING_OPTIMIZED, "GET",
                request.headers(), three, now);
    }

    /** Key, decision and the head of the answer: the whole strategy cost of a hit. */
    @Benchmark
    public CachedAnswer.Answer hitWithAnswer() {
        CacheKeys.of("dist-1", ManagedPolicies.CACHING_OPTIMIZED, request);
        CacheStrategy.Decision d = CacheStrategy.decide(CacheBehavior.GET_HEAD, ManagedPolicies.CACHING_OPTIMIZED,
                "GET", request.headers(), one, now);
        CacheStrategy.Hit hit = (CacheStrategy.Hit) d;
        Freshness f = hit.freshness();
        return CachedAnswer.plan("GET", request.headers(), hit.stored(), f, 48213, hit.cacheStatus(), "b", now);
    }

    @Benchmark
    public CacheControl parseCacheControl() {
        return CacheControl.of(one.get(0).headers());
    }

    public static void main(String[] args) {
        CacheStrategyBenchmark b = new CacheStrategyBenchmark();
        b.setup();
        System.out.println(b.hitWithAnswer().headers().get(CacheStatus.HEADER));
    }
}
