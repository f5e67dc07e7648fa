package io.edgecert.crypto;

import io.edgecert.certificates.ServingKeys;
import io.edgecert.serving.SealedMaterial;
import io.edgecert.serving.ServingMaterial;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Private keys are AES-256-GCM ciphertext at rest: a dump of every table, and on H2 the raw
 * database file, holds no trace of the key, while the node itself still decrypts it.
 */
class KeyEncryptionAtRestTest {

    @ParameterizedTest
    @EnumSource(TestNode.Store.class)
    void aDatabaseDumpShowsNoKeyInClear(TestNode.Store store) throws Exception {
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.freshRsa(2048), "vault.example.com");
        TestPki.Issued ec = TestPki.cert().dns("vault-ec.example.com").key(TestPki.freshEc("secp256r1")).build();
        try (TestNode node = TestNode.start(store)) {
            String rsaId = importIt(node, h.leaf().certificatePem(), h.leaf().keyPem(), h.chainPem());
            String ecId = importIt(node, ec.certificatePem(), TestPki.traditional(ec.privateKey()), null);

            byte[] dump = dumpEveryTable(node);
            assertThat(dump.length).isGreaterThan(1000);
            for (TestPki.Issued issued : List.of(h.leaf(), ec)) {
                assertNoTraceOf(issued.privateKey().getEncoded(), dump);
            }
            assertThat(new String(dump, StandardCharsets.UTF_8)).doesNotContain("PRIVATE KEY");

            ServingKeys keys = node.node().servingKeys();
            assertThat(unsealed(keys, rsaId).key().getEncoded())
                    .isEqualTo(h.leaf().privateKey().getEncoded());
            assertThat(unsealed(keys, ecId).key().getEncoded())
                    .isEqualTo(ec.privateKey().getEncoded());
        }
    }

    @ParameterizedTest
    @EnumSource(value = TestNode.Store.class, names = "H2")
    void theRawH2FileHoldsNoKey(TestNode.Store store) throws Exception {
        TestPki.Issued leaf = TestPki.cert().dns("raw.example.com").key(TestPki.freshEc("secp384r1")).build();
        Path dataDir;
        try (TestNode node = TestNode.start(store)) {
            importIt(node, leaf.certificatePem(), leaf.keyPem(), null);
            dataDir = node.dataDir();
        }
        Path file = dataDir.resolve("edgecert.mv.db");
        byte[] raw = Files.readAllBytes(file);
        assertThat(raw.length).isGreaterThan(1000);
        assertNoTraceOf(leaf.privateKey().getEncoded(), raw);
    }

    @ParameterizedTest
    @EnumSource(value = TestNode.Store.class, names = "H2")
    void aciphertextMovedToAnotherRowOrReadWithAnotherMasterKeyDoesNotDecrypt(TestNode.Store store) throws Exception {
        TestPki.Issued a = TestPki.cert().dns("a.example.com").key(TestPki.ec("secp256r1")).build();
        TestPki.Issued b = TestPki.cert().dns("b.example.com").key(TestPki.ec("secp256r1")).build();
        String key1 = MasterKey.generateBase64();
        Path dataDir;
        String aId;
        try (TestNode node = TestNode.start(store, Map.of("EDGECERT_MASTER_KEY", key1))) {
            aId = importIt(node, a.certificatePem(), a.keyPem(), null);
            String bId = importIt(node, b.certificatePem(), b.keyPem(), null);
            try (Connection c = node.node().database().dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement(
                         "UPDATE certificates SET encrypted_key = (SELECT encrypted_key FROM certificates WHERE id = ?) WHERE id = ?")) {
                ps.setString(1, aId);
                ps.setString(2, bId);
                assertThat(ps.executeUpdate()).isEqualTo(1);
            }
            assertThatThrownBy(() -> unsealed(node.node().servingKeys(), bId))
                    .isInstanceOf(KeyCipher.KeyDecryptionException.class);
            dataDir = node.dataDir();
        }
        Map<String, String> otherKey = Map.of("EDGECERT_MASTER_KEY", MasterKey.generateBase64(),
                "EDGECERT_DATA_DIR", dataDir.toString());
        try (TestNode node = TestNode.start(store, otherKey)) {
            assertThatThrownBy(() -> unsealed(node.node().servingKeys(), aId))
                    .isInstanceOf(KeyCipher.KeyDecryptionException.class)
                    .hasMessageNotContaining(key1);
        }
    }

    /** What the edge's key provider hands the edge for a certificate: the key decrypted. */
    static ServingMaterial unsealed(ServingKeys keys, String certificateId) {
        List<SealedMaterial> sealed = keys.load(List.of(certificateId));
        assertThat(sealed).as("sealed material of " + certificateId).hasSize(1);
        return keys.unseal(sealed.get(0));
    }

    private static String importIt(TestNode node, String cert, String key, String chain) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("certificate", cert, "privateKey", key));
        if (chain != null) {
            body.put("certificateChain", chain);
        }
        var r = node.api().post("/api/v1/certificates", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    /** Every value of every table of the edgecert schema, as text and raw bytes. */
    private static byte[] dumpEveryTable(TestNode node) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Connection c = node.node().database().dataSource().getConnection()) {
            List<String> tables = new ArrayList<>();
            DatabaseMetaData md = c.getMetaData();
            try (ResultSet rs = md.getTables(null, null, "%", new String[] {"TABLE"})) {
                while (rs.next()) {
                    String schema = rs.getString("TABLE_SCHEM");
                    if (schema == null || schema.equalsIgnoreCase("public")) {
                        tables.add(rs.getString("TABLE_NAME"));
                    }
                }
            }
            assertThat(tables).contains("certificates", "certificate_names");
            try (Statement s = c.createStatement()) {
                for (String t : tables) {
                    try (ResultSet rs = s.executeQuery("SELECT * FROM " + t)) {
                        int n = rs.getMetaData().getColumnCount();
                        while (rs.next()) {
                            for (int i = 1; i <= n; i++) {
                                Object v = rs.getObject(i);
                                if (v instanceof byte[] bytes) {
                                    out.write(bytes);
                                    out.write(HexFormat.of().formatHex(bytes).getBytes(StandardCharsets.US_ASCII));
                                } else if (v != null) {
                                    out.write(String.valueOf(v).getBytes(StandardCharsets.UTF_8));
                                }
                                out.write('\n');
                            }
                        }
                    }
                }
            }
        }
        return out.toByteArray();
    }

    /** Neither the DER, nor its base64, nor its hex, nor any 32-byte window of the DER appears. */
    private static void assertNoTraceOf(byte[] der, byte[] haystack) {
        String text = new String(haystack, StandardCharsets.ISO_8859_1);
        assertThat(text).doesNotContain(Base64.getEncoder().encodeToString(der).substring(8, 72));
        assertThat(text).doesNotContain(HexFormat.of().formatHex(der, der.length - 40, der.length));
        for (int start = 0; start + 32 <= der.length; start += 16) {
            String window = new String(der, start, 32, StandardCharsets.ISO_8859_1);
            assertThat(text.contains(window)).as("key bytes %d..%d found in clear", start, start + 32).isFalse();
        }
    }
}
