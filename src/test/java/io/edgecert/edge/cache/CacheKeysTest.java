package io.edgecert.edge.cache;

import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.Selection;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class CacheKeysTest {
    /** Selects query string "a" and "b", header "x-v", cookie "s"; gzip and br enabled. */
    private static final CachePolicy SOME = new CachePolicy("s", "s", 0, 86400, 31536000,
            Selection.ofHeaders(Selection.Kind.WHITELIST, List.of("X-V")), Selection.only("s"),
            Selection.only("a", "b"), true, true);
    private static final CachePolicy ALL = new CachePolicy("a", "a", 0, 86400, 31536000,
            Selection.ofHeaders(Selection.Kind.ALL_EXCEPT, List.of("user-agent")), Selection.ALL, Selection.ALL,
            true, false);

    static HttpRequest request(String method, String uri, String headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), uri);
        r.headers().add(Heads.headers(headers));
        return r;
    }

    /** policy; two requests (method uri | headers); same key? */
    @ParameterizedTest(name = "[{index}] {0}: {1} {2} vs {3} {4} -> same {5}")
    @CsvSource(delimiter = ';', value = {
            "SOME; GET /p; ; HEAD /p; ; true",
            "SOME; GET /p; ; OPTIONS /p; ; false",
            "SOME; GET /p; ; GET /q; ; false",
            "SOME; GET /p?a=1; ; GET /p?a=2; ; false",
            "SOME; GET /p?a=1&b=2; ; GET /p?b=2&a=1; ; true",
            "SOME; GET /p?a=1&z=9; ; GET /p?a=1; ; true",
            "SOME; GET /p?a=1&a=2; ; GET /p?a=2&a=1; ; true",
            "SOME; GET /p?a=1; ; GET /p?a=1&; ; true",
            "SOME; GET /p; X-V: 1; GET /p; X-V: 2; false",
            "SOME; GET /p; X-V: 1; GET /p; x-v:  1 ; true",
            "SOME; GET /p; X-Other: 1; GET /p; X-Other: 2; true",
            "SOME; GET /p; 'Cookie: s=1; t=2'; GET /p; 'Cookie: t=3; s=1'; true",
            "SOME; GET /p; Cookie: s=1; GET /p; Cookie: s=2; false",
            "SOME; GET /p; Cookie: S=1; GET /p; Cookie: S=2; true",
            "SOME; GET /p; Authorization: Basic eDp5; GET /p; Authorization: Basic eTp6; true",
            "SOME; GET /p; Accept-Encoding: gzip, br; GET /p; Accept-Encoding: br; true",
            "SOME; GET /p; Accept-Encoding: gzip; GET /p; Accept-Encoding: br; false",
            "SOME; GET /p; Accept-Encoding: gzip; GET /p; Accept-Encoding: gzip, deflate; true",
            "SOME; GET /p; Accept-Encoding: deflate; GET /p; ; true",
            "SOME; GET /p; 'Accept-Encoding: gzip;q=0'; GET /p; ; true",
            "ALL; GET /p?z=1; ; GET /p?z=2; ; false",
            "ALL; GET /p; User-Agent: a; GET /p; User-Agent: b; true",
            "ALL; GET /p; X-Any: a; GET /p; X-Any: b; false",
            "ALL; GET /p; Cookie: any=1; GET /p; Cookie: any=2; false",
            "ALL; GET /p; Accept-Encoding: br; GET /p; Accept-Encoding: identity; true",
            "ALL; GET /p; Accept-Encoding: gzip; GET /p; Accept-Encoding: identity; false",
            "ORIGIN; GET /p?a=1; ; GET /p?a=2; ; true",
            "ORIGIN; GET /p; Cookie: s=1; GET /p; Cookie: s=2; true",
    })
    void sameKey(String policy, String first, String h1, String second, String h2, boolean same) {
        CachePolicy p = switch (policy) {
            case "SOME" -> SOME;
            case "ALL" -> ALL;
            default -> Heads.ORIGIN;
        };
        String[] a = first.split(" ");
        String[] b = second.split(" ");
        CacheKey k1 = CacheKeys.of("d1", p, request(a[0], a[1], h1));
        CacheKey k2 = CacheKeys.of("d1", p, request(b[0], b[1], h2));
        assertThat(k1.equals(k2)).isEqualTo(same);
    }

    @Test
    void distributionsNeverShareKeysAndPathExcludesQuery() {
        CacheKey k1 = CacheKeys.of("d1", SOME, request("GET", "/img/a.png?a=1", ""));
        CacheKey k2 = CacheKeys.of("d2", SOME, request("GET", "/img/a.png?a=1", ""));
        assertThat(k1).isNotEqualTo(k2);
        assertThat(k1.path()).isEqualTo("/img/a.png");
    }

    /** accept-encoding; gzip enabled; br enabled; token */
    @ParameterizedTest(name = "[{index}] {0} gzip={1} br={2} -> {3}")
    @CsvSource(delimiter = ';', value = {
            "gzip, deflate, br; true; true; br",
            "gzip, deflate, br; true; false; gzip",
            "gzip, deflate, br; false; true; br",
            "gzip, deflate, br; false; false; ''",
            "gzip; false; true; ''",
            "'br;q=0, gzip'; true; true; gzip",
            "'br;q=0.000, gzip;q=0.5'; true; true; gzip",
            "BR; true; true; br",
            "x-gzip; true; true; gzip",
            "*; true; true; gzip",
            "identity; true; true; ''",
            "; true; true; ''",
    })
    void encodingToken(String ae, boolean gzip, boolean br, String token) {
        CachePolicy p = new CachePolicy("x", "x", 0, 1, 2, Selection.NONE, Selection.NONE, Selection.NONE, gzip, br);
        assertThat(CacheKeys.encodingToken(p, ae)).isEqualTo(token);
    }
}
