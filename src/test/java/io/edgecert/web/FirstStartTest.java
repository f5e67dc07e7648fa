package io.edgecert.web;

import io.edgecert.EdgecertConfig;
import io.edgecert.EdgecertNode;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** First start writes the admin token and master key (mode 0600); later starts reuse them. */
class FirstStartTest {

    @Test
    void secretsAreGeneratedOnceWithOwnerOnlyPermissions(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("EDGECERT_DATA_DIR", dataDir.toString(), "EDGECERT_API_PORT", "0");
        String token;
        String masterKey;
        String certId;
        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(env))) {
            Path tokenFile = dataDir.resolve("admin.token");
            Path keyFile = dataDir.resolve("master.key");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile))).isEqualTo("rw-------");
            token = Files.readString(tokenFile).strip();
            masterKey = Files.readString(keyFile).strip();
            assertThat(token).startsWith("ect_").hasSizeGreaterThan(40);

            TestApi api = new TestApi("http://127.0.0.1:" + node.apiPort(), token);
            TestPki.Issued leaf = TestPki.cert().dns("first.example.com").build();
            var r = api.post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(), "privateKey", leaf.keyPem()));
            assertThat(r.status()).as(r.body()).isEqualTo(201);
            certId = r.json().get("id").asText();
        }
        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(env))) {
            assertThat(Files.readString(dataDir.resolve("admin.token")).strip()).isEqualTo(token);
            assertThat(Files.readString(dataDir.resolve("master.key")).strip()).isEqualTo(masterKey);
            TestApi api = new TestApi("http://127.0.0.1:" + node.apiPort(), token);
            assertThat(api.get("/api/v1/certificates/" + certId).status()).isEqualTo(200);
            // the master key was read back: the stored key still decrypts
            var keys = node.servingKeys();
            assertThat(keys.unseal(keys.load(java.util.List.of(certId)).get(0)).key()).isNotNull();
        }
    }

    @Test
    void environmentValuesOverrideTheFiles(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("EDGECERT_DATA_DIR", dataDir.toString(), "EDGECERT_API_PORT", "0",
                "EDGECERT_ADMIN_TOKEN", "from-the-environment-123", "EDGECERT_MASTER_KEY",
                io.edgecert.crypto.MasterKey.generateBase64());
        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(env))) {
            assertThat(dataDir.resolve("admin.token")).doesNotExist();
            assertThat(dataDir.resolve("master.key")).doesNotExist();
            TestApi api = new TestApi("http://127.0.0.1:" + node.apiPort(), "from-the-environment-123");
            assertThat(api.get("/api/v1/certificates").status()).isEqualTo(200);
        }
    }

    @Test
    void theQuotaRefusesImportsBeyondIt(@TempDir Path dataDir) throws Exception {
        Map<String, String> env = Map.of("EDGECERT_DATA_DIR", dataDir.toString(), "EDGECERT_API_PORT", "0",
                "EDGECERT_ADMIN_TOKEN", "quota-token-0123456789", "EDGECERT_MAX_CERTIFICATES", "1");
        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(env))) {
            TestApi api = new TestApi("http://127.0.0.1:" + node.apiPort(), "quota-token-0123456789");
            TestPki.Issued a = TestPki.cert().dns("q1.example.com").build();
            TestPki.Issued b = TestPki.cert().dns("q2.example.com").build();
            assertThat(api.post("/api/v1/certificates", Map.of("certificate", a.certificatePem(), "privateKey", a.keyPem()))
                    .status()).isEqualTo(201);
            var refused = api.post("/api/v1/certificates", Map.of("certificate", b.certificatePem(), "privateKey", b.keyPem()));
            assertThat(refused.status()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isEqualTo("LimitExceeded");
        }
    }
}
