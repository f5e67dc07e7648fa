package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import io.edgecert.crypto.AdminToken;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The certificate commands against a real node (H2), with real files and real certificates. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CertificateCommandsTest {
    TestNode node;
    Cli cli;
    @TempDir
    Path dir;

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
        return "c" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    /** Writes NAME.crt, NAME.key and NAME.chain.pem for the hierarchy; returns the three paths. */
    List<Path> files(String name, TestPki.Hierarchy h) throws IOException {
        return List.of(Files.writeString(dir.resolve(name + ".crt"), h.leaf().certificatePem()),
                Files.writeString(dir.resolve(name + ".key"), h.leaf().keyPem()),
                Files.writeString(dir.resolve(name + ".chain.pem"), h.chainPem()));
    }

    Cli.Result importFiles(List<Path> files, String... more) {
        String[] base = {"import-certificate", "--certificate", "file://" + files.get(0), "--private-key", files.get(1).toString(),
                "--certificate-chain", "fileb://" + files.get(2)};
        String[] args = new String[base.length + more.length];
        System.arraycopy(base, 0, args, 0, base.length);
        System.arraycopy(more, 0, args, base.length, more.length);
        return cli.run(args);
    }

    @Test
    void importDescribeListReimportAndDelete() throws IOException {
        String z = zone();
        Cli.Result imported = importFiles(files("shop", TestPki.hierarchy(TestPki.ec("secp256r1"), z, "*." + z)),
                "--name", "shop", "--tags", "Key=team,Value=blue", "env=prod");
        assertThat(imported.exit()).as(imported.toString()).isZero();
        JsonNode certificate = imported.json();
        String id = certificate.get("id").asText();
        assertThat(certificate.get("name").asText()).isEqualTo("shop");
        assertThat(certificate.get("domainName").asText()).isEqualTo(z);
        assertThat(certificate.get("tags")).extracting(t -> t.get("key").asText() + "=" + t.get("value").asText())
                .containsExactly("team=blue", "env=prod");
        assertThat(imported.out()).doesNotContain("PRIVATE KEY");

        Cli.Result described = cli.run("describe-certificate", "--certificate-id", id);
        assertThat(described.exit()).as(described.toString()).isZero();
        assertThat(described.json().get("fingerprintSha256").asText()).isEqualTo(certificate.get("fingerprintSha256").asText());

        Cli.Result listed = cli.run("list-certificates", "--domain", "www." + z);
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(listed.json().get("items")).extracting(c -> c.get("id").asText()).containsExactly(id);

        Cli.Result byTag = cli.run("list-certificates", "--domain", z, "--tag", "team=blue");
        assertThat(byTag.json().get("items")).extracting(c -> c.get("id").asText()).containsExactly(id);
        Cli.Result byTagKey = cli.run("list-certificates", "--domain", z, "--tag-key", "env", "--tag-value", "prod");
        assertThat(byTagKey.exit()).as(byTagKey.toString()).isZero();
        assertThat(byTagKey.json().get("items")).extracting(c -> c.get("id").asText()).containsExactly(id);
        Cli.Result otherValue = cli.run("list-certificates", "--domain", z, "--tag-key", "env", "--tag-value", "dev");
        assertThat(otherValue.json().get("items")).isEmpty();
        Cli.Result valueOnly = cli.run("list-certificates", "--tag-value", "prod");
        assertThat(valueOnly.exit()).isEqualTo(1);
        assertThat(valueOnly.err()).contains("tagValue needs tagKey");

        Cli.Result table = cli.run("list-certificates", "--domain", z, "--output", "table");
        assertThat(table.exit()).as(table.toString()).isZero();
        List<String> lines = table.out().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("ID").contains("NAME", "DOMAIN", "STATUS", "NOT AFTER");
        assertThat(lines.get(1)).startsWith(id).contains("shop", "ISSUED", "EC_prime256v1");
        // aligned: each value starts under its header
        assertThat(lines.get(1).indexOf(z)).isEqualTo(lines.get(0).indexOf("DOMAIN"));

        Cli.Result reimported = importFiles(files("shop2", TestPki.hierarchy(TestPki.freshEc("secp256r1"), z, "*." + z)),
                "--certificate-id", id);
        assertThat(reimported.exit()).as(reimported.toString()).isZero();
        assertThat(reimported.json().get("id").asText()).isEqualTo(id);
        assertThat(reimported.json().get("fingerprintSha256").asText()).isNotEqualTo(certificate.get("fingerprintSha256").asText());
        assertThat(reimported.json().get("history")).hasSize(1);
        assertThat(reimported.json().get("name").asText()).isEqualTo("shop");

        Cli.Result renaming = importFiles(files("shop3", TestPki.hierarchy(TestPki.ec("secp256r1"), z)),
                "--certificate-id", id, "--name", "other");
        assertThat(renaming.exit()).isEqualTo(2);
        assertThat(renaming.err()).contains("--name and --tags cannot be given with --certificate-id");

        Cli.Result deleted = cli.run("delete-certificate", "--certificate-id", id);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEmpty();
        Cli.Result gone = cli.run("describe-certificate", "--certificate-id", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("NotFound", "HTTP 404");
    }

    @Test
    void aRefusalExitsOneWithTheServersCodeAndErrors() throws IOException {
        String z = zone();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), z);
        List<Path> files = files("mismatch", h);
        Files.writeString(files.get(1), TestPki.pkcs8(TestPki.freshEc("secp256r1").getPrivate()));
        Cli.Result r = importFiles(files);
        assertThat(r.exit()).as(r.toString()).isEqualTo(1);
        assertThat(r.out()).isEmpty();
        assertThat(r.err()).startsWith("error: KeyMismatch (HTTP 400)").contains("privateKey: KeyMismatch: ");
    }

    @Test
    void listingFollowsCursorsUntilMaxItems() throws IOException {
        String z = zone();
        List<String> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Cli.Result r = importFiles(files("page" + i, TestPki.hierarchy(TestPki.ec("secp256r1"), z)));
            assertThat(r.exit()).as(r.toString()).isZero();
            ids.add(r.json().get("id").asText());
        }
        Cli.Result all = cli.run("list-certificates", "--domain", z, "--page-size", "1");
        assertThat(all.json().get("items")).extracting(c -> c.get("id").asText()).containsExactlyElementsOf(ids);
        assertThat(all.json().has("nextCursor")).isFalse();

        Cli.Result first = cli.run("list-certificates", "--domain", z, "--page-size", "1", "--max-items", "2");
        assertThat(first.json().get("items")).extracting(c -> c.get("id").asText()).containsExactlyElementsOf(ids.subList(0, 2));
        String cursor = first.json().get("nextCursor").asText();
        Cli.Result rest = cli.run("list-certificates", "--domain", z, "--starting-token", cursor);
        assertThat(rest.json().get("items")).extracting(c -> c.get("id").asText()).containsExactly(ids.get(2));

        assertThat(cli.run("list-certificates", "--page-size", "0").exit()).isEqualTo(2);
    }

    @Test
    void anUnreachableServerExitsThree() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        Cli.Result r = cli.with("EDGECERT_URL", "http://127.0.0.1:" + closedPort).run("list-certificates");
        assertThat(r.exit()).as(r.toString()).isEqualTo(3);
        assertThat(r.err()).contains("cannot reach edgecert at http://127.0.0.1:" + closedPort);
        assertThat(cli.run("list-certificates", "--url", "http://127.0.0.1:" + closedPort).exit()).isEqualTo(3);
    }

    @Test
    void aFileThatCannotBeReadExitsThreeAndNamesTheOption() {
        Cli.Result r = cli.run("import-certificate", "--certificate", dir.resolve("nope.crt").toString(),
                "--private-key", dir.resolve("nope.key").toString());
        assertThat(r.exit()).isEqualTo(3);
        assertThat(r.err()).contains("--certificate: no such file: " + dir.resolve("nope.crt"));
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(cli.run("import-certificate", "--certificate", "a.crt").exit()).isEqualTo(2);
        Cli.Result badTag = cli.run("import-certificate", "--certificate", "a.crt", "--private-key", "a.key", "--tags", "novalue");
        assertThat(badTag.exit()).isEqualTo(2);
        assertThat(badTag.err()).contains("not a tag");
        assertThat(cli.run("list-certificates", "--output", "yaml").exit()).isEqualTo(2);
        assertThat(cli.run("no-such-command").exit()).isEqualTo(2);
    }

    @Test
    void everyClientCommandExplainsItself() {
        EdgecertCommand.commandLine(new CliContext(java.util.Map.of(), System.out, System.err, false, java.time.Duration.ZERO))
                .getSubcommands().entrySet().stream().filter(c -> !c.getKey().equals("serve") && !c.getKey().equals("help"))
                .forEach(c -> {
                    String name = c.getKey();
                    Cli.Result help = cli.run(name, "--help");
                    assertThat(help.exit()).as(name).isZero();
                    assertThat(help.out()).as(name).startsWith("Usage: edgecert " + name);
                    if (c.getValue().getSubcommands().isEmpty()) {
                        assertThat(help.out()).as(name).contains("--url", "--output");
                    }
                    // a group (invalidations, cache-policies, ...): each of its commands explains itself
                    c.getValue().getSubcommands().keySet().forEach(sub -> {
                        Cli.Result subHelp = cli.run(name, sub, "--help");
                        assertThat(subHelp.exit()).as(name + " " + sub).isZero();
                        assertThat(subHelp.out()).as(name + " " + sub).startsWith("Usage: edgecert " + name + " " + sub)
                                .contains("--url", "--output");
                    });
                });
    }

    @Test
    void theTokenComesFromTheDataDirWhenNoneIsGiven() throws IOException {
        Path data = Files.createDirectories(dir.resolve("data"));
        Cli noToken = cli.without("EDGECERT_TOKEN").with("EDGECERT_DATA_DIR", data.toString());
        Cli.Result refused = noToken.run("list-certificates");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("Unauthorized", "no token was given");

        Files.writeString(data.resolve(AdminToken.FILE_NAME), TestNode.TOKEN + "\n");
        Cli.Result listed = noToken.run("list-certificates", "--max-items", "1");
        assertThat(listed.exit()).as(listed.toString()).isZero();
        assertThat(noToken.run("list-certificates", "--token", "wrong-token-0123456789").exit()).isEqualTo(1);
    }
}
