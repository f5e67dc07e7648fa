package io.edgecert.edge.cache;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class StorabilityTest {
    /** method; request headers; status; response headers; reason ("stored" when storable) */
    @ParameterizedTest(name = "[{index}] {0} {2} {3} -> {4}")
    @CsvSource(delimiter = ';', value = {
            "GET; ; 200; Cache-Control: max-age=60; stored",
            "GET; ; 200; ; stored",
            "GET; ; 200; Cache-Control: no-store; no-store",
            "GET; ; 200; Cache-Control: nO-StOrE, max-age=60 | Expires: {now+60}; no-store",
            "GET; ; 200; Cache-Control: private, max-age=60; private",
            "GET; ; 200; Cache-Control: private=\"Set-Cookie\", max-age=60; private",
            "GET; ; 200; Cache-Control: no-cache, max-age=60; stored",
            "GET; ; 200; Cache-Control: max-age=60 | Vary: *; vary-star",
            "GET; ; 200; Cache-Control: max-age=60 | Vary: Foo, *; vary-star",
            "GET; ; 200; Cache-Control: max-age=60 | Vary: , * ; vary-star",
            "GET; Authorization: Basic eDp5; 200; Cache-Control: max-age=60; authorization",
            "GET; Authorization: Basic eDp5; 200; Cache-Control: max-age=60, public; stored",
            "GET; Authorization: Basic eDp5; 200; Cache-Control: s-maxage=60; stored",
            "GET; Authorization: Basic eDp5; 200; Cache-Control: max-age=60, must-revalidate; stored",
            "HEAD; ; 200; Cache-Control: max-age=60; method",
            "POST; ; 200; Cache-Control: max-age=60; method",
            "GET; ; 206; Cache-Control: max-age=60 | Content-Range: bytes 0-1/10; status",
            "GET; ; 200; Cache-Control: max-age=60 | Content-Range: bytes 0-1/10; stored",
            "GET; ; 304; Cache-Control: max-age=60; status",
            "GET; ; 201; Last-Modified: {now-1000}; no-freshness",
            "GET; ; 500; ; no-freshness",
            "GET; ; 500; Cache-Control: max-age=60; stored",
            "GET; ; 599; Cache-Control: max-age=60; stored",
            "GET; ; 599; Cache-Control: public | Last-Modified: {now-1000}; stored",
            "GET; ; 404; ; stored",
            "GET; ; 302; Expires: {now+60}; stored",
            "GET; ; 302; Expires: garbage; stored",
            "GET; ; 599; Cache-Control: no-store, must-understand, max-age=60; must-understand",
            "GET; ; 200; Cache-Control: no-store, must-understand, max-age=60; stored",
            "GET; ; 200; CDN-Cache-Control: max-age=60 | Cache-Control: no-store; stored",
            "GET; ; 200; CDN-Cache-Control: no-store | Cache-Control: max-age=60; no-store",
            "GET; ; 200; CDN-Cache-Control: private | Cache-Control: max-age=60; private",
    })
    void verdict(String method, String request, int status, String response, String reason) {
        Storability.Verdict v = Storability.check(CacheBehavior.GET_HEAD, Heads.ORIGIN, method,
                Heads.headers(request), status, Heads.headers(response));
        assertThat(v.reason()).isEqualTo(reason);
        assertThat(v.storable()).isEqualTo(reason.equals("stored"));
    }

    @ParameterizedTest(name = "[{index}] minTtl {0}: {1} -> {2}")
    @CsvSource(delimiter = ';', value = {
            "3600; Cache-Control: private; private",
            "3600; Cache-Control: no-store; no-store",
            "3600; Cache-Control: max-age=0; stored",
    })
    void minTtlIsNoConsentToStorePrivateResponses(long minTtl, String response, String reason) {
        CachePolicy p = Heads.policy(minTtl, 86400, 31536000);
        assertThat(Storability.check(CacheBehavior.GET_HEAD, p, "GET", Heads.headers(""), 200,
                Heads.headers(response)).reason()).isEqualTo(reason);
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"Cache-Control: max-age=60", "Cache-Control: public, s-maxage=60"})
    void cachingDisabledNeverStores(String response) {
        assertThat(Storability.check(CacheBehavior.GET_HEAD, ManagedPolicies.CACHING_DISABLED, "GET",
                Heads.headers(""), 200, Heads.headers(response)).reason()).isEqualTo("caching-disabled");
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {"OPTIONS; stored", "GET; stored"})
    void optionsWhenCached(String method, String reason) {
        assertThat(Storability.check(CacheBehavior.GET_HEAD_OPTIONS, Heads.ORIGIN, method, Heads.headers(""), 200,
                Heads.headers("Cache-Control: max-age=60")).reason()).isEqualTo(reason);
    }
}
