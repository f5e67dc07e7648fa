package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An import job's distributions copy the template's CDN fields: behaviors (and so their policies), groups, error pages. */
@Timeout(120)
class JobTemplateBehaviorsTest {
    @Test
    void distributionsMadeByAJobKeepTheTemplatesBehaviors() {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            TestApi api = node.api();
            TestApi.Response policy = api.post("/api/v1/cache-policies", Map.of("name", "tenant-assets", "minTtl", 0,
                    "defaultTtl", 300, "maxTtl", 3600));
            assertThat(policy.status()).as(policy.body()).isEqualTo(201);
            String pid = policy.json().get("id").asText();
            TestApi.Response t = api.post("/api/v1/distributions", Map.of(
                    "origins", List.of(Map.of("id", "saas", "url", "https://app.saas.example/"),
                            Map.of("id", "backup", "url", "https://backup.saas.example/", "originPath", "/static")),
                    "originGroups", List.of(Map.of("id", "ha", "primaryOriginId", "saas", "secondaryOriginId", "backup")),
                    "defaultCacheBehavior", Map.of("viewerProtocolPolicy", "https-only"),
                    "cacheBehaviors", List.of(Map.of("pathPattern", "/assets/*", "targetOriginId", "ha", "cachePolicyId", pid)),
                    "customErrorResponses", List.of(Map.of("errorCode", 503, "responsePagePath", "/down.html")),
                    "comment", "template"));
            assertThat(t.status()).as(t.body()).isEqualTo(201);

            String zone = "j" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone);
            TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", List.of(Map.of(
                    "name", "tenant", "certificate", h.leaf().certificatePem(), "privateKey", h.leaf().keyPem(),
                    "certificateChain", h.chainPem())), "distributionTemplate", Map.of("distributionId", t.json().get("id").asText())));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String jobId = r.json().get("jobId").asText();
            await().atMost(Duration.ofSeconds(60)).until(() -> List.of("SUCCEEDED", "FAILED")
                    .contains(api.get("/api/v1/jobs/" + jobId).json().get("status").asText()));
            JsonNode job = api.get("/api/v1/jobs/" + jobId).json();
            assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");

            String id = job.get("items").get(0).get("distributionId").asText();
            JsonNode config = api.get("/api/v1/distributions/" + id).json().get("config");
            assertThat(config.get("aliases").get(0).asText()).isEqualTo(zone);
            assertThat(config.get("cacheBehaviors").get(0).get("cachePolicyId").asText()).isEqualTo(pid);
            assertThat(config.get("originGroups").get(0).get("id").asText()).isEqualTo("ha");
            assertThat(config.get("customErrorResponses").get(0).get("responsePagePath").asText()).isEqualTo("/down.html");
            assertThat(config.get("origins").get(1).get("originPath").asText()).isEqualTo("/static");
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                EdgeRoute served = node.node().servedRoutes().stream().filter(x -> x.distributionId().equals(id))
                        .findFirst().orElseThrow();
                assertThat(served.behaviorFor("/assets/a.css").cachePolicy().defaultTtl()).isEqualTo(300);
            });

            // the job's distribution names the policy too: it stays in use after the template goes
            assertThat(api.delete("/api/v1/distributions/" + t.json().get("id").asText()).status()).isEqualTo(204);
            assertThat(api.delete("/api/v1/cache-policies/" + pid).status()).isEqualTo(409);
        }
    }
}
