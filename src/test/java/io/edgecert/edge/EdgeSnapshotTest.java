package io.edgecert.edge;

import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A node keeps what its edge serves in a snapshot in its data dir and starts from it: as it is
 * when the database has not changed since, caught up with the database when it has (a change
 * while the node was down, or a crash before the last snapshot write). A damaged file is read past.
 */
class EdgeSnapshotTest {
    private record Deployed(String certificateId, String distributionId, String fingerprint, TestPki.Hierarchy pki) {
    }

    @Test
    void aRestartedNodeServesFromItsSnapshotWithKeysStillSealed() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            assertThat(node.node().edgeRestoredFromSnapshot()).as("a new node has no snapshot").isFalse();
            Deployed rsa = deploy(node.api(), TestPki.rsa(2048), "rsa.snap.example");
            Deployed ec = deploy(node.api(), TestPki.ec("secp256r1"), "ec.snap.example");
            Deployed disabled = deploy(node.api(), TestPki.ec("secp384r1"), "off.snap.example");
            disable(node.api(), disabled, "off.snap.example");

            node.restart();

            assertThat(node.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(node, "rsa.snap.example")).isEqualTo(rsa.fingerprint());
            assertThat(served(node, "ec.snap.example")).isEqualTo(ec.fingerprint());
            assertThat(served(node, "off.snap.example")).isNotEqualTo(disabled.fingerprint());

            Path file = EdgeSnapshot.file(node.dataDir());
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            byte[] bytes = Files.readAllBytes(file);
            String hex = HexFormat.of().formatHex(bytes);
            for (Deployed d : List.of(rsa, ec, disabled)) {
                byte[] pkcs8 = d.pki().leaf().keyPair().getPrivate().getEncoded();
                assertThat(hex).as("no private key in clear").doesNotContain(HexFormat.of().formatHex(pkcs8));
            }
            assertThat(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE KEY");

            // a change after a restored start is served and reaches the next snapshot
            Deployed later = deploy(node.api(), TestPki.ec("secp256r1"), "later.snap.example");
            node.restart();
            assertThat(node.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(node, "later.snap.example"))
                    .isEqualTo(later.fingerprint());
        }
    }

    /** As after a crash that came before the snapshot's write: the file is older than the database. */
    @Test
    void anOutOfDateSnapshotIsCaughtUpWithTheDatabase() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            Deployed kept = deploy(node.api(), TestPki.rsa(2048), "kept.stale.example");
            Deployed gone = deploy(node.api(), TestPki.ec("secp256r1"), "gone.stale.example");
            node.restart();
            assertThat(node.node().edgeRestoredFromSnapshot()).isTrue();
            Path file = EdgeSnapshot.file(node.dataDir());
            Path old = Files.copy(file, node.dataDir().resolve("old-snapshot"));

            assertThat(node.api().delete("/api/v1/distributions/" + gone.distributionId()).status()).isEqualTo(204);
            TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.freshRsa(2048), "kept.stale.example");
            String renewedFp = reimport(node.api(), kept.certificateId(), renewed);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20)).until(() ->
                    served(node, "kept.stale.example").equals(renewedFp));

            node.stop();
            Files.move(old, file, StandardCopyOption.REPLACE_EXISTING);
            node.restart();

            assertThat(node.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(node, "kept.stale.example")).isEqualTo(renewedFp);
            assertThat(served(node, "gone.stale.example")).isNotEqualTo(gone.fingerprint());
        }
    }

    @Test
    void aDamagedSnapshotIsReadPast() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            Deployed d = deploy(node.api(), TestPki.ec("secp256r1"), "damaged.snap.example");
            node.restart();
            Path file = EdgeSnapshot.file(node.dataDir());
            byte[] bytes = Files.readAllBytes(file);
            byte[] flipped = bytes.clone();
            flipped[bytes.length / 2] ^= 0x5a; // one flipped byte: the checksum no longer matches
            for (byte[] damaged : List.of(flipped, java.util.Arrays.copyOf(bytes, bytes.length / 3))) {
                node.stop();
                Files.write(file, damaged);
                node.restart();
                assertThat(node.node().edgeRestoredFromSnapshot()).isFalse();
                assertThat(served(node, "damaged.snap.example")).isEqualTo(d.fingerprint());
            }
        }
    }

    /** Two nodes on PostgreSQL: what changed through one while the other was down is what the other serves. */
    @Test
    void aNodeDownWhileAnotherChangedThingsCatchesUp() throws Exception {
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL); TestNode b = a.startAnotherNode()) {
            Deployed kept = deploy(a.api(), TestPki.rsa(2048), "kept.pg-snap.example");
            Deployed gone = deploy(a.api(), TestPki.ec("secp256r1"), "gone.pg-snap.example");
            b.restart();
            assertThat(b.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(b, "gone.pg-snap.example"))
                    .isEqualTo(gone.fingerprint());

            // created, reimported (restamped): read since the snapshot's newest change
            b.stop();
            Deployed added = deploy(a.api(), TestPki.ec("secp256r1"), "added.pg-snap.example");
            String renewedFp = reimport(a.api(), kept.certificateId(),
                    TestPki.hierarchy(TestPki.freshRsa(2048), "kept.pg-snap.example"));
            b.restart();
            assertThat(b.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(b, "kept.pg-snap.example")).isEqualTo(renewedFp);
            assertThat(served(b, "added.pg-snap.example")).isEqualTo(added.fingerprint());
            assertThat(served(b, "gone.pg-snap.example")).isEqualTo(gone.fingerprint());

            // deleted: the snapshot's count no longer adds up, everything is read again
            b.stop();
            assertThat(a.api().delete("/api/v1/distributions/" + gone.distributionId()).status()).isEqualTo(204);
            b.restart();
            assertThat(b.node().edgeRestoredFromSnapshot()).isTrue();
            assertThat(served(b, "gone.pg-snap.example")).isNotEqualTo(gone.fingerprint());
            assertThat(served(b, "kept.pg-snap.example")).isEqualTo(renewedFp);
            assertThat(served(b, "added.pg-snap.example")).isEqualTo(added.fingerprint());
        }
    }

    private static String served(TestNode node, String name) throws java.io.IOException {
        return EdgeProbe.handshake(node.node().edge().httpsPort(), name).fingerprint();
    }

    private static Deployed deploy(TestApi api, java.security.KeyPair key, String alias) {
        TestPki.Hierarchy h = TestPki.hierarchy(key, alias);
        TestApi.Response c = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
        assertThat(c.status()).as(c.body()).isEqualTo(201);
        String certificateId = c.json().get("id").asText();
        TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of(alias),
                "certificateId", certificateId, "origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9"))));
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        String id = d.json().get("id").asText();
        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/distributions/" + id).json()
                .get("status").asText().equals("Deployed"));
        return new Deployed(certificateId, id, c.json().get("fingerprintSha256").asText(), h);
    }

    private static void disable(TestApi api, Deployed d, String alias) {
        String distributionId = d.distributionId();
        TestApi.Response current = api.get("/api/v1/distributions/" + distributionId);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("aliases", List.of(alias));
        config.put("certificateId", d.certificateId());
        config.put("origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:9")));
        config.put("enabled", false);
        TestApi.Response r = api.put("/api/v1/distributions/" + distributionId, config,
                current.json().get("version").asText());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> api.get("/api/v1/distributions/" + distributionId).json()
                .get("status").asText().equals("Deployed"));
    }

    private static String reimport(TestApi api, String certificateId, TestPki.Hierarchy renewed) {
        TestApi.Response r = api.put("/api/v1/certificates/" + certificateId, Map.of(
                "certificate", renewed.leaf().certificatePem(), "privateKey", renewed.leaf().keyPem(),
                "certificateChain", renewed.chainPem()));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json().get("fingerprintSha256").asText();
    }
}
