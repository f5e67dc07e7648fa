package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Concurrent writes over real HTTP: reimports of one certificate queue on its row lock, imports
 * on the quota lock. Run on H2 ({@link CertificateConcurrencyH2Test}) and on PostgreSQL with two
 * nodes sharing the database ({@link CertificateConcurrencyPostgresTest}), where only the
 * database can serialise them.
 */
abstract class CertificateConcurrencyContract {
    private static final int WRITERS = 8;

    abstract TestNode.Store store();

    /** Whether the writers spread over two nodes on one database (PostgreSQL only). */
    abstract boolean twoNodes();

    /** The nodes the writers spread over; closing closes the second before the first drops the database. */
    private record Cluster(List<TestNode> nodes) implements AutoCloseable {
        List<TestApi> apis() {
            return nodes.stream().map(TestNode::api).toList();
        }

        @Override
        public void close() {
            for (int i = nodes.size() - 1; i >= 0; i--) {
                nodes.get(i).close();
            }
        }
    }

    private Cluster cluster(Map<String, String> env) {
        TestNode first = TestNode.start(store(), env);
        return new Cluster(twoNodes() ? List.of(first, first.startAnotherNode()) : List.of(first));
    }

    @Test
    void concurrentReimportsOfOneCertificateAllSucceedInTurn() throws Exception {
        try (Cluster cluster = cluster(Map.of())) {
            List<TestApi> apis = cluster.apis();
            String name = "race-" + CertificateApiContract.unique() + ".example.com";
            String id = apis.get(0).post("/api/v1/certificates", CertificateApiContract.body(
                    TestPki.hierarchy(TestPki.rsa(2048), name))).json().get("id").asText();
            List<TestPki.Hierarchy> renewals = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                renewals.add(TestPki.hierarchy(TestPki.rsa(2048), name, "w" + i + "." + name));
            }

            List<TestApi.Response> answers = all(i -> () -> apis.get(i % apis.size())
                    .put("/api/v1/certificates/" + id, CertificateApiContract.body(renewals.get(i))));

            assertThat(answers).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
            JsonNode c = apis.get(0).get("/api/v1/certificates/" + id).json();
            assertThat(c.get("version").asInt()).isEqualTo(WRITERS + 1);
            assertThat(c.get("history")).extracting(h -> h.get("version").asInt())
                    .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, WRITERS).boxed().toList());
            // Every renewal was current once: the history and the final material hold each serial once.
            List<String> serials = new ArrayList<>();
            c.get("history").forEach(h -> serials.add(h.get("serial").asText()));
            serials.add(c.get("serial").asText());
            assertThat(serials).doesNotHaveDuplicates().hasSize(WRITERS + 1);
        }
    }

    @Test
    void concurrentImportsNeverExceedTheQuota() throws Exception {
        int quota = 3;
        try (Cluster cluster = cluster(Map.of("EDGECERT_MAX_CERTIFICATES", String.valueOf(quota)))) {
            List<TestApi> apis = cluster.apis();
            String batch = CertificateApiContract.unique();
            List<TestPki.Hierarchy> material = new ArrayList<>();
            for (int i = 0; i < WRITERS; i++) {
                material.add(TestPki.hierarchy(TestPki.rsa(2048), "q" + i + "-" + batch + ".example.com"));
            }

            List<TestApi.Response> answers = all(i -> () -> apis.get(i % apis.size())
                    .post("/api/v1/certificates", CertificateApiContract.body(material.get(i))));

            assertThat(answers).extracting(TestApi.Response::status).containsOnly(201, 409);
            assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(quota);
            assertThat(answers).filteredOn(r -> r.status() == 409)
                    .allSatisfy(r -> assertThat(r.json().get("code").asText()).isEqualTo("LimitExceeded"));
            assertThat(apis.get(0).get("/api/v1/certificates").json().get("items")).hasSize(quota);
        }
    }

    /**
     * Rules B7 and C1 together: a reimport that drops a name races a new distribution that wants
     * an alias on that name. Both check the certificate's names under its row lock, so exactly
     * one of them wins, and no distribution is ever left with an alias its certificate does not cover.
     */
    @Test
    void aReimportDroppingANameAndADistributionAddingItNeverBothWin() throws Exception {
        try (Cluster cluster = cluster(Map.of())) {
            List<TestApi> apis = cluster.apis();
            for (int round = 0; round < 10; round++) {
                String kept = "r" + round + "-" + CertificateApiContract.unique() + ".example.com";
                String dropped = "x." + kept;
                String id = apis.get(0).post("/api/v1/certificates", CertificateApiContract.body(
                        TestPki.hierarchy(TestPki.ec("secp256r1"), kept, dropped))).json().get("id").asText();
                assertThat(apis.get(0).post("/api/v1/distributions", distribution(kept, id)).status()).isEqualTo(201);
                TestPki.Hierarchy narrower = TestPki.hierarchy(TestPki.ec("secp256r1"), kept);

                List<TestApi.Response> answers = all(2, i -> () -> i == 0
                        ? apis.get(0).put("/api/v1/certificates/" + id, CertificateApiContract.body(narrower))
                        : apis.get(1 % apis.size()).post("/api/v1/distributions", distribution(dropped, id)));

                TestApi.Response reimport = answers.get(0);
                TestApi.Response create = answers.get(1);
                boolean reimported = reimport.status() == 200;
                boolean created = create.status() == 201;
                assertThat(reimported ^ created).as("round %d: reimport %s / create %s", round, reimport.body(),
                        create.body()).isTrue();
                TestApi.Response loser = reimported ? create : reimport;
                assertThat(loser.json().get("errors").get(0).get("code").asText()).as(loser.body())
                        .isEqualTo("CertificateDoesNotCoverAlias");
                List<String> names = new ArrayList<>();
                apis.get(0).get("/api/v1/certificates/" + id).json().get("subjectAlternativeNames")
                        .forEach(n -> names.add(n.asText()));
                apis.get(0).get("/api/v1/distributions?certificateId=" + id).json().get("items").forEach(d ->
                        d.get("config").get("aliases").forEach(a -> assertThat(names).contains(a.asText())));
            }
        }
    }

    private static Map<String, Object> distribution(String alias, String certificateId) {
        return Map.of("aliases", List.of(alias), "certificateId", certificateId,
                "origins", List.of(Map.of("id", "o", "url", "https://origin.example/")));
    }

    /** Runs WRITERS calls released at the same moment and returns their answers in order. */
    private static List<TestApi.Response> all(IntFunction<Callable<TestApi.Response>> call) throws Exception {
        return all(WRITERS, call);
    }

    /** Runs {@code count} calls released at the same moment and returns their answers in order. */
    private static List<TestApi.Response> all(int count, IntFunction<Callable<TestApi.Response>> call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CyclicBarrier start = new CyclicBarrier(count);
            List<Future<TestApi.Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Callable<TestApi.Response> c = call.apply(i);
                futures.add(pool.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    return c.call();
                }));
            }
            List<TestApi.Response> out = new ArrayList<>();
            for (Future<TestApi.Response> f : futures) {
                out.add(f.get(120, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            pool.shutdownNow();
        }
    }
}
