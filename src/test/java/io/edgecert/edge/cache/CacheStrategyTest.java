package io.edgecert.edge.cache;

import io.edgecert.serving.CacheBehavior;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.edgecert.edge.cache.Heads.T0;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CacheStrategyTest {
    /**
     * stored status; stored response headers; seconds since it arrived; request headers; decision
     * (Hit, StaleHit, StaleWhileRevalidate, Revalidate, Forward:token, GatewayTimeout); conditional sent
     */
    @ParameterizedTest(name = "[{index}] {1} after {2}s, request {3} -> {4}")
    @CsvSource(delimiter = ';', value = {
            "200; Cache-Control: max-age=100; 10; ; Hit; ",
            "200; Cache-Control: max-age=100; 100; ; Forward:stale; ",
            "200; Cache-Control: max-age=100 | ETag: \"a\"; 150; ; Revalidate; If-None-Match: \"a\"",
            "200; Cache-Control: max-age=100 | Last-Modified: {now-3600}; 150; ; Revalidate; If-Modified-Since: {now-3600}",
            "200; Cache-Control: max-age=100 | ETag: W/\"a\" | Last-Modified: {now-3600}; 150; ; Revalidate; If-None-Match: W/\"a\" | If-Modified-Since: {now-3600}",
            "200; Cache-Control: max-age=0; 0; ; Forward:stale; ",
            "200; Cache-Control: no-cache, max-age=100 | ETag: \"a\"; 1; ; Revalidate; If-None-Match: \"a\"",
            "200; Cache-Control: No-CaChE, max-age=100; 1; ; Forward:stale; ",
            "200; Cache-Control: max-age=100, must-revalidate; 10; ; Hit; ",
            "200; Cache-Control: max-age=1, stale-while-revalidate=60 | ETag: \"a\"; 10; ; StaleWhileRevalidate; If-None-Match: \"a\"",
            "200; Cache-Control: max-age=1, stale-while-revalidate=60; 100; ; Forward:stale; ",
            "200; Cache-Control: max-age=1, stale-while-revalidate=60, must-revalidate | ETag: \"a\"; 10; ; Revalidate; If-None-Match: \"a\"",
            "200; Cache-Control: max-age=1, stale-while-revalidate=60, proxy-revalidate | ETag: \"a\"; 10; ; Revalidate; If-None-Match: \"a\"",
            "200; Cache-Control: s-maxage=1, stale-while-revalidate=60 | ETag: \"a\"; 10; ; Revalidate; If-None-Match: \"a\"",
            "200; Cache-Control: max-age=1; 10; Cache-Control: max-stale; StaleHit; ",
            "200; Cache-Control: max-age=1; 10; Cache-Control: max-stale=20; StaleHit; ",
            "200; Cache-Control: max-age=1; 10; Cache-Control: max-stale=5; Forward:stale; ",
            "200; Cache-Control: max-age=1, must-revalidate; 10; Cache-Control: max-stale; Forward:stale; ",
            "200; Cache-Control: max-age=100; 50; Cache-Control: max-age=10; Forward:stale; ",
            "200; Cache-Control: max-age=100; 50; Cache-Control: max-age=60; Hit; ",
            "200; Cache-Control: max-age=100; 50; Cache-Control: min-fresh=60; Forward:stale; ",
            "200; Cache-Control: max-age=100; 50; Cache-Control: min-fresh=40; Hit; ",
            "200; Cache-Control: max-age=100; 10; Cache-Control: no-cache; Hit; ",
            "200; Cache-Control: max-age=100; 10; Pragma: no-cache; Hit; ",
            "200; Cache-Control: max-age=100; 10; Cache-Control: only-if-cached; Hit; ",
            "200; Cache-Control: max-age=1; 10; Cache-Control: only-if-cached; GatewayTimeout; ",
            "200; Cache-Control: max-age=100; 10; Authorization: Basic eDp5; Forward:request; ",
            "200; Cache-Control: max-age=100, public; 10; Authorization: Basic eDp5; Hit; ",
            "200; Expires: {now+100} | Date: {now}; 10; ; Hit; ",
            "200; Expires: {now+100} | Date: {now} | Age: 95; 10; ; Forward:stale; ",
            "200; Cache-Control: max-age=100 | Age: 101; 0; ; Forward:stale; ",
            "200; Last-Modified: {now-1000} | Date: {now}; 50; ; Hit; ",
            "200; Last-Modified: {now-1000} | Date: {now}; 150; ; Revalidate; If-Modified-Since: {now-1000}",
            "201; Last-Modified: {now-1000} | Date: {now}; 5; ; Revalidate; If-Modified-Since: {now-1000}",
            "200; CDN-Cache-Control: max-age=100 | Cache-Control: max-age=1; 10; ; Hit; ",
            "200; CDN-Cache-Control: max-age=1 | Cache-Control: max-age=100; 10; ; Forward:stale; ",
            "200; CDN-Cache-Control: no-cache | Cache-Control: max-age=100; 10; ; Forward:stale; ",
    })
    void decide(int status, String stored, long after, String request, String expected, String conditional) {
        StoredHead head = Heads.stored(status, stored);
        CacheStrategy.Decision d = CacheStrategy.decide(CacheBehavior.GET_HEAD, Heads.ORIGIN, "GET",
                Heads.headers(request), List.of(head), T0.plusSeconds(after));
        assertThat(name(d)).isEqualTo(expected);
        String sent = d instanceof CacheStrategy.Revalidate r ? spec(r.conditional())
                : d instanceof CacheStrategy.StaleWhileRevalidate s ? spec(s.conditional()) : "";
        assertThat(sent).isEqualTo(conditional == null ? "" : Heads.dates(conditional));
    }

    private static String spec(io.netty.handler.codec.http.HttpHeaders h) {
        StringBuilder b = new StringBuilder();
        h.forEach(e -> b.append(b.isEmpty() ? "" : " | ").append(e.getKey()).append(": ").append(e.getValue()));
        return b.toString();
    }

    static String name(CacheStrategy.Decision d) {
        if (d instanceof CacheStrategy.Hit h) {
            return h.stale() ? "StaleHit" : "Hit";
        }
        if (d instanceof CacheStrategy.Forward f) {
            return "Forward:" + f.reason().token();
        }
        return d.getClass().getSimpleName();
    }

    @Test
    void noVariantsIsUriMissAndUncachedMethodIsMethod() {
        assertThat(name(CacheStrategy.decide(CacheBehavior.GET_HEAD, Heads.ORIGIN, "GET", Heads.headers(""), List.of(), T0)))
                .isEqualTo("Forward:uri-miss");
        assertThat(name(CacheStrategy.decide(CacheBehavior.GET_HEAD, Heads.ORIGIN, "POST", Heads.headers(""),
                List.of(Heads.stored(200, "Cache-Control: max-age=100")), T0))).isEqualTo("Forward:method");
        assertThat(name(CacheStrategy.decide(CacheBehavior.GET_HEAD, io.edgecert.serving.ManagedPolicies.CACHING_DISABLED,
                "GET", Heads.headers(""), List.of(Heads.stored(200, "Cache-Control: max-age=100")), T0)))
                .isEqualTo("Forward:bypass");
    }
}
