package io.edgecert.web;

import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class DistributionApiPostgresTest extends DistributionApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.POSTGRESQL;
    }

    /**
     * Two nodes on one database: a change made through one is served by the other (LISTEN/NOTIFY),
     * and Deployed waits for every live node; a stopped node stops holding deployments back.
     */
    @Test
    void everyNodeServesWhatAnyNodeChanged() {
        try (TestNode second = node.startAnotherNode()) {
            String z = zone();
            String cert = certificateFor(z);
            String id = created(distribution(cert, z)).get("id").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> second.node().servedRoutes().stream()
                    .anyMatch(r -> r.distributionId().equals(id)));
            await().atMost(Duration.ofSeconds(10)).until(() ->
                    second.api().get("/api/v1/distributions/" + id).json().get("status").asText().equals("Deployed"));

            TestApi.Response update = second.api().put("/api/v1/distributions/" + id, java.util.Map.of("enabled", false), "1");
            assertThat(update.status()).as(update.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> node.node().servedRoutes().stream()
                    .noneMatch(r -> r.distributionId().equals(id)));
        }
    }
}
