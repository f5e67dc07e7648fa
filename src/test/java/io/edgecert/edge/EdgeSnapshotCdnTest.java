package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.DeployedRoute;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.ResponseHeadersPolicy;
import io.edgecert.serving.RoutesFingerprint;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A snapshot keeps every route's CDN part (behaviors with their policies, groups, error pages, origin paths). */
@Timeout(30)
class EdgeSnapshotCdnTest {
    @TempDir
    Path dir;

    @Test
    void routesWithBehaviorsAndPlainRoutesComeBackEqual() throws Exception {
        ResponseHeadersPolicy headers = new ResponseHeadersPolicy("rhp-1", "secure", Optional.of(new ResponseHeadersPolicy.Cors(
                List.of("*"), List.of("*"), List.of("GET"), List.of(), false, Optional.of(600L), true)),
                List.of(new ResponseHeadersPolicy.HeaderRule("Strict-Transport-Security", "max-age=1", true)), List.of("Server"),
                Optional.of(25.0));
        CacheBehavior images = new CacheBehavior(PathPattern.parse("/images/*.png").orElseThrow(), "group",
                ViewerProtocolPolicy.ALLOW_ALL, CacheBehavior.GET_HEAD_OPTIONS, CacheBehavior.GET_HEAD, true,
                ManagedPolicies.USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS, ManagedPolicies.ALL_VIEWER_EXCEPT_HOST_HEADER,
                Optional.of(headers));
        EdgeRoute cdn = new EdgeRoute("d-1", 3, List.of("shop.example.com"), "d-1.edge.test", Optional.of("c-1"), 2,
                MinimumProtocol.DEFAULT, List.of(new EdgeRoute.Origin("a", URI.create("https://a.example/"), "/prod"),
                new EdgeRoute.Origin("b", URI.create("https://b.example/"))), "a",
                List.of(new OriginGroup("group", "a", "b", Set.of(500, 503))),
                CacheBehavior.passThrough("b"), List.of(images),
                List.of(new CustomErrorResponse(503, Optional.of("/503.html"), Optional.of(200), 30),
                        new CustomErrorResponse(404, Optional.empty(), Optional.empty(), 10)));
        EdgeRoute plain = new EdgeRoute("d-2", 1, List.of(), "d-2.edge.test", Optional.empty(), 0, MinimumProtocol.DEFAULT,
                List.of(new EdgeRoute.Origin("o", URI.create("http://o.example/"))), "o");
        Path file = dir.resolve("snap.bin");
        new EdgeSnapshot(new RoutesFingerprint(2, 9, 17), List.of(new DeployedRoute(cdn, 9, true),
                new DeployedRoute(plain, 8, false)), List.of()).write(file);

        EdgeSnapshot back = EdgeSnapshot.read(file).orElseThrow();
        assertThat(back.entries()).containsExactly(new DeployedRoute(cdn, 9, true), new DeployedRoute(plain, 8, false));
        assertThat(back.entries().get(0).route().behaviorFor("/images/a.png").responseHeadersPolicy()).contains(headers);
    }

    /** End to end: a node restarted from its snapshot serves the behaviors with the custom policy resolved. */
    @Test
    void aRestartedNodeServesItsBehaviorsFromTheSnapshot() {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            TestApi.Response policy = node.api().post("/api/v1/cache-policies", Map.of("name", "snap", "minTtl", 0,
                    "defaultTtl", 42, "maxTtl", 600));
            assertThat(policy.status()).as(policy.body()).isEqualTo(201);
            TestApi.Response d = node.api().post("/api/v1/distributions", Map.of(
                    "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9/", "originPath", "/v1")),
                    "cacheBehaviors", List.of(Map.of("pathPattern", "/static/*", "cachePolicyId", policy.json().get("id").asText()))));
            assertThat(d.status()).as(d.body()).isEqualTo(201);
            String id = d.json().get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.node().servedRoutes().stream()
                    .anyMatch(r -> r.distributionId().equals(id)));

            node.restart();

            assertThat(node.node().edgeRestoredFromSnapshot()).isTrue();
            EdgeRoute r = node.node().servedRoutes().stream().filter(x -> x.distributionId().equals(id)).findFirst().orElseThrow();
            assertThat(r.behaviorFor("/static/app.js").cachePolicy().defaultTtl()).isEqualTo(42);
            assertThat(r.origin("o").orElseThrow().originPath()).isEqualTo("/v1");
        }
    }
}
