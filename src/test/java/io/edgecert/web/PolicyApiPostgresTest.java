package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The policy APIs on PostgreSQL (V10 migrated there), and a policy change reaching another node's edge. */
class PolicyApiPostgresTest extends PolicyApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.POSTGRESQL;
    }

    @Test
    void aPolicyChangedOnOneNodeReachesEveryNodesEdge() {
        try (TestNode second = node.startAnotherNode()) {
            JsonNode policy = created(CACHE, cachePolicy(unique("shared"), 0, 60, 600));
            String pid = policy.get("id").asText();
            String name = policy.get("cachePolicyConfig").get("name").asText();
            String id = created("/api/v1/distributions", distribution(Map.of("cacheBehaviors",
                    List.of(Map.of("pathPattern", "*.css", "cachePolicyId", pid))))).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.node().servedRoutes().stream()
                    .anyMatch(r -> r.distributionId().equals(id) && r.behaviors().get(0).cachePolicy().defaultTtl() == 60));

            TestApi.Response update = second.api().put(CACHE + "/" + pid, cachePolicy(name, 0, 90, 600), "1");
            assertThat(update.status()).as(update.body()).isEqualTo(200);
            for (TestNode n : List.of(node, second)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> n.node().servedRoutes().stream()
                        .anyMatch(r -> r.distributionId().equals(id) && r.behaviors().get(0).cachePolicy().defaultTtl() == 90));
            }
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    api.get("/api/v1/distributions/" + id).json().get("status").asText().equals("Deployed"));
        }
    }

    /**
     * A delete racing a distribution that names the policy: one of them loses (400 unknown policy
     * or 409 in use), never both win, so no distribution names a policy that is gone.
     */
    @Test
    void aDeleteRacingADistributionThatNamesThePolicyNeverLeavesADanglingReference() throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int i = 0; i < 10; i++) {
                String pid = created(CACHE, cachePolicy(unique("race"), 0, 1, 2)).get("id").asText();
                var create = pool.submit(() -> api.post("/api/v1/distributions", distribution(Map.of("defaultCacheBehavior",
                        Map.of("cachePolicyId", pid)))));
                var delete = pool.submit(() -> api.delete(CACHE + "/" + pid));
                TestApi.Response c = create.get(30, java.util.concurrent.TimeUnit.SECONDS);
                TestApi.Response d = delete.get(30, java.util.concurrent.TimeUnit.SECONDS);
                boolean created = c.status() == 201;
                boolean deleted = d.status() == 204;
                assertThat(created ^ deleted).as("create " + c + " / delete " + d).isTrue();
                if (created) {
                    assertThat(d.status()).isEqualTo(409);
                    assertThat(api.get(CACHE + "/" + pid).status()).isEqualTo(200);
                } else {
                    assertThat(c.status()).isEqualTo(400);
                    assertThat(c.json().get("errors").get(0).get("field").asText()).isEqualTo("defaultCacheBehavior.cachePolicyId");
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
