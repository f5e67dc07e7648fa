package io.edgecert.edge;

import com.sun.net.httpserver.HttpServer;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * End to end with real parts: an origin, two nodes on one PostgreSQL each caching the
 * distribution's objects in its edge, curl as the viewer. An invalidation made through one node
 * makes both edges fetch the invalidated paths anew, and only those.
 */
@Timeout(120)
class EdgeInvalidationPostgresTest {
    private static final String HOST = "cdn.invalidate.example";

    @TempDir
    Path tmp;

    @Test
    void anInvalidationThroughOneNodeMakesEveryEdgeFetchAnew() throws Exception {
        AtomicInteger version = new AtomicInteger(1);
        Map<String, AtomicInteger> originHits = new ConcurrentHashMap<>();
        HttpServer origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        origin.createContext("/", ex -> {
            String path = ex.getRequestURI().getPath();
            originHits.computeIfAbsent(path, k -> new AtomicInteger()).incrementAndGet();
            byte[] body = (path + " v" + version.get()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        origin.start();
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL); TestNode b = a.startAnotherNode()) {
            TestApi api = a.api();
            Map<String, Object> behavior = new LinkedHashMap<>();
            behavior.put("cachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6"); // Managed-CachingOptimized
            Map<String, Object> config = new LinkedHashMap<>();
            config.put("aliases", List.of(HOST));
            config.put("certificateId", Deployments.certificateFor(api, HOST));
            config.put("origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:" + origin.getAddress().getPort())));
            config.put("defaultCacheBehavior", behavior);
            TestApi.Response d = api.post("/api/v1/distributions", config);
            assertThat(d.status()).as(d.body()).isEqualTo(201);
            String id = d.json().get("id").asText();
            await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/distributions/" + id).json()
                    .get("status").asText().equals("Deployed"));

            List<Integer> edges = List.of(a.node().edge().httpsPort(), b.node().edge().httpsPort());
            for (int port : edges) {
                for (String path : List.of("/img/logo.png", "/css/site.css")) {
                    assertThat(curl(port, path).body()).isEqualTo(path + " v1");
                    Response again = curl(port, path);
                    assertThat(again.body()).isEqualTo(path + " v1");
                    // runs once the cache stage is in the edge's pipeline (EdgeServer: .withCache(...))
                    Assumptions.assumeFalse(again.cacheStatus().isEmpty(),
                            "the edge answers without Cache-Status: its pipeline has no cache stage yet");
                    assertThat(again.cacheStatus()).as(path + " on " + port).contains("hit");
                }
            }
            assertThat(originHits.get("/img/logo.png").get()).as("one miss per node").isEqualTo(2);

            version.set(2);
            TestApi.Response inv = b.api().post("/api/v1/distributions/" + id + "/invalidations",
                    Map.of("paths", List.of("/img/*")));
            assertThat(inv.status()).as(inv.body()).isEqualTo(201);
            TestApi.Response done = api.get("/api/v1/distributions/" + id + "/invalidations/"
                    + inv.json().get("id").asText() + "?waitSeconds=10");
            assertThat(done.json().get("status").asText()).isEqualTo("Completed");

            for (int port : edges) {
                assertThat(curl(port, "/img/logo.png").body()).as("invalidated on " + port).isEqualTo("/img/logo.png v2");
                Response css = curl(port, "/css/site.css");
                assertThat(css.body()).as("not invalidated on " + port).isEqualTo("/css/site.css v1");
                assertThat(css.cacheStatus()).contains("hit");
            }
            assertThat(originHits.get("/img/logo.png").get()).isEqualTo(4);
            assertThat(originHits.get("/css/site.css").get()).isEqualTo(2);
        } finally {
            origin.stop(0);
        }
    }

    record Response(String headers, String body) {
        String cacheStatus() {
            return headers.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("cache-status:"))
                    .findFirst().orElse("");
        }
    }

    private Response curl(int port, String path) throws Exception {
        Path body = tmp.resolve("body");
        Files.deleteIfExists(body);
        EdgeProbe.Run r = EdgeProbe.run(List.of("curl", "-sS", "-k", "--max-time", "20", "--resolve",
                HOST + ":" + port + ":127.0.0.1", "-D", "-", "-o", body.toString(), "https://" + HOST + ":" + port + path), null);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return new Response(r.stdout(), Files.readString(body));
    }
}
