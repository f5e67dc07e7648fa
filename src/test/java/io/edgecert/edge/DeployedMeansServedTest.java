package io.edgecert.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rule C7 under concurrency: distributions created in parallel (as import jobs do) commit out of
 * order; whatever the API reports Deployed must be served by the edge at that moment.
 */
class DeployedMeansServedTest {
    private static final int THREADS = 8;
    private static final int PER_THREAD = 25;

    @ParameterizedTest
    @EnumSource(TestNode.Store.class)
    void everyDistributionReportedDeployedIsServedAtThatMoment(TestNode.Store store) throws Exception {
        try (TestNode node = TestNode.start(store)) {
            TestApi api = node.api();
            int https = node.node().edge().httpsPort();
            String z = "c" + UUID.randomUUID().toString().substring(0, 8) + ".example";
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), "*." + z);
            TestApi.Response cert = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                    "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
            assertThat(cert.status()).as(cert.body()).isEqualTo(201);
            String certificateId = cert.json().get("id").asText();
            String fingerprint = cert.json().get("fingerprintSha256").asText();

            long t0 = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                create(api, certificateId, "seq" + i + "." + z);
            }
            System.out.printf("%s: one create takes %.1f ms (sequential loop of 10)%n", store,
                    (System.nanoTime() - t0) / 10 / 1e6);

            // Each thread checks its own distributions the moment the API says Deployed: an
            // out-of-order commit is reported Deployed at once, before the edge's next reload.
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            List<Future<List<String>>> creates = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                creates.add(pool.submit(() -> {
                    List<String> notServed = new ArrayList<>();
                    for (int i = 0; i < PER_THREAD; i++) {
                        String alias = "t" + thread + "-" + i + "." + z;
                        String id = create(api, certificateId, alias);
                        long deadline = System.nanoTime() + 20_000_000_000L;
                        while (!api.get("/api/v1/distributions/" + id).json().get("status").asText().equals("Deployed")) {
                            assertThat(System.nanoTime()).as("Deployed within 20 s").isLessThan(deadline);
                        }
                        if (!EdgeProbe.handshake(https, alias).fingerprint().equals(fingerprint)) {
                            notServed.add(alias);
                        }
                    }
                    return notServed;
                }));
            }
            List<String> deployedButNotServed = new ArrayList<>();
            for (Future<List<String>> f : creates) {
                deployedButNotServed.addAll(f.get());
            }
            pool.shutdown();
            System.out.printf("%s: %d parallel creates checked%n", store, THREADS * PER_THREAD);
            assertThat(deployedButNotServed).as("reported Deployed but not served").isEmpty();
        }
    }

    private static String create(TestApi api, String certificateId, String alias) {
        TestApi.Response r = api.post("/api/v1/distributions", Map.of("aliases", List.of(alias),
                "certificateId", certificateId, "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }
}
