package io.edgecert.distributions.invalidations;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.serving.RouteSource;
import io.edgecert.testing.RecordingPurger;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Nodes sharing a real PostgreSQL: an invalidation made through one node reaches every node's
 * cache, is Completed only once every live node has purged, and is not held back by a node that
 * stopped or died. Each node purges through its own recording purger.
 */
@Timeout(120)
class InvalidationPostgresTest {
    static String distribution(TestApi api) {
        TestApi.Response r = api.post("/api/v1/distributions",
                Map.of("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/"))));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String create(TestApi api, String distributionId, List<String> paths) {
        TestApi.Response r = api.post("/api/v1/distributions/" + distributionId + "/invalidations", Map.of("paths", paths));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        assertThat(r.json().get("status").asText()).isEqualTo("InProgress");
        return r.json().get("id").asText();
    }

    static JsonNode get(TestApi api, String distributionId, String id, int waitSeconds) {
        TestApi.Response r = api.get("/api/v1/distributions/" + distributionId + "/invalidations/" + id
                + "?waitSeconds=" + waitSeconds);
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    @Test
    void anInvalidationCompletesOnlyOnceBothNodesPurged() {
        RecordingPurger purgerA = new RecordingPurger();
        RecordingPurger purgerB = new RecordingPurger();
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL, Map.of(), purgerA.wrapping());
             TestNode b = a.startAnotherNode(Map.of(), purgerB.wrapping())) {
            String d = distribution(a.api());
            purgerB.hold(); // node B is slow to drop its objects
            long t0 = System.nanoTime();
            String id = create(a.api(), d, List.of("/img/*", "/index.html"));
            RecordingPurger.Call expected = new RecordingPurger.Call(d, List.of("/img/*", "/index.html"));

            await().atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(10))
                    .until(() -> purgerA.calls().contains(expected));
            long purgedOnA = (System.nanoTime() - t0) / 1_000_000;
            // read through the other node: the same state, waiting for B alone
            JsonNode held = get(b.api(), d, id, 1);
            assertThat(held.get("status").asText()).isEqualTo("InProgress");
            assertThat(held.get("waitingFor")).extracting(JsonNode::asText).containsExactly(b.node().nodeId());

            long released = System.nanoTime();
            purgerB.release();
            JsonNode done = get(a.api(), d, id, 10);
            long completedAfterRelease = (System.nanoTime() - released) / 1_000_000;
            assertThat(done.get("status").asText()).isEqualTo("Completed");
            assertThat(purgerA.callsFor(d)).containsExactly(expected);
            assertThat(purgerB.callsFor(d)).containsExactly(expected);
            assertThat(completedAfterRelease).as("B's record wakes A's long-poll, not its 1 s re-read").isLessThan(900);
            System.out.println("invalidation across two nodes: purged on A " + purgedOnA + " ms after the POST, "
                    + "Completed " + completedAfterRelease + " ms after B was let go");

            // an invalidation made through B reaches A as promptly, unheld
            long t1 = System.nanoTime();
            String second = create(b.api(), d, List.of("/*"));
            assertThat(get(b.api(), d, second, 10).get("status").asText()).isEqualTo("Completed");
            System.out.println("invalidation across two nodes, none held: Completed " + (System.nanoTime() - t1) / 1_000_000
                    + " ms after the POST");
            assertThat(purgerA.callsFor(d)).hasSize(2);
            assertThat(purgerB.callsFor(d)).hasSize(2);
        }
    }

    @Test
    void aNodeThatStopsOrDiesDoesNotHoldAnInvalidationBack() throws Exception {
        RecordingPurger purgerA = new RecordingPurger();
        RecordingPurger purgerB = new RecordingPurger();
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL, Map.of(), purgerA.wrapping())) {
            String d = distribution(a.api());

            // B stops while its purge hangs: it leaves edge_nodes as it stops, and no longer counts
            TestNode b = a.startAnotherNode(Map.of(), purgerB.wrapping());
            purgerB.hold();
            String first = create(a.api(), d, List.of("/a"));
            await().atMost(Duration.ofSeconds(5)).until(() -> !purgerA.callsFor(d).isEmpty());
            assertThat(get(a.api(), d, first, 1).get("status").asText()).isEqualTo("InProgress");
            b.stop();
            assertThat(get(a.api(), d, first, 10).get("status").asText()).isEqualTo("Completed");
            assertThat(purgerB.callsFor(d)).as("B never purged it").isEmpty();

            // a node that died (its heartbeat row stays, ageing): it holds invalidations back until
            // its heartbeat is older than the liveness window, then not any more
            int leftSeconds = 3;
            long age = RouteSource.LIVENESS.toSeconds() - leftSeconds;
            a.node().database().withConnection(c -> {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO edge_nodes (node_id, host, applied_seq, "
                        + "started_at, heartbeat_at) VALUES ('crashed-node', 'gone', 0, CURRENT_TIMESTAMP, "
                        + "CURRENT_TIMESTAMP - INTERVAL '" + age + "' SECOND)")) {
                    return ps.executeUpdate();
                }
            });
            long t0 = System.nanoTime();
            String second = create(a.api(), d, List.of("/b/*"));
            JsonNode waiting = get(a.api(), d, second, 1);
            assertThat(waiting.get("status").asText()).isEqualTo("InProgress");
            assertThat(waiting.get("waitingFor")).extracting(JsonNode::asText).containsExactly("crashed-node");
            JsonNode done = get(a.api(), d, second, 15);
            long completedMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(done.get("status").asText()).isEqualTo("Completed");
            assertThat(completedMillis).as("held until the dead node's heartbeat expired")
                    .isBetween((leftSeconds - 1) * 1_000L, (leftSeconds + 3) * 1_000L);
            System.out.println("invalidation with a dead node: Completed " + completedMillis + " ms after the POST ("
                    + leftSeconds + " s of liveness left)");

            // a node started later does not replay what is Completed, and takes part in what comes next
            RecordingPurger purgerC = new RecordingPurger();
            try (TestNode c = a.startAnotherNode(Map.of(), purgerC.wrapping())) {
                String third = create(c.api(), d, List.of("/c"));
                assertThat(get(c.api(), d, third, 10).get("status").asText()).isEqualTo("Completed");
                assertThat(purgerC.callsFor(d)).containsExactly(new RecordingPurger.Call(d, List.of("/c")));
            }
            b.close();
        }
    }

    /**
     * Creates through two nodes at once: the 15-wildcard limit and the callerReference hold across
     * nodes (the distribution's row is locked while they are checked), and nothing answers a 5xx.
     */
    @Test
    void limitsAndCallerReferencesHoldAcrossNodesCreatingAtOnce() throws Exception {
        RecordingPurger purgerA = new RecordingPurger();
        RecordingPurger purgerB = new RecordingPurger();
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL, Map.of(), purgerA.wrapping());
             TestNode b = a.startAnotherNode(Map.of(), purgerB.wrapping())) {
            String d = distribution(a.api());
            purgerA.hold(); // nothing completes while the creates race
            purgerB.hold();
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            try {
                List<java.util.concurrent.Future<TestApi.Response>> wildcards = new java.util.ArrayList<>();
                for (int i = 0; i < 24; i++) {
                    TestApi api = i % 2 == 0 ? a.api() : b.api();
                    String path = "/w" + i + "/*";
                    wildcards.add(pool.submit(() -> api.post("/api/v1/distributions/" + d + "/invalidations",
                            Map.of("paths", List.of(path)))));
                }
                List<java.util.concurrent.Future<TestApi.Response>> retries = new java.util.ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    TestApi api = i % 2 == 0 ? a.api() : b.api();
                    retries.add(pool.submit(() -> api.post("/api/v1/distributions/" + d + "/invalidations",
                            Map.of("paths", List.of("/same.html"), "callerReference", "same-ref"))));
                }
                Map<Integer, Long> statuses = new java.util.TreeMap<>();
                for (var f : wildcards) {
                    TestApi.Response r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    statuses.merge(r.status(), 1L, Long::sum);
                    if (r.status() == 400) {
                        assertThat(r.json().get("code").asText()).isEqualTo("TooManyInvalidationsInProgress");
                    }
                }
                assertThat(statuses).isEqualTo(Map.of(201, 15L, 400, 9L));
                java.util.Set<String> ids = new java.util.HashSet<>();
                for (var f : retries) {
                    TestApi.Response r = f.get(30, java.util.concurrent.TimeUnit.SECONDS);
                    assertThat(r.status()).as(r.toString()).isEqualTo(201);
                    ids.add(r.json().get("id").asText());
                }
                assertThat(ids).as("one invalidation for one callerReference").hasSize(1);
            } finally {
                pool.shutdownNow();
                purgerA.release();
                purgerB.release();
            }
            TestApi.Response all = a.api().get("/api/v1/distributions/" + d + "/invalidations");
            assertThat(all.json().get("items")).hasSize(16);
        }
    }
}
