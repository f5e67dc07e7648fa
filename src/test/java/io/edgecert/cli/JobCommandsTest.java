package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** start-import-job and the job commands against a real node (H2), from real directories of real certificates. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JobCommandsTest {
    TestNode node;
    Cli cli;
    @TempDir
    Path tmp;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2);
        cli = Cli.against(node);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    static String zone() {
        return "j" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    static TestPki.Hierarchy hierarchy() {
        return TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
    }

    /** NAME.crt (or .pem) + NAME.key + NAME.chain.pem. */
    static void pair(Path dir, String certificateFile, TestPki.Hierarchy h) throws IOException {
        String name = certificateFile.substring(0, certificateFile.lastIndexOf('.'));
        Files.writeString(dir.resolve(certificateFile), h.leaf().certificatePem());
        Files.writeString(dir.resolve(name + ".key"), h.leaf().keyPem());
        Files.writeString(dir.resolve(name + ".chain.pem"), h.chainPem());
    }

    /** One file: the leaf, its key, then the chain. */
    static void bundle(Path dir, String file, TestPki.Hierarchy h) throws IOException {
        Files.writeString(dir.resolve(file), h.leaf().certificatePem() + h.leaf().keyPem() + h.chainPem());
    }

    static JsonNode ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.json();
    }

    @Test
    void aDirectoryOfPairsAndABundleBecomesOneJobThatWaitJobSeesSucceed() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("customers"));
        pair(dir, "alpha.crt", hierarchy());
        pair(dir, "bravo.pem", hierarchy());
        pair(dir, "charlie.crt", hierarchy());
        bundle(dir, "delta.pem", hierarchy());
        Files.writeString(dir.resolve("README.txt"), "certificates of our customers");

        Cli.Result started = cli.run("start-import-job", "--certificates-dir", dir.toString(),
                "--origin", "https://origin.example/", "--tags", "Key=batch,Value=cli");
        JsonNode accepted = ok(started);
        assertThat(started.err()).contains("ignored", "README.txt");
        String jobId = accepted.get("jobId").asText();

        Cli.Result waited = cli.run("wait-job", "--job-id", jobId);
        JsonNode job = ok(waited);
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("items")).hasSize(4);
        assertThat(job.get("items")).extracting(i -> i.get("name").asText() + " " + i.get("status").asText())
                .containsExactly("alpha SUCCEEDED", "bravo SUCCEEDED", "charlie SUCCEEDED", "delta SUCCEEDED");
        assertThat(job.get("items")).allMatch(i -> i.get("distributionDomainName").asText().endsWith(".edge.test"));
        // not a terminal: plain lines, the last one the finished job
        assertThat(waited.err()).doesNotContain("\r");
        assertThat(waited.err().lines().reduce((a, b) -> b).orElseThrow()).startsWith("job " + jobId + " SUCCEEDED 100%");

        String certificateId = job.get("items").get(3).get("certificateId").asText();
        JsonNode delta = ok(cli.run("describe-certificate", "--certificate-id", certificateId));
        assertThat(delta.get("certificateChain").asText()).contains("BEGIN CERTIFICATE");
        assertThat(delta.get("tags").get(0).get("value").asText()).isEqualTo("cli");

        Cli.Result table = cli.run("describe-job", "--job-id", jobId, "--output", "table");
        assertThat(table.exit()).isZero();
        assertThat(table.out()).contains("SUCCEEDED 4/4", "DISTRIBUTION DOMAIN", "alpha", "delta");
        assertThat(ok(cli.run("list-jobs", "--status", "SUCCEEDED")).get("items"))
                .extracting(j -> j.get("id").asText()).contains(jobId);

        Cli.Result onTerminal = cli.onTerminal().run("wait-job", "--job-id", jobId);
        assertThat(onTerminal.exit()).isZero();
        assertThat(onTerminal.err()).startsWith("\r[").contains("##########", "100% SUCCEEDED");
    }

    @Test
    void startWithWaitWithoutDistributions() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("bare"));
        pair(dir, "one.crt", hierarchy());
        Cli.Result r = cli.run("start-import-job", "--certificates-dir", dir.toString(), "--no-distributions", "--wait");
        JsonNode job = ok(r);
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("steps").get(1).get("status").asText()).isEqualTo("SKIPPED");
        assertThat(job.get("items").get(0).has("distributionId")).isFalse();
        assertThat(cli.run("start-import-job", "--certificates-dir", dir.toString(), "--no-distributions",
                "--origin", "https://o.example/").exit()).isEqualTo(2);
    }

    @Test
    void anUnpairedKeyRefusesTheDirectoryBeforeAnythingIsSent() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("unpaired"));
        pair(dir, "good.crt", hierarchy());
        Files.writeString(dir.resolve("orphan.key"), hierarchy().leaf().keyPem());
        int jobsBefore = node.api().get("/api/v1/jobs?limit=1000").json().get("items").size();

        Cli.Result r = cli.run("start-import-job", "--certificates-dir", dir.toString(), "--origin", "https://o.example/");
        assertThat(r.exit()).as(r.toString()).isEqualTo(2);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).contains("nothing was sent", "orphan: orphan.key — no certificate file found for it (expected e.g. orphan.crt)");
        assertThat(node.api().get("/api/v1/jobs?limit=1000").json().get("items")).hasSize(jobsBefore);
        // not even a connection: the same refusal with no server at all
        assertThat(cli.with("EDGECERT_URL", "http://127.0.0.1:1").run("start-import-job", "--certificates-dir",
                dir.toString()).exit()).isEqualTo(2);
    }

    @Test
    void itemErrorsOfARefusedJobNameTheirFiles() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mismatch"));
        pair(dir, "fine.crt", hierarchy());
        pair(dir, "wrong.crt", hierarchy());
        Files.writeString(dir.resolve("wrong.key"), TestPki.pkcs8(TestPki.freshEc("secp256r1").getPrivate()));
        Cli.Result r = cli.run("start-import-job", "--certificates-dir", dir.toString());
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.err()).contains("certificates[1].privateKey: KeyMismatch", "[wrong.crt, wrong.key, wrong.chain.pem]");
    }

    @Test
    void aJobBeyondTheQuotaIsRefusedWhenStarted() throws IOException {
        // The quota is checked up front: no job is stored that could only fail.
        try (TestNode full = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_MAX_CERTIFICATES", "1"))) {
            TestPki.Hierarchy first = hierarchy();
            TestApi.Response filled = full.api().post("/api/v1/certificates", Map.of("certificate", first.leaf().certificatePem(),
                    "privateKey", first.leaf().keyPem(), "certificateChain", first.chainPem()));
            assertThat(filled.status()).as(filled.body()).isEqualTo(201);
            Path dir = Files.createDirectory(tmp.resolve("over-quota"));
            pair(dir, "late.crt", hierarchy());
            Cli.Result refused = Cli.against(full).run("start-import-job", "--certificates-dir", dir.toString(), "--no-distributions");
            assertThat(refused.exit()).as(refused.toString()).isEqualTo(1);
            assertThat(refused.err()).contains("LimitExceeded", "EDGECERT_MAX_CERTIFICATES");
            assertThat(full.api().get("/api/v1/jobs").json().get("items")).isEmpty();
        }
    }

    @Test
    void aFailedJobAndACleanedUpJobMakeWaitJobExitNonZero() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("alias-taken"));
        String zone = zone();
        TestPki.Hierarchy late = TestPki.hierarchy(TestPki.ec("secp256r1"), zone);
        pair(dir, "late.crt", late);
        String jobId;
        // Its alias is taken after the job is accepted and before it runs: creating its distribution fails.
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            jobId = ok(cli.run("start-import-job", "--certificates-dir", dir.toString(), "--origin", "https://origin.example/"))
                    .get("jobId").asText();
            held.assertPending(jobId);
            String cert = node.api().post("/api/v1/certificates", Map.of("certificate", late.leaf().certificatePem(),
                    "privateKey", late.leaf().keyPem(), "certificateChain", late.chainPem())).json().get("id").asText();
            TestApi.Response taken = node.api().post("/api/v1/distributions", Map.of("aliases", java.util.List.of(zone),
                    "certificateId", cert, "origins", java.util.List.of(Map.of("id", "o", "url", "https://o.example/"))));
            assertThat(taken.status()).as(taken.body()).isEqualTo(201);
        }

        Cli.Result failed = cli.run("wait-job", "--job-id", jobId);
        assertThat(failed.exit()).as(failed.toString()).isEqualTo(4);
        assertThat(failed.json().get("status").asText()).isEqualTo("FAILED");
        assertThat(failed.err()).contains("job " + jobId + " ended FAILED", "item 0 (late): CREATE_DISTRIBUTIONS CnameAlreadyExists");

        JsonNode cleaned = ok(cli.run("cleanup-job", "--job-id", jobId));
        assertThat(cleaned.get("status").asText()).isEqualTo("CLEANED_UP");
        Cli.Result afterCleanup = cli.run("wait-job", "--job-id", jobId);
        assertThat(afterCleanup.exit()).isEqualTo(4);
        assertThat(afterCleanup.err()).contains("ended CLEANED_UP");
    }

    @Test
    void waitingForAJobThatDoesNotExistIsARefusal() {
        Cli.Result r = cli.run("wait-job", "--job-id", "0190a0b0-0000-7000-8000-000000000000");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("NotFound");
    }
}
