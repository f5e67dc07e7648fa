package io.edgecert.distributions;

import io.edgecert.testing.Deployments;
import io.edgecert.testing.LaggingEdge;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link DistributionService#awaitDeployed}, what a job waits on after creating its
 * distributions: it gives up at its timeout while a live edge node lags, and it is woken by the
 * edge's report (a signal), not found by a poll: the waits here re-read only once an hour.
 */
class AwaitDeployedTest {
    private static final Duration NEVER = Duration.ofHours(1);

    @ParameterizedTest
    @EnumSource(TestNode.Store.class)
    void aLiveNodeThatAppliesNothingHoldsTheWaitUntilItsTimeout(TestNode.Store store) throws Exception {
        try (TestNode node = TestNode.start(store); LaggingEdge lagging = LaggingEdge.join(node.node())) {
            String id = distribution(node.api());
            AtomicInteger checks = new AtomicInteger();
            boolean deployed = node.node().distributions().awaitDeployed(List.of(id), Duration.ofMillis(600),
                    Duration.ofMillis(100), checks::incrementAndGet);
            assertThat(deployed).as("deployed while a live node has applied nothing").isFalse();
            assertThat(checks.get()).as("re-read while it waited").isGreaterThan(1);
            assertThat(node.api().get("/api/v1/distributions/" + id).json().get("status").asText()).isEqualTo("InProgress");
        }
    }

    @ParameterizedTest
    @EnumSource(TestNode.Store.class)
    void theLaggingNodesReportWakesTheWait(TestNode.Store store) throws Exception {
        awaitWoken(store, LaggingEdge::catchUp);
    }

    @ParameterizedTest
    @EnumSource(TestNode.Store.class)
    void theLaggingNodeLeavingWakesTheWait(TestNode.Store store) throws Exception {
        awaitWoken(store, LaggingEdge::close);
    }

    private static void awaitWoken(TestNode.Store store, Consumer<LaggingEdge> release) throws Exception {
        ExecutorService waiter = Executors.newSingleThreadExecutor();
        try (TestNode node = TestNode.start(store); LaggingEdge lagging = LaggingEdge.join(node.node())) {
            String id = distribution(node.api());
            AtomicInteger checks = new AtomicInteger();
            Future<Boolean> deployed = waiter.submit(() -> node.node().distributions()
                    .awaitDeployed(List.of(id), NEVER, NEVER, checks::incrementAndGet));
            await("the waiter read the status once").atMost(Duration.ofSeconds(10)).until(() -> checks.get() >= 1);
            assertThat(deployed).as("deployed while the lagging node holds it").isNotDone();
            release.accept(lagging);
            // a ceiling against hanging: without the signal this waits an hour
            assertThat(deployed.get(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            waiter.shutdownNow();
        }
    }

    private static String distribution(TestApi api) {
        String zone = "wait-" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        String certificateId = Deployments.certificateFor(api, "a." + zone);
        TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of("a." + zone),
                "certificateId", certificateId, "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        return d.json().get("id").asText();
    }
}
