package io.edgecert.distributions.policies;

import io.edgecert.json.Json;
import io.edgecert.problems.Violation;
import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.OriginRequestPolicy;
import io.edgecert.serving.ResponseHeadersPolicy;
import io.edgecert.serving.Selection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(30)
class PolicyRulesTest {
    private static List<String> fields(List<Violation> v) {
        return v.stream().map(Violation::field).toList();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"minTtl\": 0, \"defaultTtl\": 60, \"maxTtl\": 3600}                                  | ",
            "{}                                                                                    | ",
            "{\"minTtl\": 10, \"defaultTtl\": 5, \"maxTtl\": 3600}                                 | defaultTtl",
            "{\"minTtl\": 0, \"defaultTtl\": 500, \"maxTtl\": 100}                                 | maxTtl",
            "{\"minTtl\": -1}                                                                      | minTtl",
            "{\"maxTtl\": 9999999999999}                                                           | maxTtl",
            "{\"minTtl\": 2, \"defaultTtl\": 1, \"maxTtl\": 0}                                     | defaultTtl,maxTtl",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"headersConfig\": {\"behavior\": \"some\"}}} | parametersInCacheKeyAndForwardedToOrigin.headersConfig.behavior",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"headersConfig\": {\"behavior\": \"whitelist\"}}} | parametersInCacheKeyAndForwardedToOrigin.headersConfig.items",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"cookiesConfig\": {\"behavior\": \"all\", \"items\": [\"a\"]}}} | parametersInCacheKeyAndForwardedToOrigin.cookiesConfig.items",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"headersConfig\": {\"behavior\": \"whitelist\", \"items\": [\"a b\"]}}} | parametersInCacheKeyAndForwardedToOrigin.headersConfig.items[0]",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"headersConfig\": {\"behavior\": \"whitelist\", \"items\": [\"X-A\", \"x-a\"]}}} | parametersInCacheKeyAndForwardedToOrigin.headersConfig.items[1]",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"queryStringsConfig\": {\"behavior\": \"allExcept\", \"items\": [\"a&b\"]}}} | parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.items[0]",
            "{\"parametersInCacheKeyAndForwardedToOrigin\": {\"queryStringsConfig\": {\"behavior\": \"whitelist\", \"items\": [\"1\",\"2\",\"3\",\"4\",\"5\",\"6\",\"7\",\"8\",\"9\",\"10\",\"11\"]}}} | parametersInCacheKeyAndForwardedToOrigin.queryStringsConfig.items",
    })
    void cachePolicies(String json, String expected) {
        CachePolicyConfig c = Json.read(json.replaceFirst("^\\{", "{\"name\": \"p\", ").replace(", }", "}"), CachePolicyConfig.class);
        List<String> want = expected == null ? List.of() : List.of(expected.split(","));
        assertThat(fields(PolicyRules.check(c))).containsExactlyElementsOf(want);
    }

    @ParameterizedTest(name = "name ''{0}''")
    @CsvSource(delimiter = '|', value = {"''", "has space", "Managed-Mine", "a/b"})
    void namesAreLettersDigitsDashUnderscoreAndNotManaged(String name) {
        assertThat(fields(PolicyRules.check(new OriginRequestPolicyConfig(name, null, null, null, null)))).containsExactly("name");
        assertThat(fields(PolicyRules.check(new OriginRequestPolicyConfig("ok_Name-1", "x".repeat(129), null, null, null))))
                .containsExactly("comment");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"headersConfig\": {\"behavior\": \"allViewer\"}, \"cookiesConfig\": {\"behavior\": \"allExcept\", \"items\": [\"session\"]}} | ",
            "{\"headersConfig\": {\"behavior\": \"everything\"}}                                     | headersConfig.behavior",
            "{\"cookiesConfig\": {\"behavior\": \"whitelist\", \"items\": [\"se;ssion\"]}}          | cookiesConfig.items[0]",
    })
    void originRequestPolicies(String json, String expected) {
        OriginRequestPolicyConfig c = Json.read(json.replaceFirst("^\\{", "{\"name\": \"p\", "), OriginRequestPolicyConfig.class);
        assertThat(fields(PolicyRules.check(c))).containsExactlyElementsOf(expected == null ? List.of() : List.of(expected.split(",")));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "{\"corsConfig\": {\"accessControlAllowOrigins\": [\"*\"], \"accessControlAllowMethods\": [\"ALL\"], \"accessControlAllowCredentials\": false, \"originOverride\": true}} | ",
            "{\"corsConfig\": {\"accessControlAllowOrigins\": [\"*\"], \"accessControlAllowMethods\": [\"GET\"], \"accessControlAllowCredentials\": true, \"originOverride\": true}} | corsConfig.accessControlAllowCredentials",
            "{\"corsConfig\": {\"accessControlAllowOrigins\": [], \"accessControlAllowMethods\": [\"FETCH\"], \"accessControlAllowCredentials\": false, \"originOverride\": true}} | corsConfig.accessControlAllowOrigins,corsConfig.accessControlAllowMethods[0]",
            "{\"securityHeadersConfig\": {\"strictTransportSecurity\": {\"override\": true}}}        | securityHeadersConfig.strictTransportSecurity.accessControlMaxAgeSec",
            "{\"securityHeadersConfig\": {\"frameOptions\": {\"frameOption\": \"DENY\"}}}           | securityHeadersConfig.frameOptions.override",
            "{\"securityHeadersConfig\": {\"referrerPolicy\": {\"override\": true, \"referrerPolicy\": \"never\"}}} | securityHeadersConfig.referrerPolicy.referrerPolicy",
            "{\"securityHeadersConfig\": {\"contentSecurityPolicy\": {\"override\": true, \"contentSecurityPolicy\": \"a\\nb\"}}} | securityHeadersConfig.contentSecurityPolicy.contentSecurityPolicy",
            "{\"securityHeadersConfig\": {\"xssProtection\": {\"override\": true, \"protection\": false, \"modeBlock\": true}}} | securityHeadersConfig.xssProtection.protection",
            "{\"customHeadersConfig\": [{\"header\": \"X-A\", \"value\": \"1\", \"override\": true}, {\"header\": \"x-a\", \"value\": \"2\", \"override\": false}]} | customHeadersConfig[1].header",
            "{\"customHeadersConfig\": [{\"header\": \"Transfer-Encoding\", \"value\": \"1\", \"override\": true}]} | customHeadersConfig[0].header",
            "{\"customHeadersConfig\": [{\"header\": \"X-A\", \"value\": \"a\\r\\nSet-Cookie: x\", \"override\": true}]} | customHeadersConfig[0].value",
            "{\"customHeadersConfig\": [{\"header\": \"X-A\", \"value\": \"1\"}]}                   | customHeadersConfig[0].override",
            "{\"removeHeadersConfig\": [\"Server\", \"bad header\"]}                                | removeHeadersConfig[1]",
            "{\"serverTimingHeadersConfig\": {\"enabled\": true, \"samplingRate\": 101}}           | serverTimingHeadersConfig.samplingRate",
    })
    void responseHeadersPolicies(String json, String expected) {
        ResponseHeadersPolicyConfig c = Json.read(json.replaceFirst("^\\{", "{\"name\": \"p\", "), ResponseHeadersPolicyConfig.class);
        assertThat(fields(PolicyRules.check(c))).containsExactlyElementsOf(expected == null ? List.of() : List.of(expected.split(",")));
    }

    @Test
    void configsResolveToWhatTheEdgeApplies() {
        CachePolicyConfig c = Json.read("{\"name\": \"p\", \"parametersInCacheKeyAndForwardedToOrigin\": {\"headersConfig\": "
                + "{\"behavior\": \"whitelist\", \"items\": [\"X-Tenant\"]}, \"enableAcceptEncodingBrotli\": true}}", CachePolicyConfig.class);
        CachePolicy p = PolicyKind.CACHE.resolve("id-1", c);
        assertThat(p).isEqualTo(new CachePolicy("id-1", "p", 1, 86_400, 31_536_000, Selection.only("x-tenant"), Selection.NONE,
                Selection.NONE, false, true));

        ResponseHeadersPolicyConfig r = Json.read("{\"name\": \"s\", \"securityHeadersConfig\": {"
                + "\"strictTransportSecurity\": {\"override\": false, \"accessControlMaxAgeSec\": 31536000, \"includeSubdomains\": true},"
                + "\"contentTypeOptions\": {\"override\": true}, \"xssProtection\": {\"override\": true, \"protection\": true, \"modeBlock\": true}},"
                + "\"customHeadersConfig\": [{\"header\": \"X-Shop\", \"value\": \"1\", \"override\": true}]}", ResponseHeadersPolicyConfig.class);
        ResponseHeadersPolicy rp = PolicyKind.RESPONSE_HEADERS.resolve("id-2", r);
        assertThat(rp.headers()).containsExactly(
                new ResponseHeadersPolicy.HeaderRule("Strict-Transport-Security", "max-age=31536000; includeSubDomains", false),
                new ResponseHeadersPolicy.HeaderRule("X-Content-Type-Options", "nosniff", true),
                new ResponseHeadersPolicy.HeaderRule("X-XSS-Protection", "1; mode=block", true),
                new ResponseHeadersPolicy.HeaderRule("X-Shop", "1", true));
        assertThat(rp.cors()).isEmpty();
        assertThat(rp.serverTimingSampleRate()).isEmpty();
        // and back: what the API shows of a managed policy resolves to that very policy
        assertThat(PolicyKind.RESPONSE_HEADERS.resolve("id-2", PolicyTranslation.responseHeadersConfig(rp))).isEqualTo(rp);
    }

    @Test
    void managedPoliciesShowAsConfigsThatResolveBackToThemselves() {
        for (CachePolicy m : ManagedPolicies.CACHE) {
            assertThat(PolicyKind.CACHE.resolve(m.id(), PolicyTranslation.cacheConfig(m))).isEqualTo(m);
        }
        for (OriginRequestPolicy m : ManagedPolicies.ORIGIN_REQUEST) {
            assertThat(PolicyKind.ORIGIN_REQUEST.resolve(m.id(), PolicyTranslation.originRequestConfig(m))).isEqualTo(m);
        }
        for (ResponseHeadersPolicy m : ManagedPolicies.RESPONSE_HEADERS) {
            // the structured config puts the security headers in its own order; the headers are the same
            ResponseHeadersPolicy back = PolicyKind.RESPONSE_HEADERS.resolve(m.id(), PolicyTranslation.responseHeadersConfig(m));
            assertThat(back.headers()).as(m.name()).containsExactlyInAnyOrderElementsOf(m.headers());
            assertThat(back).usingRecursiveComparison().ignoringFields("headers").as(m.name()).isEqualTo(m);
        }
        assertThat(PolicyKind.CACHE.managed()).extracting(Policy::type).containsOnly(PolicyType.managed);
        assertThat(PolicyKind.CACHE.managedPolicy("658327ea-f89d-4fab-a63d-7e88639e58f6")).contains(ManagedPolicies.CACHING_OPTIMIZED);
        assertThat(PolicyKind.CACHE.managedPolicy("216adef6-5c7f-47e4-b989-5492eafa07d3")).isEqualTo(Optional.empty());
    }
}
