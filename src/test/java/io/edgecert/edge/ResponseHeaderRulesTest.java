package io.edgecert.edge;

import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.ResponseHeadersPolicy;
import io.edgecert.serving.ResponseHeadersPolicy.Cors;
import io.edgecert.serving.ResponseHeadersPolicy.HeaderRule;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class ResponseHeaderRulesTest {
    private static final Cors STRICT_CORS = new Cors(List.of("https://app.example.com", "https://*.shop.test"),
            List.of("X-Api-Key", "Content-Type"), List.of("GET", "POST"), List.of("X-Request-Id"), true,
            Optional.of(600L), true);
    private static final ResponseHeadersPolicy STRICT = policy(Optional.of(STRICT_CORS), List.of(), List.of());
    private static final ResponseHeadersPolicy CUSTOM = policy(Optional.empty(), List.of(
            new HeaderRule("Cache-Control", "public, max-age=60", true),
            new HeaderRule("X-Served-By", "edgecert", false),
            new HeaderRule("X-Powered-By", "edge", false)), List.of("X-Powered-By", "Server"));
    private static final ResponseHeadersPolicy ALL_METHODS = policy(Optional.of(new Cors(List.of("*"), List.of("*"),
            List.of("ALL"), List.of(), false, Optional.empty(), false)), List.of(), List.of());

    private static ResponseHeadersPolicy policy(Optional<Cors> cors, List<HeaderRule> rules, List<String> remove) {
        return new ResponseHeadersPolicy("p", "custom", cors, rules, remove, Optional.empty());
    }

    /**
     * One row: a policy, the viewer's request (method, headers), the origin's response headers,
     * and what the viewer must get: headers with their values, and names that must be absent.
     */
    record Row(String name, ResponseHeadersPolicy policy, HttpMethod method, List<String> request,
               List<String> response, Map<String, String> expected, List<String> absent) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static Map<String, String> map(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static Stream<Row> rows() {
        return Stream.of(
                new Row("security headers fill in what the origin left out", ManagedPolicies.SECURITY_HEADERS,
                        HttpMethod.GET, List.of(), List.of("X-Frame-Options", "DENY", "X-Content-Type-Options", "x"),
                        map("Strict-Transport-Security", "max-age=31536000", "Referrer-Policy",
                                "strict-origin-when-cross-origin", "X-Frame-Options", "DENY",
                                "X-Content-Type-Options", "nosniff", "X-XSS-Protection", "1; mode=block"), List.of()),
                new Row("the origin's HSTS wins without override", ManagedPolicies.SECURITY_HEADERS, HttpMethod.GET,
                        List.of(), List.of("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
                        map("Strict-Transport-Security", "max-age=63072000; includeSubDomains"), List.of()),
                new Row("removal first, then the rules: a removed header a rule adds is sent", CUSTOM, HttpMethod.GET,
                        List.of(), List.of("Server", "gunicorn", "X-Powered-By", "PHP/8", "Cache-Control", "no-cache",
                        "X-Served-By", "origin"),
                        map("Cache-Control", "public, max-age=60", "X-Served-By", "origin", "X-Powered-By", "edge"),
                        List.of("Server")),
                new Row("no Origin, no CORS", ManagedPolicies.CORS_WITH_PREFLIGHT, HttpMethod.GET, List.of(), List.of(),
                        map(), List.of("Access-Control-Allow-Origin", "Access-Control-Expose-Headers", "Vary")),
                new Row("simple CORS: *", ManagedPolicies.SIMPLE_CORS, HttpMethod.GET,
                        List.of("Origin", "https://other.test"), List.of(),
                        map("Access-Control-Allow-Origin", "*"), List.of("Vary", "Access-Control-Allow-Methods")),
                new Row("the origin's CORS header wins without override", ManagedPolicies.SIMPLE_CORS, HttpMethod.GET,
                        List.of("Origin", "https://other.test"),
                        List.of("Access-Control-Allow-Origin", "https://other.test"),
                        map("Access-Control-Allow-Origin", "https://other.test"), List.of()),
                new Row("preflight headers only on a preflight", ManagedPolicies.CORS_WITH_PREFLIGHT, HttpMethod.GET,
                        List.of("Origin", "https://x.test"), List.of(),
                        map("Access-Control-Allow-Origin", "*", "Access-Control-Expose-Headers", "*"),
                        List.of("Access-Control-Allow-Methods", "Access-Control-Allow-Headers")),
                new Row("managed preflight", ManagedPolicies.CORS_WITH_PREFLIGHT, HttpMethod.OPTIONS,
                        List.of("Origin", "https://x.test", "Access-Control-Request-Method", "PUT",
                                "Access-Control-Request-Headers", "content-type"), List.of(),
                        map("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods",
                                "DELETE, GET, HEAD, OPTIONS, PATCH, POST, PUT", "Access-Control-Allow-Headers", "*"),
                        List.of("Access-Control-Max-Age", "Access-Control-Allow-Credentials")),
                new Row("ALL methods", ALL_METHODS, HttpMethod.OPTIONS,
                        List.of("Origin", "https://x.test", "Access-Control-Request-Method", "PATCH"), List.of(),
                        map("Access-Control-Allow-Methods", "GET, DELETE, HEAD, OPTIONS, PATCH, POST, PUT"), List.of()),
                new Row("a listed origin is echoed with Vary: Origin and credentials", STRICT, HttpMethod.GET,
                        List.of("Origin", "https://app.example.com"), List.of("Vary", "Accept-Encoding"),
                        map("Access-Control-Allow-Origin", "https://app.example.com", "Vary", "Accept-Encoding, Origin",
                                "Access-Control-Allow-Credentials", "true", "Access-Control-Expose-Headers",
                                "X-Request-Id"), List.of("Access-Control-Max-Age")),
                new Row("a leftmost wildcard matches a subdomain", STRICT, HttpMethod.GET,
                        List.of("Origin", "https://eu.shop.test"), List.of(),
                        map("Access-Control-Allow-Origin", "https://eu.shop.test"), List.of()),
                new Row("an unlisted origin gets nothing", STRICT, HttpMethod.GET,
                        List.of("Origin", "https://evil.test"), List.of(), map(),
                        List.of("Access-Control-Allow-Origin", "Access-Control-Allow-Credentials", "Vary")),
                new Row("the wildcard does not match the bare domain or another scheme", STRICT, HttpMethod.GET,
                        List.of("Origin", "http://eu.shop.test"), List.of(), map(),
                        List.of("Access-Control-Allow-Origin")),
                new Row("override replaces the origin's CORS headers", STRICT, HttpMethod.OPTIONS,
                        List.of("Origin", "https://app.example.com", "Access-Control-Request-Method", "POST"),
                        List.of("Access-Control-Allow-Origin", "*", "Access-Control-Allow-Methods", "GET"),
                        map("Access-Control-Allow-Origin", "https://app.example.com", "Access-Control-Allow-Methods",
                                "GET, POST", "Access-Control-Allow-Headers", "X-Api-Key, Content-Type",
                                "Access-Control-Max-Age", "600"), List.of()),
                new Row("Vary: * is left alone", STRICT, HttpMethod.GET, List.of("Origin", "https://app.example.com"),
                        List.of("Vary", "*"), map("Vary", "*"), List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void policyRules(Row row) {
        HttpRequest req = request(row.method(), row.request());
        HttpHeaders h = headers(row.response());
        ResponseHeaderRules.apply(row.policy(), req, h, Optional.empty());
        row.expected().forEach((name, value) -> assertThat(h.getAll(name)).as(name).containsExactly(value));
        row.absent().forEach(name -> assertThat(h.contains(name)).as(name + " absent").isFalse());
        assertThat(h.contains("Server-Timing")).isFalse();
    }

    @Test
    void withCredentialsAStarIsNeverSentAndRequestedHeadersAreGrantedByName() {
        ResponseHeadersPolicy p = policy(Optional.of(new Cors(List.of("*"), List.of("*"), List.of("GET"), List.of(),
                true, Optional.empty(), false)), List.of(), List.of());
        HttpHeaders h = new DefaultHttpHeaders();
        ResponseHeaderRules.apply(p, request(HttpMethod.OPTIONS, List.of("Origin", "https://a.test",
                "Access-Control-Request-Method", "GET", "Access-Control-Request-Headers", "x-token")), h, Optional.empty());
        assertThat(h.get("Access-Control-Allow-Origin")).isEqualTo("https://a.test");
        assertThat(h.get("Access-Control-Allow-Headers")).isEqualTo("x-token");
        assertThat(h.get("Vary")).isEqualTo("Origin");
    }

    @Test
    void onlyAPolicyWithOverrideAnswersAPreflightAndOnlyAPreflight() {
        HttpRequest preflight = request(HttpMethod.OPTIONS, List.of("Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST"));
        assertThat(ResponseHeaderRules.answersPreflight(STRICT, preflight)).isTrue();
        assertThat(ResponseHeaderRules.answersPreflight(ManagedPolicies.CORS_WITH_PREFLIGHT, preflight)).isFalse();
        assertThat(ResponseHeaderRules.answersPreflight(STRICT, request(HttpMethod.OPTIONS,
                List.of("Origin", "https://app.example.com")))).isFalse(); // a plain OPTIONS is the origin's
        assertThat(ResponseHeaderRules.answersPreflight(STRICT, request(HttpMethod.GET, List.of("Origin", "https://a.test",
                "Access-Control-Request-Method", "POST")))).isFalse();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "edgecert; hit                | 9  | cdn-cache-hit,cdn-hit-layer;desc=\"EDGE\",cdn-downstream-fbl;dur=12",
            "edgecert; fwd=miss; stored   | 9  | cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=9,cdn-cache-miss,app;dur=3,cdn-downstream-fbl;dur=12",
            "edgecert; fwd=stale; stored  | 9  | cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=9,cdn-cache-refresh,app;dur=3,cdn-downstream-fbl;dur=12",
            "''                           | 9  | cdn-upstream-layer;desc=\"EDGE\",cdn-upstream-fbl;dur=9,cdn-cache-miss,app;dur=3,cdn-downstream-fbl;dur=12",
            "''                           | -1 | cdn-cache-miss,app;dur=3,cdn-downstream-fbl;dur=12"})
    void serverTimingSaysHitOrMissAndKeepsTheOriginsMetricsOnAMiss(String cacheStatus, long originMillis,
                                                                   String expected) {
        ResponseHeadersPolicy p = new ResponseHeadersPolicy("p", "t", Optional.empty(), List.of(), List.of(),
                Optional.of(100.0));
        HttpHeaders h = headers(List.of("Server-Timing", "app;dur=3"));
        ResponseHeaderRules.apply(p, request(HttpMethod.GET, List.of()), h,
                Optional.of(new ResponseHeaderRules.Timing(cacheStatus, 12, originMillis)));
        assertThat(h.getAll("Server-Timing")).containsExactly(expected);
    }

    @Test
    void serverTimingFollowsTheSampleRateAndPragmaForcesIt() {
        ResponseHeadersPolicy tenPercent = new ResponseHeadersPolicy("p", "t", Optional.empty(), List.of(), List.of(),
                Optional.of(10.0));
        ResponseHeadersPolicy zero = new ResponseHeadersPolicy("p", "t", Optional.empty(), List.of(), List.of(),
                Optional.of(0.0));
        HttpRequest plain = request(HttpMethod.GET, List.of());
        HttpRequest pragma = request(HttpMethod.GET, List.of("Pragma", "no-cache, server-timing"));
        assertThat(ResponseHeaderRules.sampled(tenPercent, plain, 9.99)).isTrue();
        assertThat(ResponseHeaderRules.sampled(tenPercent, plain, 10.0)).isFalse();
        assertThat(ResponseHeaderRules.sampled(zero, plain, 0.0)).isFalse();
        assertThat(ResponseHeaderRules.sampled(zero, pragma, 99.0)).isTrue();
        assertThat(ResponseHeaderRules.sampled(ManagedPolicies.SECURITY_HEADERS, pragma, 0.0)).isFalse(); // off
    }

    @Test
    void theManagedPoliciesKeepCloudFrontsIds() {
        assertThat(ManagedPolicies.RESPONSE_HEADERS).extracting(ResponseHeadersPolicy::id, ResponseHeadersPolicy::name)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("67f7725c-6f97-4210-82d7-5512b31e9d03", "Managed-SecurityHeadersPolicy"),
                        org.assertj.core.groups.Tuple.tuple("60669652-455b-4ae9-85a4-c4c02393f86c", "Managed-SimpleCORS"),
                        org.assertj.core.groups.Tuple.tuple("5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Managed-CORS-With-Preflight"),
                        org.assertj.core.groups.Tuple.tuple("e61eb60c-9c35-4d20-a928-2b84e02af89c", "Managed-CORS-and-SecurityHeadersPolicy"),
                        org.assertj.core.groups.Tuple.tuple("eaab4381-ed33-4a86-88ca-d9558dc6cd63",
                                "Managed-CORS-with-preflight-and-SecurityHeadersPolicy"));
        assertThat(ManagedPolicies.responseHeadersPolicy("eaab4381-ed33-4a86-88ca-d9558dc6cd63")).get()
                .satisfies(p -> {
                    assertThat(p.cors()).isPresent();
                    assertThat(p.headers()).extracting(HeaderRule::name).contains("Strict-Transport-Security");
                });
    }

    static HttpRequest request(HttpMethod method, List<String> headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, "/x");
        r.headers().add(headers(headers));
        return r;
    }

    static HttpHeaders headers(List<String> kv) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < kv.size(); i += 2) {
            h.add(kv.get(i), kv.get(i + 1));
        }
        return h;
    }
}
