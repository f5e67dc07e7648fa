package io.edgecert.edge.cache;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static io.edgecert.edge.cache.Heads.T0;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CachedAnswerTest {
    private static final String STORED = "Date: {now} | ETag: \"abc\" | Last-Modified: {now-3600} | Cache-Control: max-age=100"
            + " | Content-Type: text/plain | Content-Length: 100 | X-Other: o";

    /** method; stored status; stored headers (STORED when empty); request headers; answer status; extra check "Field: value" */
    @ParameterizedTest(name = "[{index}] {0} {3} -> {4}")
    @CsvSource(delimiter = ';', value = {
            "GET; 200; ; ; 200; Content-Length: 100",
            "HEAD; 200; ; ; 200; Content-Length: 100",
            "GET; 200; ; If-None-Match: \"abc\"; 304; ETag: \"abc\"",
            "GET; 200; ; If-None-Match: W/\"abc\"; 304; ETag: \"abc\"",
            "GET; 200; ; If-None-Match: \"x\", \"abc\", \"y\"; 304; ETag: \"abc\"",
            "GET; 200; ; If-None-Match: \"x\"; 200; Content-Length: 100",
            "GET; 200; ; If-None-Match: *; 304; Cache-Control: max-age=100",
            "HEAD; 200; ; If-None-Match: \"abc\"; 304; ETag: \"abc\"",
            "GET; 200; ; If-None-Match: \"x\" | If-Modified-Since: {now}; 200; Content-Length: 100",
            "GET; 200; ; If-Modified-Since: {now-3600}; 304; Last-Modified: {now-3600}",
            "GET; 200; ; If-Modified-Since: {now-1800}; 304; Date: {now}",
            "GET; 200; ; If-Modified-Since: {now-7200}; 200; Content-Length: 100",
            "GET; 200; ; If-Modified-Since: garbage; 200; Content-Length: 100",
            "GET; 200; Date: {now-10} | Cache-Control: max-age=100; If-Modified-Since: {now}; 304; Date: {now-10}",
            "GET; 200; Date: {now} | Cache-Control: max-age=100; If-Modified-Since: {now-10}; 200; Content-Length: 100",
            "GET; 404; Date: {now} | ETag: \"abc\" | Cache-Control: max-age=100; If-None-Match: \"abc\"; 404; Content-Length: 100",
            "GET; 200; ; Range: bytes=0-9; 206; Content-Range: bytes 0-9/100",
            "GET; 200; ; Range: bytes=-10; 206; Content-Length: 10",
            "GET; 200; ; Range: bytes=0-9,20-29; 206; 'Content-Type: multipart/byteranges; boundary=BOUNDARY'",
            "GET; 200; ; Range: bytes=200-; 416; Content-Range: bytes */100",
            "GET; 200; ; Range: bytes=0-9 | If-Range: \"abc\"; 206; Content-Range: bytes 0-9/100",
            "GET; 200; ; Range: bytes=0-9 | If-Range: \"other\"; 200; Content-Length: 100",
            "GET; 200; ; Range: bytes=0-9 | If-Range: W/\"abc\"; 200; Content-Length: 100",
            "GET; 200; ; Range: bytes=0-9 | If-Range: {now-3600}; 206; Content-Range: bytes 0-9/100",
            "GET; 200; ; Range: bytes=0-9 | If-Range: {now-3500}; 200; Content-Length: 100",
            "GET; 200; ; Range: bytes=0-9 | If-None-Match: \"abc\"; 304; ETag: \"abc\"",
            "GET; 200; ; Range: items=0-9; 200; Accept-Ranges: bytes",
            "GET; 301; Date: {now} | Location: /x | Cache-Control: max-age=100; Range: bytes=0-9; 301; Location: /x",
            "GET; 200; ; ; 200; Age: 7",
            "GET; 200; ; ; 200; 'Cache-Status: edgecert; hit; ttl=93'",
    })
    void plan(String method, int status, String stored, String request, int expected, String check) {
        StoredHead head = Heads.stored(status, stored == null ? STORED : stored);
        Freshness f = Freshness.of(head, Heads.ORIGIN, T0.plusSeconds(7));
        CachedAnswer.Answer a = CachedAnswer.plan(method, Heads.headers(request), head, f, 100,
                CacheStatus.hit(f.ttlSeconds()), "BOUNDARY", T0.plusSeconds(7));
        assertThat(a.status()).isEqualTo(expected);
        int colon = check.indexOf(':');
        assertThat(a.headers().get(check.substring(0, colon))).isEqualTo(Heads.dates(check.substring(colon + 1).strip()));
        if (a instanceof CachedAnswer.Full full) {
            assertThat(full.withBody()).isEqualTo(!method.equals("HEAD"));
        }
    }

    @Test
    void notModifiedCarriesOnlyTheValidatorsAndCacheFields() {
        StoredHead head = Heads.stored(200, STORED);
        Freshness f = Freshness.of(head, Heads.ORIGIN, T0);
        CachedAnswer.Answer a = CachedAnswer.plan("GET", Heads.headers("If-None-Match: \"abc\""), head, f, 100,
                CacheStatus.hit(100), "B", T0);
        assertThat(a.headers().names()).containsExactlyInAnyOrder("Cache-Control", "Date", "ETag", "Last-Modified",
                "Age", "Cache-Status");
    }
}
