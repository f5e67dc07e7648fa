package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.ManagedPolicies;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class CompressionRulesTest {
    private static final CacheBehavior COMPRESS = CompressionHandlerTest.behavior(true, ManagedPolicies.CACHING_OPTIMIZED);

    /**
     * Accept-Encoding as viewers send it, and what the edge picks with the managed
     * CachingOptimized policy (br and gzip cached) and with one that caches gzip only.
     */
    @ParameterizedTest(name = "[{0}] -> {1} / {2}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "gzip, deflate, br          | br   | gzip",
            "br;q=1.0, gzip;q=0.8, *;q=0.1 | br | gzip",
            "gzip                       | gzip | gzip",
            "br                         | br   | -",
            "identity                   | -    | -",
            "''                         | -    | -",
            "br;q=0, gzip               | gzip | gzip",
            "br;q=0, gzip;q=0           | -    | -",
            "*                          | gzip | gzip",
            "x-gzip                     | gzip | gzip",
            "GZIP;Q=0.5                 | gzip | gzip",
            "zstd, deflate              | -    | -",
            "gzip;q=bogus               | -    | -"})
    void negotiation(String acceptEncoding, String optimized, String gzipOnly) {
        assertThat(choose(ManagedPolicies.CACHING_OPTIMIZED, acceptEncoding)).isEqualTo(Optional.ofNullable(optimized));
        assertThat(choose(CompressionHandlerTest.GZIP_ONLY, acceptEncoding)).isEqualTo(Optional.ofNullable(gzipOnly));
    }

    @Test
    void aPolicyThatCachesNoCodingGetsNoneAndTheCacheKeyAgrees() {
        assertThat(choose(ManagedPolicies.CACHING_OPTIMIZED_FOR_UNCOMPRESSED, "br, gzip")).isEmpty();
        assertThat(choose(ManagedPolicies.CACHING_DISABLED, "br, gzip")).isEmpty();
        for (String ae : List.of("gzip, deflate, br", "br;q=0, gzip", "*", "gzip", "identity")) {
            assertThat(choose(ManagedPolicies.CACHING_OPTIMIZED, ae).orElse(""))
                    .isEqualTo(io.edgecert.edge.cache.CacheKeys.encodingToken(ManagedPolicies.CACHING_OPTIMIZED, ae));
        }
    }

    private static Optional<String> choose(io.edgecert.serving.CachePolicy policy, String acceptEncoding) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        if (!acceptEncoding.isEmpty()) {
            req.headers().set("Accept-Encoding", acceptEncoding);
        }
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set("Content-Length", 5000).set("Content-Type", "text/html");
        return CompressionRules.choose(CompressionHandlerTest.behavior(true, policy), req, res, OptionalLong.empty())
                .map(c -> c.token);
    }

    /** CloudFront's bounds and list, and the statuses, methods and directives that keep a body as it is. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "a page                        | GET  | 200 | 5000     | text/html; charset=utf-8 | -              | true",
            "JSON                          | GET  | 200 | 5000     | application/json         | -              | true",
            "SVG                           | GET  | 200 | 5000     | image/SVG+XML            | -              | true",
            "an error page                 | GET  | 404 | 5000     | text/html                | -              | true",
            "1,000 bytes                   | GET  | 200 | 1000     | text/plain               | -              | true",
            "999 bytes                     | GET  | 200 | 999      | text/plain               | -              | false",
            "10,000,000 bytes              | GET  | 200 | 10000000 | text/plain               | -              | true",
            "10,000,001 bytes              | GET  | 200 | 10000001 | text/plain               | -              | false",
            "no Content-Length             | GET  | 200 | -        | text/plain               | -              | false",
            "a PNG                         | GET  | 200 | 5000     | image/png                | -              | false",
            "no Content-Type               | GET  | 200 | 5000     | -                        | -              | false",
            "already encoded               | GET  | 200 | 5000     | text/plain               | Content-Encoding: identity | false",
            "no-transform                  | GET  | 200 | 5000     | text/plain               | Cache-Control: public, no-transform | false",
            "206                           | GET  | 206 | 5000     | text/plain               | -              | false",
            "304                           | GET  | 304 | 5000     | text/plain               | -              | false",
            "204                           | GET  | 204 | 5000     | text/plain               | -              | false",
            "HEAD                          | HEAD | 200 | 5000     | text/plain               | -              | false"})
    void whatIsCompressed(String name, String method, int status, Long length, String type, String extra,
                          boolean compressed) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), "/x");
        req.headers().set("Accept-Encoding", "br, gzip");
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status));
        if (length != null) {
            res.headers().set("Content-Length", length);
        }
        if (type != null) {
            res.headers().set("Content-Type", type);
        }
        if (extra != null) {
            String[] kv = extra.split(": ", 2);
            res.headers().set(kv[0], kv[1]);
        }
        assertThat(CompressionRules.choose(COMPRESS, req, res, OptionalLong.empty()).isPresent()).isEqualTo(compressed);
    }

    @Test
    void theBehaviorAndHttp10Decide() {
        HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        res.headers().set("Content-Length", 5000).set("Content-Type", "text/css");
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/x");
        req.headers().set("Accept-Encoding", "gzip");
        assertThat(CompressionRules.choose(COMPRESS, req, res, OptionalLong.empty())).isPresent();
        assertThat(CompressionRules.choose(CompressionHandlerTest.behavior(false, ManagedPolicies.CACHING_OPTIMIZED),
                req, res, OptionalLong.empty())).isEmpty();
        HttpRequest old = new DefaultHttpRequest(HttpVersion.HTTP_1_0, HttpMethod.GET, "/x");
        old.headers().set("Accept-Encoding", "gzip");
        assertThat(CompressionRules.choose(COMPRESS, old, res, OptionalLong.empty())).isEmpty();
        // a one-message response knows its size without Content-Length
        res.headers().remove("Content-Length");
        assertThat(CompressionRules.choose(COMPRESS, req, res, OptionalLong.of(5000))).isPresent();
    }

    @ParameterizedTest(name = "ETag {0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "-", value = {
            "\"abc\"   | W/\"abc\"",
            "W/\"abc\" | W/\"abc\"",
            "abc       | -"})
    void theETagOfACompressedVariant(String etag, String expected) {
        HttpHeaders h = new DefaultHttpHeaders().set("ETag", etag).set("Content-Length", "5000")
                .add("Vary", "Cookie").add("Vary", "accept-encoding");
        CompressionRules.compressedHead(h, CompressionRules.Coding.GZIP);
        assertThat(h.get("ETag")).isEqualTo(expected);
        assertThat(h.contains("Content-Length")).isFalse();
        assertThat(h.get("Content-Encoding")).isEqualTo("gzip");
        assertThat(h.getAll("Vary")).containsExactly("Cookie", "accept-encoding"); // already there, not repeated
    }
}
