package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.Selection;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The policy APIs (cache, origin request, response headers) and the distributions' cache behaviors
 * that name them, over real HTTP against a real node, once per store ({@link PolicyApiH2Test},
 * {@link PolicyApiPostgresTest}): managed policies, CRUD with ETags, field-level refusals, in use
 * = not deletable, and the edge receiving every behavior's policies resolved.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
abstract class PolicyApiContract {
    static final String CACHE = "/api/v1/cache-policies";
    static final String ORIGIN = "/api/v1/origin-request-policies";
    static final String HEADERS = "/api/v1/response-headers-policies";

    TestNode node;
    TestApi api;

    abstract TestNode.Store store();

    @BeforeAll
    void startNode() {
        node = TestNode.start(store());
        api = node.api();
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> cachePolicy(String name, long min, long def, long max) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("minTtl", min);
        m.put("defaultTtl", def);
        m.put("maxTtl", max);
        m.put("parametersInCacheKeyAndForwardedToOrigin", Map.of(
                "headersConfig", Map.of("behavior", "whitelist", "items", List.of("X-Tenant")),
                "cookiesConfig", Map.of("behavior", "none"),
                "queryStringsConfig", Map.of("behavior", "allExcept", "items", List.of("utm_source")),
                "enableAcceptEncodingGzip", true, "enableAcceptEncodingBrotli", false));
        return m;
    }

    JsonNode created(String path, Object body) {
        TestApi.Response r = api.post(path, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.header("location")).isEqualTo(path + "/" + r.json().get("id").asText());
        assertThat(r.header("etag")).isEqualTo("\"1\"");
        return r.json();
    }

    static void refused(TestApi.Response r, int status, String code, String field) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("content-type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).as(r.body()).isEqualTo(code);
        if (field != null) {
            List<String> fields = new ArrayList<>();
            r.json().path("errors").forEach(e -> fields.add(e.path("field").asText()));
            assertThat(fields).as(r.body()).contains(field);
        }
    }

    Map<String, Object> distribution(Map<String, Object> extra) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/"),
                Map.of("id", "static", "url", "http://127.0.0.1:8/", "originPath", "/production")));
        m.putAll(extra);
        return m;
    }

    EdgeRoute served(String distributionId) {
        return node.node().servedRoutes().stream().filter(r -> r.distributionId().equals(distributionId))
                .findFirst().orElseThrow(() -> new AssertionError("edge does not serve " + distributionId));
    }

    @Test
    void managedPoliciesAreListedWithCloudFrontsIdsAndCannotChange() {
        JsonNode page = api.get(CACHE + "?type=managed").json();
        List<String> names = new ArrayList<>();
        page.get("items").forEach(p -> {
            names.add(p.get("cachePolicyConfig").get("name").asText());
            assertThat(p.get("type").asText()).isEqualTo("managed");
        });
        assertThat(names).contains("Managed-CachingOptimized", "Managed-CachingDisabled",
                "Managed-UseOriginCacheControlHeaders", "Managed-UseOriginCacheControlHeaders-QueryStrings");
        JsonNode optimized = api.get(CACHE + "/658327ea-f89d-4fab-a63d-7e88639e58f6").json();
        assertThat(optimized.get("cachePolicyConfig").get("defaultTtl").asLong()).isEqualTo(86_400);
        assertThat(optimized.get("cachePolicyConfig").get("parametersInCacheKeyAndForwardedToOrigin")
                .get("enableAcceptEncodingBrotli").asBoolean()).isTrue();
        JsonNode allViewer = api.get(ORIGIN + "/216adef6-5c7f-47e4-b989-5492eafa07d3").json();
        assertThat(allViewer.get("originRequestPolicyConfig").get("name").asText()).isEqualTo("Managed-AllViewer");
        assertThat(allViewer.get("originRequestPolicyConfig").get("headersConfig").get("behavior").asText()).isEqualTo("all");
        // whatever the managed response headers list holds is listed
        assertThat(api.get(HEADERS + "?type=managed").json().get("items")).hasSize(ManagedPolicies.RESPONSE_HEADERS.size());

        refused(api.put(CACHE + "/658327ea-f89d-4fab-a63d-7e88639e58f6", cachePolicy(unique("x"), 0, 1, 2), "1"),
                403, "Forbidden", null);
        refused(api.delete(CACHE + "/4135ea2d-6df8-44a3-9df3-4b5a84be39ad"), 403, "Forbidden", null);
        refused(api.get(CACHE + "?type=other"), 400, "InvalidRequest", "type");
        refused(api.get(CACHE + "/216adef6-5c7f-47e4-b989-5492eafa07d3"), 404, "NotFound", null);
    }

    @Test
    void customPoliciesAreCreatedReplacedUnderIfMatchAndDeleted() {
        String name = unique("shop");
        JsonNode p = created(CACHE, cachePolicy(name, 0, 60, 3600));
        String id = p.get("id").asText();
        assertThat(p.get("type").asText()).isEqualTo("custom");
        assertThat(p.get("version").asInt()).isEqualTo(1);
        assertThat(p.get("lastModifiedTime").asText()).isNotEmpty();
        assertThat(p.get("cachePolicyConfig").get("parametersInCacheKeyAndForwardedToOrigin").get("headersConfig")
                .get("items").get(0).asText()).isEqualTo("X-Tenant");

        JsonNode custom = api.get(CACHE + "?type=custom&limit=1000").json();
        assertThat(custom.get("items")).anySatisfy(i -> assertThat(i.get("id").asText()).isEqualTo(id));
        assertThat(custom.get("items")).allSatisfy(i -> assertThat(i.get("type").asText()).isEqualTo("custom"));

        refused(api.post(CACHE, cachePolicy(name, 0, 1, 2)), 409, "InvalidRequest", "name");
        refused(api.post(CACHE, cachePolicy("Managed-CachingOptimized", 0, 1, 2)), 400, "InvalidRequest", "name");

        TestApi.Response noIfMatch = api.put(CACHE + "/" + id, cachePolicy(name, 0, 120, 3600));
        refused(noIfMatch, 428, "PreconditionFailed", null);
        TestApi.Response updated = api.put(CACHE + "/" + id, cachePolicy(name, 0, 120, 3600), "1");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.header("etag")).isEqualTo("\"2\"");
        assertThat(updated.json().get("cachePolicyConfig").get("defaultTtl").asLong()).isEqualTo(120);
        refused(api.put(CACHE + "/" + id, cachePolicy(name, 0, 1, 2), "1"), 412, "PreconditionFailed", null);

        refused(api.send(api.request(CACHE + "/" + id).DELETE().header("If-Match", "\"1\""), TestNode.TOKEN),
                412, "PreconditionFailed", null);
        assertThat(api.delete(CACHE + "/" + id).status()).isEqualTo(204);
        refused(api.get(CACHE + "/" + id), 404, "NotFound", null);
        refused(api.delete(CACHE + "/" + id), 404, "NotFound", null);
    }

    @Test
    void badPoliciesAreFieldLevelProblems() {
        refused(api.post(CACHE, cachePolicy(unique("ttl"), 10, 5, 100)), 400, "InvalidRequest", "defaultTtl");
        refused(api.post(CACHE, cachePolicy(unique("ttl"), 0, 500, 100)), 400, "InvalidRequest", "maxTtl");
        refused(api.post(CACHE, cachePolicy(unique("ttl"), -1, 5, 100)), 400, "InvalidRequest", "minTtl");
        Map<String, Object> badHeader = cachePolicy(unique("h"), 0, 1, 2);
        badHeader.put("parametersInCacheKeyAndForwardedToOrigin", Map.of("headersConfig",
                Map.of("behavior", "whitelist", "items", List.of("bad header"))));
        refused(api.post(CACHE, badHeader), 400, "InvalidRequest",
                "parametersInCacheKeyAndForwardedToOrigin.headersConfig.items[0]");
        refused(api.post(CACHE, Map.of("minTtl", 0)), 400, "InvalidRequest", "name");
        refused(api.post(CACHE, Map.of("name", "x", "nope", 1)), 400, "InvalidRequest", null);
        refused(api.post(CACHE, "{\"name\":\"x\",\"minTtl\":\"soon\"}"), 400, "InvalidRequest", "minTtl");
        refused(api.post(ORIGIN, Map.of("name", unique("o"), "cookiesConfig", Map.of("behavior", "some"))), 400,
                "InvalidRequest", "cookiesConfig.behavior");
        refused(api.post(HEADERS, Map.of("name", unique("r"), "securityHeadersConfig", Map.of("frameOptions",
                Map.of("override", true, "frameOption", "ALLOW")))), 400, "InvalidRequest",
                "securityHeadersConfig.frameOptions.frameOption");
        refused(api.post(HEADERS, Map.of("name", unique("r"), "customHeadersConfig", List.of(Map.of("header", "Content-Length",
                "value", "1", "override", true)))), 400, "InvalidRequest", "customHeadersConfig[0].header");
        refused(api.post(CACHE, "{\"name\":\"" + "x".repeat(70_000) + "\"}"), 413, "SizeLimitExceeded", null);
    }

    @Test
    void responseHeadersAndOriginRequestPoliciesRoundTrip() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("name", unique("secure"));
        config.put("comment", "HSTS and CORS");
        config.put("corsConfig", Map.of("accessControlAllowOrigins", List.of("https://shop.example.com"),
                "accessControlAllowMethods", List.of("GET", "HEAD"), "accessControlAllowHeaders", List.of("*"),
                "accessControlAllowCredentials", false, "accessControlMaxAgeSec", 600, "originOverride", true));
        config.put("securityHeadersConfig", Map.of(
                "strictTransportSecurity", Map.of("override", true, "accessControlMaxAgeSec", 63072000,
                        "includeSubdomains", true, "preload", true),
                "contentTypeOptions", Map.of("override", true),
                "frameOptions", Map.of("override", false, "frameOption", "SAMEORIGIN"),
                "referrerPolicy", Map.of("override", true, "referrerPolicy", "strict-origin-when-cross-origin")));
        config.put("customHeadersConfig", List.of(Map.of("header", "X-Shop", "value", "eu-1", "override", false)));
        config.put("removeHeadersConfig", List.of("Server"));
        config.put("serverTimingHeadersConfig", Map.of("enabled", true, "samplingRate", 50.0));
        JsonNode rhp = created(HEADERS, config);
        assertThat(rhp.get("responseHeadersPolicyConfig").get("securityHeadersConfig").get("strictTransportSecurity")
                .get("preload").asBoolean()).isTrue();
        JsonNode orp = created(ORIGIN, Map.of("name", unique("fwd"), "headersConfig",
                Map.of("behavior", "whitelist", "items", List.of("x-forwarded-user")), "queryStringsConfig", Map.of("behavior", "all")));

        String d = created("/api/v1/distributions", distribution(Map.of("defaultCacheBehavior", Map.of(
                "responseHeadersPolicyId", rhp.get("id").asText(), "originRequestPolicyId", orp.get("id").asText()))))
                .get("id").asText();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            CacheBehavior b = served(d).defaultBehavior();
            assertThat(b.responseHeadersPolicy()).hasValueSatisfying(p -> {
                assertThat(p.headers()).anySatisfy(h -> {
                    assertThat(h.name()).isEqualTo("Strict-Transport-Security");
                    assertThat(h.value()).isEqualTo("max-age=63072000; includeSubDomains; preload");
                });
                assertThat(p.headers()).anySatisfy(h -> assertThat(h.name()).isEqualTo("X-Shop"));
                assertThat(p.removeHeaders()).containsExactly("Server");
                assertThat(p.cors()).hasValueSatisfying(c -> assertThat(c.allowOrigins()).containsExactly("https://shop.example.com"));
                assertThat(p.serverTimingSampleRate()).contains(50.0);
            });
            assertThat(b.originRequestPolicy().headers()).isEqualTo(Selection.only("x-forwarded-user"));
            assertThat(b.originRequestPolicy().queryStrings()).isEqualTo(Selection.ALL);
            // the rest is the pass-through default
            assertThat(b.cachePolicy()).isEqualTo(ManagedPolicies.CACHING_DISABLED);
        });
        refused(api.delete(HEADERS + "/" + rhp.get("id").asText()), 409, "ResourceInUse", null);
        refused(api.delete(ORIGIN + "/" + orp.get("id").asText()), 409, "ResourceInUse", null);
    }

    @Test
    void aDistributionWithoutBehaviorsKeepsThePassThrough() {
        String d = created("/api/v1/distributions", distribution(Map.of())).get("id").asText();
        JsonNode got = api.get("/api/v1/distributions/" + d).json();
        assertThat(got.get("config").has("defaultCacheBehavior")).isFalse();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            EdgeRoute r = served(d);
            assertThat(r.defaultBehavior()).isEqualTo(CacheBehavior.passThrough("app"));
            assertThat(r.behaviors()).isEmpty();
            assertThat(r.origin("static").orElseThrow().originPath()).isEqualTo("/production");
        });
    }

    @Test
    void behaviorsReachTheEdgeResolvedAndAPolicyChangeRedeploysThem() {
        JsonNode policy = created(CACHE, cachePolicy(unique("assets"), 0, 60, 3600));
        String pid = policy.get("id").asText();
        Map<String, Object> images = new LinkedHashMap<>();
        images.put("pathPattern", "/images/*");
        images.put("targetOriginId", "failover");
        images.put("viewerProtocolPolicy", "allow-all");
        images.put("allowedMethods", List.of("GET", "HEAD", "OPTIONS"));
        images.put("cachedMethods", List.of("GET", "HEAD", "OPTIONS"));
        images.put("compress", true);
        images.put("cachePolicyId", pid);
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("originGroups", List.of(Map.of("id", "failover", "primaryOriginId", "static", "secondaryOriginId", "app",
                "failoverStatusCodes", List.of(500, 503))));
        extra.put("defaultCacheBehavior", Map.of("cachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6",
                "viewerProtocolPolicy", "https-only"));
        extra.put("cacheBehaviors", List.of(images));
        extra.put("customErrorResponses", List.of(Map.of("errorCode", 503, "responsePagePath", "/errors/503.html",
                "responseCode", 200, "errorCachingMinTtl", 30), Map.of("errorCode", 404)));
        JsonNode d = created("/api/v1/distributions", distribution(extra));
        String id = d.get("id").asText();
        assertThat(d.get("config").get("cacheBehaviors").get(0).get("cachePolicyId").asText()).isEqualTo(pid);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            EdgeRoute r = served(id);
            assertThat(r.defaultBehavior().cachePolicy()).isEqualTo(ManagedPolicies.CACHING_OPTIMIZED);
            assertThat(r.defaultBehavior().viewerProtocolPolicy()).isEqualTo(ViewerProtocolPolicy.HTTPS_ONLY);
            assertThat(r.behaviorFor("/images/a.png").targetOriginId()).isEqualTo("failover");
            CacheBehavior b = r.behaviors().get(0);
            assertThat(b.cachePolicy().id()).isEqualTo(pid);
            assertThat(b.cachePolicy().defaultTtl()).isEqualTo(60);
            assertThat(b.cachePolicy().headers()).isEqualTo(Selection.only("x-tenant"));
            assertThat(b.cachePolicy().queryStrings()).isEqualTo(new Selection(Selection.Kind.ALL_EXCEPT, List.of("utm_source")));
            assertThat(b.cachePolicy().acceptEncodingGzip()).isTrue();
            assertThat(b.cachedMethods()).containsExactlyInAnyOrder("GET", "HEAD", "OPTIONS");
            assertThat(b.compress()).isTrue();
            assertThat(b.viewerProtocolPolicy()).isEqualTo(ViewerProtocolPolicy.ALLOW_ALL);
            assertThat(b.originRequestPolicy()).isEqualTo(ManagedPolicies.ALL_VIEWER);
            assertThat(r.originGroup("failover").orElseThrow().failoverStatusCodes()).containsExactlyInAnyOrder(500, 503);
            assertThat(r.customErrorResponses()).hasSize(2);
            assertThat(r.customErrorResponses().get(0).responsePagePath()).contains("/errors/503.html");
            assertThat(r.customErrorResponses().get(0).responseCode()).contains(200);
            assertThat(r.customErrorResponses().get(1).errorCachingMinTtl()).isEqualTo(10);
            assertThat(api.get("/api/v1/distributions/" + id).json().get("status").asText()).isEqualTo("Deployed");
        });

        refused(api.delete(CACHE + "/" + pid), 409, "ResourceInUse", null);
        TestApi.Response updated = api.put(CACHE + "/" + pid, cachePolicy(policy.get("cachePolicyConfig").get("name").asText(),
                0, 300, 3600), "1");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(served(id).behaviors().get(0).cachePolicy().defaultTtl()).isEqualTo(300));
        assertThat(api.get("/api/v1/distributions/" + id).json().get("version").asInt())
                .as("a policy change redeploys, it does not make a new distribution version").isEqualTo(1);

        // once no distribution names it, the policy can go
        TestApi.Response cleared = api.put("/api/v1/distributions/" + id, Map.of("cacheBehaviors", List.of()), "1");
        assertThat(cleared.status()).as(cleared.body()).isEqualTo(200);
        assertThat(api.delete(CACHE + "/" + pid).status()).isEqualTo(204);
    }

    @Test
    void badBehaviorsAreFieldLevelProblems() {
        record Case(Map<String, Object> extra, String field) {
        }
        Map<String, Object> badPattern = new LinkedHashMap<>(Map.of("pathPattern", "/img/<x>"));
        List<Case> cases = List.of(
                new Case(Map.of("cacheBehaviors", List.of(Map.of("pathPattern", "/a/*"),
                        Map.of("pathPattern", "/b/*", "cachePolicyId", UUID.randomUUID().toString()))), "cacheBehaviors[1].cachePolicyId"),
                new Case(Map.of("defaultCacheBehavior", Map.of("responseHeadersPolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6")),
                        "defaultCacheBehavior.responseHeadersPolicyId"),
                new Case(Map.of("cacheBehaviors", List.of(badPattern)), "cacheBehaviors[0].pathPattern"),
                new Case(Map.of("cacheBehaviors", List.of(Map.of("targetOriginId", "app"))), "cacheBehaviors[0].pathPattern"),
                new Case(Map.of("defaultCacheBehavior", Map.of("targetOriginId", "nowhere")), "defaultCacheBehavior.targetOriginId"),
                new Case(Map.of("defaultCacheBehavior", Map.of("viewerProtocolPolicy", "http-only")),
                        "defaultCacheBehavior.viewerProtocolPolicy"),
                new Case(Map.of("defaultCacheBehavior", Map.of("allowedMethods", List.of("GET", "POST"))),
                        "defaultCacheBehavior.allowedMethods"),
                new Case(Map.of("defaultCacheBehavior", Map.of("allowedMethods", List.of("GET", "HEAD"),
                        "cachedMethods", List.of("GET", "HEAD", "OPTIONS"))), "defaultCacheBehavior.cachedMethods"),
                new Case(Map.of("originGroups", List.of(Map.of("id", "g", "primaryOriginId", "app", "secondaryOriginId", "gone"))),
                        "originGroups[0].secondaryOriginId"),
                new Case(Map.of("originGroups", List.of(Map.of("id", "g", "primaryOriginId", "app", "secondaryOriginId", "static",
                        "failoverStatusCodes", List.of(200)))), "originGroups[0].failoverStatusCodes[0]"),
                new Case(Map.of("customErrorResponses", List.of(Map.of("errorCode", 302))), "customErrorResponses[0].errorCode"),
                new Case(Map.of("customErrorResponses", List.of(Map.of("errorCode", 503, "responsePagePath", "errors/503.html"))),
                        "customErrorResponses[0].responsePagePath"),
                new Case(Map.of("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/", "originPath", "/x/"))),
                        "origins[0].originPath"),
                new Case(Map.of("cacheBehaviors", "no"), "cacheBehaviors"));
        for (Case c : cases) {
            refused(api.post("/api/v1/distributions", distribution(c.extra())), 400, "InvalidRequest", c.field());
        }
    }

    @Test
    void listsPage() {
        for (int i = 0; i < 3; i++) {
            created(ORIGIN, Map.of("name", unique("page" + i)));
        }
        List<String> seen = new ArrayList<>();
        Optional<String> cursor = Optional.empty();
        do {
            JsonNode page = api.get(ORIGIN + "?limit=2" + cursor.map(c -> "&cursor=" + c).orElse("")).json();
            assertThat(page.get("items").size()).isLessThanOrEqualTo(2);
            page.get("items").forEach(p -> seen.add(p.get("id").asText()));
            cursor = Optional.ofNullable(page.get("nextCursor")).map(JsonNode::asText);
        } while (cursor.isPresent());
        assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(ManagedPolicies.ORIGIN_REQUEST.size() + 3);
        assertThat(seen.subList(0, ManagedPolicies.ORIGIN_REQUEST.size()))
                .containsExactlyElementsOf(ManagedPolicies.ORIGIN_REQUEST.stream().map(p -> p.id()).toList());
    }
}
