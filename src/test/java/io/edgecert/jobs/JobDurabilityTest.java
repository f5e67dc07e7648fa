package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.crypto.MasterKey;
import io.edgecert.testing.NodeProcess;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestPki;
import io.edgecert.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Jobs survive kill -9: edgecert runs as a real process, is killed with SIGKILL at several points
 * of the workflow, restarted on the same data, and every job still ends with exactly one
 * certificate and one distribution per item. On PostgreSQL two processes share the work and one
 * takes over the other's job when it dies.
 */
class JobDurabilityTest {
    private static final int ITEMS = 300;

    enum KillPoint {
        /** Right after the job was accepted. */
        QUEUED(job -> true),
        /** While certificates are being imported. */
        IMPORTING(job -> step(job, 0).get("succeeded").asInt() >= ITEMS / 5),
        /** While distributions are being created. */
        DISTRIBUTING(job -> step(job, 1).get("succeeded").asInt() >= ITEMS / 10),
        /** Every distribution created, waiting for the edge (a lagging edge node holds it there). */
        DEPLOYING(job -> step(job, 1).get("succeeded").asInt() == ITEMS),
        /** The edge deployed; the job's finishing writes are under way (held on the job row's lock). */
        FINISHING(DEPLOYING.reached),
        /** The job failed and, with rollbackOnFailure, removes what it created (error set, still RUNNING). */
        ROLLING_BACK(job -> job.hasNonNull("error") && job.get("status").asText().equals("RUNNING"));

        final Predicate<JsonNode> reached;

        KillPoint(Predicate<JsonNode> reached) {
            this.reached = reached;
        }
    }

    static JsonNode step(JsonNode job, int i) {
        return job.get("steps").get(i);
    }

    static List<Map<String, Object>> items(int n, String prefix) {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), prefix + i + ".durable.example.com");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", prefix + i);
            m.put("certificate", h.leaf().certificatePem());
            m.put("privateKey", h.leaf().keyPem());
            m.put("certificateChain", h.chainPem());
            items.add(m);
        }
        return items;
    }

    static String submit(TestApi api, List<Map<String, Object>> items) {
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "origin", "https://origin.example/"));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("jobId").asText();
    }

    /** Polls the job until the kill point is reached; returns the job as it was then. */
    static JsonNode awaitPoint(TestApi api, String jobId, KillPoint point) {
        JsonNode[] seen = new JsonNode[1];
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(20)).until(() -> {
            seen[0] = api.get("/api/v1/jobs/" + jobId + "?itemLimit=0").json();
            return point.reached.test(seen[0]) || seen[0].get("status").asText().equals("SUCCEEDED");
        });
        return seen[0];
    }

    static JsonNode awaitStatus(TestApi api, String jobId, String status) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
            TestApi.Response r = api.get("/api/v1/jobs/" + jobId + "?itemLimit=0");
            return r.status() == 200 && r.json().get("status").asText().matches("SUCCEEDED|FAILED|CLEANED_UP");
        });
        JsonNode job = api.get("/api/v1/jobs/" + jobId + "?itemLimit=10000").json();
        assertThat(job.get("status").asText()).as(job.toString().substring(0, Math.min(2000, job.toString().length())))
                .isEqualTo(status);
        return job;
    }

    static JsonNode awaitSucceeded(TestApi api, String jobId) {
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(200)).until(() -> {
            TestApi.Response r = api.get("/api/v1/jobs/" + jobId + "?itemLimit=0");
            return r.status() == 200 && r.json().get("status").asText().matches("SUCCEEDED|FAILED");
        });
        JsonNode job = api.get("/api/v1/jobs/" + jobId + "?itemLimit=10000").json();
        assertThat(job.get("status").asText()).as(job.get("error") == null ? "" : job.get("error").asText()).isEqualTo("SUCCEEDED");
        return job;
    }

    /** Exactly one certificate and one distribution per item, and nothing else. */
    static void assertExactlyOnce(TestApi api, List<JsonNode> jobs, int expected) {
        Set<String> certificates = new HashSet<>();
        Set<String> distributions = new HashSet<>();
        for (JsonNode job : jobs) {
            job.get("items").forEach(i -> {
                certificates.add(i.get("certificateId").asText());
                distributions.add(i.get("distributionId").asText());
            });
        }
        assertThat(certificates).hasSize(expected);
        assertThat(distributions).hasSize(expected);
        assertThat(all(api, "/api/v1/certificates")).containsExactlyInAnyOrderElementsOf(certificates);
        assertThat(all(api, "/api/v1/distributions")).containsExactlyInAnyOrderElementsOf(distributions);
    }

    static List<String> all(TestApi api, String path) {
        List<String> ids = new ArrayList<>();
        String cursor = null;
        do {
            JsonNode page = api.get(path + "?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(i -> ids.add(i.get("id").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
        } while (cursor != null);
        return ids;
    }

    @ParameterizedTest
    @EnumSource(value = KillPoint.class, names = {"QUEUED", "IMPORTING", "DISTRIBUTING"})
    void aKilledNodeResumesItsJobOnRestart(KillPoint point) {
        try (NodeProcess node = NodeProcess.create("durable-" + point, Map.of()).start()) {
            String jobId = submit(node.api(), items(ITEMS, "k"));
            JsonNode atKill = awaitPoint(node.api(), jobId, point);
            node.kill();
            assertThat(atKill.get("status").asText()).as("the kill must land before the job ends").isNotEqualTo("SUCCEEDED");

            node.start();
            JsonNode job = awaitSucceeded(node.api(), jobId);
            assertExactlyOnce(node.api(), List.of(job), ITEMS);
        }
    }

    @Test
    void twoNodesOnPostgresShareJobsAndTakeOverFromADeadOne() throws Exception {
        TestPostgres.Db db = TestPostgres.createDatabase();
        Map<String, String> shared = Map.of("EDGECERT_DB_URL", db.url(), "EDGECERT_DB_USER", "postgres",
                "EDGECERT_MASTER_KEY", MasterKey.generateBase64());
        try (NodeProcess a = NodeProcess.create("pg-a", shared).start();
             NodeProcess b = NodeProcess.create("pg-b", shared).start()) {
            List<String> jobIds = new ArrayList<>();
            for (int j = 0; j < 4; j++) {
                jobIds.add(submit(j % 2 == 0 ? a.api() : b.api(), items(50, "s" + j + "-" + UUID.randomUUID().toString().substring(0, 4))));
            }
            List<JsonNode> finished = new ArrayList<>();
            for (String id : jobIds) {
                finished.add(awaitSucceeded(b.api(), id));
            }
            // Submitted only now, so that it is still importing when watched (it takes ~2 s).
            String big = submit(a.api(), items(3 * ITEMS, "t"));

            // Kill the node running the big job mid-import; the survivor takes over once the lease lapses.
            JsonNode atKill = awaitPoint(b.api(), big, KillPoint.IMPORTING);
            assertThat(atKill.get("status").asText()).as("the kill must land while the job runs").isEqualTo("RUNNING");
            NodeProcess runner = atKill.get("runningOn").asText().equals(a.nodeId()) ? a : b;
            NodeProcess survivor = runner == a ? b : a;
            runner.kill();
            assertThat(atKill.get("status").asText()).isEqualTo("RUNNING");
            JsonNode takenOver = awaitSucceeded(survivor.api(), big);
            finished.add(takenOver);
            assertExactlyOnce(survivor.api(), finished, 4 * 50 + 3 * ITEMS);

            // Ids planned at submit make duplicates impossible, so look at how often work started:
            // a job no node lost ran each item once per step; the big one repeated at most the
            // batch in flight when its node died.
            try (Connection sql = connect(db)) {
                for (String id : jobIds) {
                    assertThat(runs(sql, id)).as("job " + id).isEqualTo(new Runs(1, 1, 1, 1, 0));
                }
                Runs bigRuns = runs(sql, big);
                assertThat(bigRuns.maxImport()).isBetween(1, 2);
                assertThat(bigRuns.repeatedImports()).isLessThanOrEqualTo(ImportWorkflow.BATCH);
                assertThat(List.of(bigRuns.minDistribute(), bigRuns.maxDistribute())).containsOnly(1);
            }
        } finally {
            db.drop();
        }
    }

    @ParameterizedTest
    @EnumSource(value = KillPoint.class, names = {"DEPLOYING", "FINISHING"})
    void aNodeKilledWaitingForTheEdgeOrFinishingResumesOnRestart(KillPoint point) throws Exception {
        TestPostgres.Db db = TestPostgres.createDatabase();
        try (NodeProcess node = NodeProcess.create("pg-" + point, postgres(db)).start();
             Connection sql = connect(db)) {
            execute(sql, "INSERT INTO edge_nodes (node_id, host, applied_seq, started_at, heartbeat_at) VALUES "
                    + "('lagging', 'test', 0, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP + INTERVAL '1 hour')");
            String jobId = submit(node.api(), items(ITEMS, "w"));
            JsonNode atKill = awaitPoint(node.api(), jobId, KillPoint.DEPLOYING);
            assertThat(atKill.get("status").asText()).as("the edge holds the job back").isEqualTo("RUNNING");
            if (point == KillPoint.FINISHING) {
                sql.setAutoCommit(false);
                lockJob(sql, jobId);
                try (Connection other = connect(db)) {
                    execute(other, "DELETE FROM edge_nodes WHERE node_id = 'lagging'");
                }
                awaitBlockedOnLock(sql, db);
            } else {
                // in its deploy wait (not just passing through it) when the node is killed
                await().atMost(Duration.ofSeconds(30)).until(() -> node.api().metric("edgecert_jobs_awaiting_deploy") >= 1);
                assertThat(step(node.api().get("/api/v1/jobs/" + jobId + "?itemLimit=0").json(), 1).get("status").asText())
                        .isEqualTo("RUNNING");
            }
            node.kill();
            if (point == KillPoint.FINISHING) {
                sql.rollback();
                sql.setAutoCommit(true);
            } else {
                execute(sql, "DELETE FROM edge_nodes WHERE node_id = 'lagging'");
            }

            node.start();
            JsonNode job = awaitSucceeded(node.api(), jobId);
            assertExactlyOnce(node.api(), List.of(job), ITEMS);
            assertThat(count(sql, "SELECT count(*) FROM events WHERE type = 'JobSucceeded' AND subject_id = ?", jobId))
                    .isEqualTo(1);
        } finally {
            db.drop();
        }
    }

    @Test
    void aNodeKilledWhileRollingBackCompletesTheRollbackOnRestart() throws Exception {
        TestPostgres.Db db = TestPostgres.createDatabase();
        try (NodeProcess node = NodeProcess.create("pg-rollback", postgres(db)).start();
             Connection sql = connect(db)) {
            TestApi.Response r = node.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", items(ITEMS, "r"),
                    "origin", "https://origin.example/", "rollbackOnFailure", true));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String jobId = r.json().get("jobId").asText();
            // Make the last item fail for sure: its stored key no longer decrypts. The job row's lock
            // holds the runner's first fenced write, and the last item is only read in the second
            // batch, so the runner cannot have read it before the change.
            sql.setAutoCommit(false);
            lockJob(sql, jobId);
            corruptKey(sql, jobId, ITEMS - 1);
            sql.commit();
            sql.setAutoCommit(true);
            JsonNode atKill = awaitPoint(node.api(), jobId, KillPoint.ROLLING_BACK);
            assertThat(atKill.get("status").asText()).isEqualTo("RUNNING");

            // Hold the rollback on the job row's lock (each item's CLEANED_UP mark is fenced), then kill.
            sql.setAutoCommit(false);
            lockJob(sql, jobId);
            awaitBlockedOnLock(sql, db);
            int cleaned = count(sql, "SELECT count(*) FROM job_items WHERE job_id = ? AND status = 'CLEANED_UP'", jobId);
            node.kill();
            sql.rollback();
            sql.setAutoCommit(true);
            assertThat(cleaned).as("the kill lands during the rollback").isLessThan(ITEMS);
            assertThat(count(sql, "SELECT count(*) FROM certificates", null)).as("certificates left at the kill").isPositive();

            node.start();
            JsonNode job = awaitStatus(node.api(), jobId, "CLEANED_UP");
            assertThat(job.get("error").asText()).contains("certificate import failed");
            assertThat(job.get("items").get(ITEMS - 1).get("error").get("code").asText()).isEqualTo("InternalError");
            job.get("items").forEach(i -> assertThat(i.get("status").asText()).isEqualTo("CLEANED_UP"));
            assertThat(all(node.api(), "/api/v1/certificates")).isEmpty();
            assertThat(all(node.api(), "/api/v1/distributions")).isEmpty();
            assertThat(count(sql, "SELECT count(*) FROM events WHERE type = 'JobFailed' AND subject_id = ?", jobId))
                    .as("JobFailed is raised once, not again by the resumed rollback").isEqualTo(1);
        } finally {
            db.drop();
        }
    }

    // ---- database access for the PostgreSQL tests -----------------------------------------------

    static Map<String, String> postgres(TestPostgres.Db db) {
        return Map.of("EDGECERT_DB_URL", db.url(), "EDGECERT_DB_USER", "postgres");
    }

    static Connection connect(TestPostgres.Db db) throws SQLException {
        return DriverManager.getConnection(db.url(), "postgres", "");
    }

    static void execute(Connection c, String statement) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(statement);
        }
    }

    static int count(Connection c, String query, String arg) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /** Takes the job row's lock in c's open transaction: the node's fenced writes wait behind it. */
    /** Flips a bit of the item's encrypted key: its GCM tag no longer matches, so it cannot be decrypted. */
    static void corruptKey(Connection c, String jobId, int index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE job_items SET encrypted_key = overlay(encrypted_key placing "
                        + "set_byte(substring(encrypted_key from length(encrypted_key) for 1), 0, "
                        + "get_byte(encrypted_key, length(encrypted_key) - 1) # 1) "
                        + "from length(encrypted_key) for 1) WHERE job_id = ? AND idx = ? AND status = 'PENDING'")) {
            ps.setString(1, jobId);
            ps.setInt(2, index);
            assertThat(ps.executeUpdate()).as("the item is still PENDING when its key is corrupted").isEqualTo(1);
        }
    }

    static void lockJob(Connection c, String jobId) throws SQLException {
        assertThat(count(c, "SELECT count(*) FROM (SELECT id FROM jobs WHERE id = ? FOR UPDATE) j", jobId)).isEqualTo(1);
    }

    /** Waits until a session of the node waits for a lock, i.e. it is stuck in a write behind ours. */
    static void awaitBlockedOnLock(Connection c, TestPostgres.Db db) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() ->
                count(c, "SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND wait_event_type = 'Lock'", db.name()) > 0);
    }

    record Runs(int minImport, int maxImport, int minDistribute, int maxDistribute, int repeatedImports) {
    }

    static Runs runs(Connection c, String jobId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT min(import_runs), max(import_runs), min(distribute_runs), "
                + "max(distribute_runs), count(*) FILTER (WHERE import_runs > 1) FROM job_items WHERE job_id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Runs(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getInt(5));
            }
        }
    }
}
