package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.LaggingEdge;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The import job's deploy-timeout branch: a live edge node that never serves the job's
 * distributions (a {@link LaggingEdge}) makes the job fail at EDGECERT_JOB_DEPLOY_TIMEOUT, its
 * second step FAILED, and the message says why.
 */
class JobDeployTimeoutTest {
    @Test
    void aJobWhoseDistributionsNoEdgeDeploysFailsAtTheDeployTimeout() {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_JOB_DEPLOY_TIMEOUT", "2"));
             LaggingEdge lagging = LaggingEdge.join(node.node())) {
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), "late.timeout.example");
            TestApi.Response r = node.api().post("/api/v1/jobs/import-certificates", Map.of("certificates",
                    List.of(Map.of("name", "late", "certificate", h.leaf().certificatePem(),
                            "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem())),
                    "origin", "https://late.example/"));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String jobId = r.json().get("jobId").asText();

            await("the job ends").atMost(Duration.ofSeconds(60)).until(() ->
                    node.api().get("/api/v1/jobs/" + jobId).json().get("status").asText().equals("FAILED"));
            JsonNode job = node.api().get("/api/v1/jobs/" + jobId).json();
            assertThat(job.get("error").asText()).isEqualTo("the edge did not deploy the distributions within 2 seconds");
            assertThat(job.get("steps").get(1).get("status").asText()).isEqualTo("FAILED");
            assertThat(job.get("steps").get(1).get("succeeded").asInt()).as("the distribution was created").isEqualTo(1);
        }
    }
}
