package io.edgecert.edge;

import io.edgecert.crypto.MasterKey;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.NodeProcess;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestPki;
import io.edgecert.testing.TestPostgres;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two real edgecert processes on one PostgreSQL database: what one is told, the other serves
 * within a second, and a distribution is Deployed only once both have loaded it.
 */
class EdgeTwoProcessesTest {
    /** Nodes signal each other's changes at once; a shared CI machine can stall far longer than that. */
    private static final Duration SERVE_CEILING = Duration.ofSeconds(15);
    private static final Duration POLL = Duration.ofMillis(20);

    @Test
    void aDistributionMadeOnNodeAIsServedByNodeBAndDeployedOnlyOnceBothLoadedIt() throws Exception {
        TestPostgres.Db db = TestPostgres.createDatabase();
        Map<String, String> shared = Map.of("EDGECERT_DB_URL", db.url(), "EDGECERT_DB_USER", "postgres",
                "EDGECERT_MASTER_KEY", MasterKey.generateBase64(), "EDGECERT_EDGE_DOMAIN", "edge.test");
        int httpsA = freePort();
        int httpsB = freePort();
        try (NodeProcess a = NodeProcess.create("edge-a", with(shared, httpsA)).start();
             NodeProcess b = NodeProcess.create("edge-b", with(shared, httpsB)).start()) {
            TestApi api = a.api();
            awaitLiveEdgeNodes(db, 2);
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "two.example", "frozen.example");
            TestApi.Response c = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                    "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
            assertThat(c.status()).as(c.body()).isEqualTo(201);
            String certificateId = c.json().get("id").asText();
            String fp = c.json().get("fingerprintSha256").asText();

            // Created through A, served by B (another process) within a second.
            long t0 = System.nanoTime();
            String first = create(api, certificateId, "two.example");
            // a ceiling against hanging, not the speed target: bench/edge measures that on a quiet machine
            await("node B serves it").atMost(SERVE_CEILING).pollInterval(POLL)
                    .until(() -> servedBy(httpsB, "two.example").equals(fp));
            System.out.println("node B served a distribution made on node A after " + millisSince(t0) + " ms");
            awaitDeployed(api, first);

            // B frozen (still counted live: its last heartbeat is fresh): A serves the new
            // distribution at once, but it is not Deployed until B has loaded it too.
            b.pause();
            try {
                String second = create(api, certificateId, "frozen.example");
                await("node A serves it").atMost(SERVE_CEILING).pollInterval(POLL)
                        .until(() -> servedBy(httpsA, "frozen.example").equals(fp));
                // A has reported it (the event a status waits for): only frozen B holds it back now
                await("node A reports it").atMost(SERVE_CEILING).pollInterval(POLL)
                        .until(() -> appliedBy(db, a.nodeId()) >= changeOf(db, second));
                assertThat(appliedBy(db, b.nodeId())).as("frozen B").isLessThan(changeOf(db, second));
                assertThat(status(api, second)).as("Deployed while node B has not loaded it").isEqualTo("InProgress");
                b.resume();
                long resumedAt = System.nanoTime();
                awaitDeployed(api, second);
                // Deployed: B serves it now, no waiting
                assertThat(servedBy(httpsB, "frozen.example")).isEqualTo(fp);
                System.out.println("Deployed " + millisSince(resumedAt) + " ms after node B resumed");
            } finally {
                b.resume();
            }
        } finally {
            db.drop();
        }
    }

    private static Map<String, String> with(Map<String, String> shared, int httpsPort) {
        Map<String, String> env = new HashMap<>(shared);
        env.put("EDGECERT_EDGE_HTTPS_PORT", String.valueOf(httpsPort));
        return env;
    }

    private static String create(TestApi api, String certificateId, String alias) {
        TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of(alias), "certificateId", certificateId,
                "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        return d.json().get("id").asText();
    }

    private static String status(TestApi api, String id) {
        return api.get("/api/v1/distributions/" + id).json().get("status").asText();
    }

    private static void awaitDeployed(TestApi api, String id) {
        await("Deployed").atMost(SERVE_CEILING).pollInterval(POLL).until(() -> status(api, id).equals("Deployed"));
    }

    private static String servedBy(int port, String sni) throws IOException {
        return EdgeProbe.handshake(port, sni).fingerprint();
    }

    /** Both processes report into edge_nodes: else "every live node" could mean only A. Read, never written here. */
    private static void awaitLiveEdgeNodes(TestPostgres.Db db, int n) {
        await(n + " edge nodes registered").atMost(Duration.ofSeconds(10)).pollInterval(POLL)
                .until(() -> query(db, "SELECT count(*) FROM edge_nodes", null) == n);
    }

    /** The newest change the node has reported as served. */
    private static long appliedBy(TestPostgres.Db db, String nodeId) throws SQLException {
        return query(db, "SELECT applied_seq FROM edge_nodes WHERE node_id = ?", nodeId);
    }

    /** The change number of the distribution's current version. */
    private static long changeOf(TestPostgres.Db db, String distributionId) throws SQLException {
        return query(db, "SELECT change_seq FROM distributions WHERE id = ?", distributionId);
    }

    private static long query(TestPostgres.Db db, String sql, String arg) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.url(), "postgres", "");
             PreparedStatement ps = c.prepareStatement(sql)) {
            if (arg != null) {
                ps.setString(1, arg);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
