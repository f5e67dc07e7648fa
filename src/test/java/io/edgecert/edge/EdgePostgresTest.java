package io.edgecert.edge;

import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two edgecert processes' worth of nodes on one PostgreSQL: each serves what either is told. */
class EdgePostgresTest {
    @Test
    void aChangeMadeThroughOneNodeIsServedByBoth() throws Exception {
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL); TestNode b = a.startAnotherNode()) {
            TestApi api = a.api();
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "pg.example");
            TestApi.Response c = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                    "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
            String fp = c.json().get("fingerprintSha256").asText();
            long t0 = System.nanoTime();
            TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of("pg.example"),
                    "certificateId", c.json().get("id").asText(), "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
            assertThat(d.status()).as(d.body()).isEqualTo(201);
            String id = d.json().get("id").asText();
            // Deployed = every live node has loaded it; then both serve it at once.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> api.get("/api/v1/distributions/" + id).json().get("status").asText().equals("Deployed"));
            long deployedMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(EdgeProbe.handshake(a.node().edge().httpsPort(), "pg.example").fingerprint()).isEqualTo(fp);
            assertThat(EdgeProbe.handshake(b.node().edge().httpsPort(), "pg.example").fingerprint()).isEqualTo(fp);
            System.out.println("two-node deploy: Deployed after " + deployedMillis + " ms");

            // a reimport through node B reaches node A's edge
            TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.freshRsa(2048), "pg.example");
            TestApi.Response r = b.api().put("/api/v1/certificates/" + c.json().get("id").asText(), Map.of(
                    "certificate", renewed.leaf().certificatePem(), "privateKey", renewed.leaf().keyPem(),
                    "certificateChain", renewed.chainPem()));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String renewedFp = r.json().get("fingerprintSha256").asText();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                    EdgeProbe.handshake(a.node().edge().httpsPort(), "pg.example").fingerprint().equals(renewedFp));
        }
    }

    /**
     * A node started on existing distributions loads them in one first read (without the
     * certificates' versions, see DistributionRepository.allForFirstLoad); a later reimport must
     * still reach it.
     */
    @Test
    void aNodeStartedOnExistingDistributionsServesTheirReimports() throws Exception {
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL)) {
            TestApi api = a.api();
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "later.example");
            TestApi.Response c = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                    "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
            assertThat(c.status()).as(c.body()).isEqualTo(201);
            String certificateId = c.json().get("id").asText();
            TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of("later.example"),
                    "certificateId", certificateId, "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
            assertThat(d.status()).as(d.body()).isEqualTo(201);

            try (TestNode b = a.startAnotherNode()) {
                int httpsB = b.node().edge().httpsPort();
                assertThat(EdgeProbe.handshake(httpsB, "later.example").fingerprint())
                        .isEqualTo(c.json().get("fingerprintSha256").asText());

                TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.freshRsa(2048), "later.example");
                TestApi.Response r = api.put("/api/v1/certificates/" + certificateId, Map.of(
                        "certificate", renewed.leaf().certificatePem(), "privateKey", renewed.leaf().keyPem(),
                        "certificateChain", renewed.chainPem()));
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                String renewedFp = r.json().get("fingerprintSha256").asText();
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                        EdgeProbe.handshake(httpsB, "later.example").fingerprint().equals(renewedFp));
            }
        }
    }
}
