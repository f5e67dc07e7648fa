package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.ValidatedMaterial;
import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.DistributionService.Settings;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.edgecert.store.WriteGuard;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.LaggingEdge;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * What goes wrong under a running job on a real node (H2), provoked from the database: a lease
 * taken away mid-run, a stored key that will not decrypt, two runs of the same item at once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobFaultsTest {
    /** Runs of jobs this node ended, and those that ended because the lease was lost. */
    static final String RUNS = "edgecert_job_runs_total{";
    static final String LEASE_LOST = "edgecert_job_runs_total{end=\"lease_lost\"";
    TestNode node;
    TestApi api;
    Database db;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2);
        api = node.api();
        db = node.node().database();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    // ---- lease fencing -------------------------------------------------------------------------

    @Test
    void aNodeWhoseLeaseWasTakenCannotWriteAndTheJobStillEndsExactlyOnce() throws Exception {
        String zone = zone();
        String jobId = submit(items(250, zone), true);
        // Mid-import: some certificates exist, the first batch's outcomes are not written yet.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(5))
                .until(() -> certificatesOf(zone) >= 20);
        double lost = api.metric(LEASE_LOST);
        takeLease(jobId);

        Snapshot taken = snapshot(jobId, zone);
        // the run finds out at its next fenced write or renewal, and stops
        await().atMost(Duration.ofSeconds(30)).until(() -> api.metric(LEASE_LOST) > lost);
        assertThat(snapshot(jobId, zone)).as("nothing the node does after losing the lease is recorded").isEqualTo(taken);
        assertThat(taken.certificates()).as("the kill landed mid-import").isLessThan(250);
        assertThat(api.get("/api/v1/jobs/" + jobId + "?itemLimit=0").json().get("status").asText()).isEqualTo("RUNNING");

        expireLease(jobId);
        JsonNode job = awaitEnd(jobId);
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(certificatesOf(zone)).isEqualTo(250);
        assertThat(sql("SELECT count(*) FROM distribution_aliases WHERE alias LIKE ?", "%" + zone)).isEqualTo(250);
        List<String> distinct = new ArrayList<>();
        job.get("items").forEach(i -> distinct.add(i.get("distributionId").asText()));
        assertThat(distinct).doesNotHaveDuplicates().hasSize(250);
    }

    @Test
    void aLapsedLeaseIsNotRenewedTheRunStopsAndResumesUnderANewEpoch() throws Exception {
        String zone = zone();
        // A live edge node that never applies anything holds the job in its deploy wait.
        try (LaggingEdge lagging = LaggingEdge.join(node.node())) {
            String jobId = submit(items(5, zone), true);
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    sql("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'DISTRIBUTED'", jobId) == 5);
            int epoch = sql("SELECT lease_epoch FROM jobs WHERE id = ?", jobId);
            String holder = text("SELECT claimed_by FROM jobs WHERE id = ?", jobId);

            // The lease lapses (as after a long pause) though no one else took it: the next renewal
            // is refused, the run stops, and the node claims the job afresh.
            expireLease(jobId);
            await().atMost(Duration.ofSeconds(JobLeases.RENEW_MILLIS / 1000 * 3)).until(() ->
                    sql("SELECT lease_epoch FROM jobs WHERE id = ?", jobId) > epoch);
            assertThat(text("SELECT claimed_by FROM jobs WHERE id = ?", jobId)).isEqualTo(holder);

            lagging.close();
            JsonNode job = awaitEnd(jobId);
            assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
            assertThat(certificatesOf(zone)).isEqualTo(5);
            assertThat(sql("SELECT count(*) FROM distribution_aliases WHERE alias LIKE ?", "%" + zone)).isEqualTo(5);
        }
    }

    // ---- an item that cannot succeed -----------------------------------------------------------

    @Test
    void anItemWhoseKeyWillNotDecryptFailsAloneAfterThreeAttempts() throws Exception {
        String zone = zone();
        int n = ImportWorkflow.BATCH + 10;
        int bad = n - 1;
        String jobId = submit(items(n, zone), false);
        takeLease(jobId); // hold the runner off while the key is spoiled
        byte[] key = db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT encrypted_key, status FROM job_items WHERE job_id = ? AND idx = ?")) {
                ps.setString(1, jobId);
                ps.setInt(2, bad);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getString(2)).as("the runner must not have reached the item yet").isEqualTo("PENDING");
                    return rs.getBytes(1);
                }
            }
        });
        key[key.length - 1] ^= 1; // the GCM tag no longer matches
        db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET encrypted_key = ? WHERE job_id = ? AND idx = ?")) {
                ps.setBytes(1, key);
                ps.setString(2, jobId);
                ps.setInt(3, bad);
                return ps.executeUpdate();
            }
        });
        expireLease(jobId);

        JsonNode job = awaitEnd(jobId);
        assertThat(job.get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("steps").get(0).get("status").asText()).isEqualTo("FAILED");
        assertThat(job.get("steps").get(1).get("status").asText()).isEqualTo("SKIPPED");
        JsonNode item = job.get("items").get(bad);
        assertThat(item.get("status").asText()).isEqualTo("FAILED");
        assertThat(item.get("error").get("code").asText()).isEqualTo("InternalError");
        assertThat(item.get("error").get("message").asText()).contains("3 attempts").doesNotContain("PRIVATE KEY");
        assertThat(sql("SELECT attempts FROM job_items WHERE job_id = ? AND idx = " + bad, jobId)).isEqualTo(ImportWorkflow.MAX_ATTEMPTS);
        assertThat(sql("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'IMPORTED'", jobId)).isEqualTo(n - 1);
        assertThat(sql("SELECT count(*) FROM job_items WHERE job_id = ? AND encrypted_key IS NOT NULL", jobId))
                .as("no key stays behind").isZero();
        assertThat(certificatesOf(zone)).isEqualTo(n - 1);
        // The job is not picked up again: the runner looked for work since (it ran the next job), and left it.
        double runs = api.metric(RUNS);
        awaitEnd(submit(items(1, zone()), false));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.metric(RUNS) >= runs + 1);
        assertThat(api.metric(RUNS)).as("only the next job ran").isEqualTo(runs + 1);
        assertThat(sql("SELECT import_runs FROM job_items WHERE job_id = ? AND idx = " + bad, jobId)).isEqualTo(ImportWorkflow.MAX_ATTEMPTS);
    }

    // ---- two runs of one item ------------------------------------------------------------------

    @Test
    void twoRunsOfTheSameItemCreateOneCertificateAndOneDistribution() throws Exception {
        String zone = zone();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone);
        ValidatedMaterial material = node.node().certificates().check(new CertificateSubmission(h.leaf().certificatePem(),
                h.leaf().keyPem(), Optional.of(h.chainPem())));
        String certificateId = io.edgecert.store.Ids.newId();
        // Both runs are let into their insert transactions only together: both saw no row before.
        List<Boolean> stored = both(guard -> node.node().certificates().storeOnce(certificateId, Optional.of("twice"),
                material, Map.of(), guard));
        assertThat(stored).containsExactlyInAnyOrder(true, false);

        DistributionConfig base = new DistributionConfig(List.of(), List.of(new DistributionConfig.Origin("origin",
                "https://origin.example/")), "origin", Optional.empty(), MinimumProtocol.DEFAULT.apiName(), true, "", List.of());
        Settings settings = new Settings(Optional.of(List.of(zone)), Optional.empty(), Optional.empty(),
                Optional.of(Optional.of(certificateId)), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        String distributionId = io.edgecert.store.Ids.newId();
        List<String> domains = both(guard -> node.node().distributions().createForJob(distributionId, base, settings,
                List.of(zone), guard));
        assertThat(domains).containsOnly(distributionId + ".edge.test").hasSize(2);
        assertThat(sql("SELECT count(*) FROM distribution_aliases WHERE alias = ?", zone)).isEqualTo(1);

        // Another distribution owning the alias is still a real conflict.
        assertThatThrownBy(() -> node.node().distributions().createForJob(io.edgecert.store.Ids.newId(), base, settings,
                List.of(zone), WriteGuard.NONE))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.CnameAlreadyExists));
    }

    private interface Run<T> {
        T call(WriteGuard guard) throws Exception;
    }

    /** Runs the call on two threads whose guards (inside the insert transaction) meet at a barrier. */
    private static <T> List<T> both(Run<T> run) throws Exception {
        CyclicBarrier barrier = new CyclicBarrier(2);
        WriteGuard meet = c -> {
            try {
                barrier.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("the other run did not reach its insert", e);
            }
        };
        ExecutorService threads = Executors.newFixedThreadPool(2);
        try {
            Callable<T> task = () -> run.call(meet);
            List<Future<T>> futures = List.of(threads.submit(task), threads.submit(task));
            List<T> out = new ArrayList<>();
            for (Future<T> f : futures) {
                out.add(f.get(30, TimeUnit.SECONDS));
            }
            return out;
        } finally {
            threads.shutdownNow();
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private record Snapshot(int certificates, int distributions, int imported, int distributed, int failed,
                            String jobStatus, String steps) {
    }

    private Snapshot snapshot(String jobId, String zone) {
        return new Snapshot(certificatesOf(zone), sql("SELECT count(*) FROM distribution_aliases WHERE alias LIKE ?", "%" + zone),
                sql("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'IMPORTED'", jobId),
                sql("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'DISTRIBUTED'", jobId),
                sql("SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'FAILED'", jobId),
                text("SELECT status FROM jobs WHERE id = ?", jobId),
                text("SELECT listagg(status, ',') WITHIN GROUP (ORDER BY position) FROM job_steps WHERE job_id = ?", jobId));
    }

    /** Another holder takes the job's lease, as a node on a shared database would after a lapse. */
    private void takeLease(String jobId) {
        assertThat(update("UPDATE jobs SET claimed_by = 'intruder', lease_epoch = lease_epoch + 1, "
                + "lease_until = CURRENT_TIMESTAMP + INTERVAL '3600' SECOND WHERE id = ?", jobId)).isEqualTo(1);
    }

    /** The other holder is gone: its lease lapses and the node may claim the job again. */
    private void expireLease(String jobId) {
        assertThat(update("UPDATE jobs SET lease_until = CURRENT_TIMESTAMP - INTERVAL '1' SECOND WHERE id = ?", jobId)).isEqualTo(1);
    }

    private int certificatesOf(String zone) {
        return sql("SELECT count(*) FROM certificates WHERE domain_name LIKE ?", "%" + zone);
    }

    private int sql(String query, String arg) {
        return firstColumn(query, arg, rs -> rs.getInt(1));
    }

    private String text(String query, String arg) {
        return firstColumn(query, arg, rs -> rs.getString(1));
    }

    private interface Column<T> {
        T read(ResultSet rs) throws java.sql.SQLException;
    }

    /** The first row's first column of a query with one string parameter. */
    private <T> T firstColumn(String query, String arg, Column<T> column) {
        return db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement(query)) {
                ps.setString(1, arg);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return column.read(rs);
                }
            }
        });
    }

    private int update(String statement, String arg) {
        return db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                ps.setString(1, arg);
                return ps.executeUpdate();
            }
        });
    }

    private String submit(List<Map<String, Object>> items, boolean distributions) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("certificates", items);
        if (distributions) {
            body.put("origin", "https://origin.example/");
        }
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", body);
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("jobId").asText();
    }

    private JsonNode awaitEnd(String jobId) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).until(() ->
                api.get("/api/v1/jobs/" + jobId + "?itemLimit=0").json().get("status").asText()
                        .matches("SUCCEEDED|FAILED|CLEANED_UP"));
        return api.get("/api/v1/jobs/" + jobId + "?itemLimit=10000").json();
    }

    private static String zone() {
        return "f" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    private static List<Map<String, Object>> items(int n, String zone) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), "i" + i + "." + zone);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "item " + i);
            m.put("certificate", h.leaf().certificatePem());
            m.put("privateKey", h.leaf().keyPem());
            m.put("certificateChain", h.chainPem());
            items.add(m);
        }
        return items;
    }
}
