package io.edgecert.testing;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Keeps a node's job runner busy so that a job submitted meanwhile stays PENDING: lets a test change
 * the world between a job's submission and its run without a race. A {@link LaggingEdge} (a second
 * edge node that stays live and never acknowledges, as a slow one would) keeps two holder jobs
 * waiting for deployment, and the node runs at most two jobs at a time. {@link #close} lets the
 * edge catch up: the holders succeed and the held jobs run.
 */
public final class HeldJobRunner implements AutoCloseable {
    /** EdgecertNode's JobRunner maxConcurrentJobs. */
    static final int CONCURRENT_JOBS = 2;

    private final TestNode node;
    private final List<String> holders = new ArrayList<>();
    private LaggingEdge lagging;

    private HeldJobRunner(TestNode node) {
        this.node = node;
    }

    public static HeldJobRunner hold(TestNode node) {
        HeldJobRunner held = new HeldJobRunner(node);
        held.lagging = LaggingEdge.join(node.node());
        try {
            for (int i = 0; i < CONCURRENT_JOBS; i++) {
                String zone = "hold" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
                TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone);
                TestApi.Response r = node.api().post("/api/v1/jobs/import-certificates", Map.of("certificates",
                        List.of(Map.of("name", "holder " + i, "certificate", h.leaf().certificatePem(),
                                "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem())),
                        "origin", "https://hold.example/"));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                held.holders.add(r.json().get("jobId").asText());
            }
            // Both holders have created their distribution and wait for the edge: the runner is full.
            for (String id : held.holders) {
                await().atMost(Duration.ofSeconds(60)).until(() -> {
                    JsonNode job = node.api().get("/api/v1/jobs/" + id).json();
                    return job.get("status").asText().equals("RUNNING")
                            && job.get("steps").get(1).get("succeeded").asInt() == 1;
                });
            }
        } catch (RuntimeException | Error e) {
            held.close();
            throw e;
        }
        return held;
    }

    /**
     * Lets the holders finish, so queued jobs run, while the lagging edge still has not applied
     * anything newer than now: those jobs create their distributions and then wait for the edge.
     */
    public void runQueuedJobsButHoldDeployment() {
        lagging.catchUp();
        awaitHolders();
    }

    private void awaitHolders() {
        for (String id : holders) {
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    node.api().get("/api/v1/jobs/" + id).json().get("status").asText().equals("SUCCEEDED"));
        }
    }

    /** Submits an import of that many fresh certificates (no distributions); it stays PENDING while held. */
    public String submitImport(int certificates) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < certificates; i++) {
            String name = "c" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), name);
            items.add(Map.of("certificate", h.leaf().certificatePem(), "privateKey", h.leaf().keyPem(),
                    "certificateChain", h.chainPem()));
        }
        TestApi.Response r = node.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", items));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        String jobId = r.json().get("jobId").asText();
        assertPending(jobId);
        return jobId;
    }

    /** The premise of a held test: the job has not started. */
    public void assertPending(String jobId) {
        assertThat(node.api().get("/api/v1/jobs/" + jobId).json().get("status").asText()).isEqualTo("PENDING");
    }

    /** The edge catches up; the holders succeed, and then the runner takes the held jobs. */
    @Override
    public void close() {
        lagging.close();
        awaitHolders();
    }
}
