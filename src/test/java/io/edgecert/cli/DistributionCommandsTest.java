package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The distribution and subscription commands against a real node (H2). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributionCommandsTest {
    TestNode node;
    TestApi api;
    Cli cli;
    @TempDir
    Path dir;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2);
        api = node.api();
        cli = Cli.against(node);
    }

    @AfterAll
    void stop() {
        node.close();
    }

    static String zone() {
        return "d" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    String certificateFor(String... names) {
        return Deployments.certificateFor(api, names);
    }

    static JsonNode ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.json();
    }

    @Test
    void createGetUpdateWithIfMatchAndDelete() {
        String z = zone();
        String certificate = certificateFor(z, "*." + z);
        JsonNode created = ok(cli.run("create-distribution", "--aliases", z + ",www." + z, "--origin", "http://127.0.0.1:9/",
                "--certificate-id", certificate, "--minimum-protocol-version", "TLSv1.2_2021", "--comment", "first"));
        String id = created.get("id").asText();
        assertThat(created.get("version").asInt()).isEqualTo(1);
        assertThat(created.get("domainName").asText()).isEqualTo(id + ".edge.test");
        assertThat(created.get("config").get("aliases")).extracting(JsonNode::asText).containsExactly(z, "www." + z);
        assertThat(created.get("config").get("origins").get(0).get("url").asText()).isEqualTo("http://127.0.0.1:9/");
        assertThat(created.get("config").get("minimumProtocolVersion").asText()).isEqualTo("TLSv1.2_2021");

        assertThat(ok(cli.run("get-distribution", "--id", id)).get("config").get("comment").asText()).isEqualTo("first");
        Cli.Result table = cli.run("get-distribution", "--id", id, "--output", "table");
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id).contains(z + ",www." + z, certificate, "first");

        JsonNode second = ok(cli.run("update-distribution", "--id", id, "--if-match", "1", "--comment", "second"));
        assertThat(second.get("version").asInt()).isEqualTo(2);
        assertThat(second.get("config").get("aliases")).hasSize(2);

        Cli.Result stale = cli.run("update-distribution", "--id", id, "--if-match", "1", "--comment", "stale");
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.err()).contains("PreconditionFailed");

        Cli.Result current = cli.run("update-distribution", "--id", id, "--enabled", "false");
        assertThat(current.err()).contains("no --if-match given: updating the current version 2");
        assertThat(ok(current).get("version").asInt()).isEqualTo(3);
        assertThat(current.json().get("config").get("enabled").asBoolean()).isFalse();

        assertThat(cli.run("update-distribution", "--id", id).exit()).isEqualTo(2);

        assertThat(ok(cli.run("list-distributions", "--certificate-id", certificate)).get("items"))
                .extracting(d -> d.get("id").asText()).containsExactly(id);

        Cli.Result deleted = cli.run("delete-distribution", "--id", id);
        assertThat(deleted.exit()).as(deleted.toString()).isZero();
        assertThat(deleted.out()).isEmpty();
        Cli.Result gone = cli.run("get-distribution", "--id", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("NotFound");
    }

    @Test
    void aConfigCanComeFromAFileOrInlineAndBeCopied() throws IOException {
        String z = zone();
        String certificate = certificateFor(z, "*." + z);
        Path config = Files.writeString(dir.resolve("dist.json"), """
                {"aliases": ["a.%s"], "origins": [{"id": "app", "url": "https://app.saas.example/"}],
                 "comment": "from a file", "tags": [{"key": "plan", "value": "gold"}]}
                """.formatted(z));
        JsonNode template = ok(cli.run("create-distribution", "--distribution-config", "file://" + config,
                "--certificate-id", certificate));
        assertThat(template.get("config").get("comment").asText()).isEqualTo("from a file");
        assertThat(template.get("config").get("defaultOriginId").asText()).isEqualTo("app");
        String templateId = template.get("id").asText();

        JsonNode inline = ok(cli.run("create-distribution", "--distribution-config",
                "{\"aliases\": [\"b." + z + "\"], \"certificateId\": \"" + certificate + "\", \"comment\": \"inline\"}",
                "--origin", "http://127.0.0.1:9/"));
        assertThat(inline.get("config").get("comment").asText()).isEqualTo("inline");

        JsonNode copy = ok(cli.run("create-distribution", "--copy-from", templateId + ":1", "--aliases", "c." + z));
        assertThat(copy.get("config").get("comment").asText()).isEqualTo("from a file");
        assertThat(copy.get("config").get("origins").get(0).get("url").asText()).isEqualTo("https://app.saas.example/");
        assertThat(copy.get("config").get("aliases")).extracting(JsonNode::asText).containsExactly("c." + z);

        Cli.Result notJson = cli.run("create-distribution", "--distribution-config", "{nope");
        assertThat(notJson.exit()).isEqualTo(2);
        assertThat(notJson.err()).contains("--distribution-config is not valid JSON");
        Cli.Result badVersion = cli.run("create-distribution", "--copy-from", templateId + ":x");
        assertThat(badVersion.exit()).isEqualTo(2);
    }

    @Test
    void subscriptionsAreCreatedListedAndDeleted() {
        Cli.Result created = cli.run("create-subscription", "--protocol", "https", "--endpoint", "https://hooks.example.com/cli",
                "--event-types", "JobSucceeded,JobFailed", "--name", "ops", "--output", "table");
        assertThat(created.exit()).as(created.toString()).isZero();
        assertThat(created.out().lines().findFirst().orElseThrow()).contains("ENDPOINT", "EVENT TYPES", "SIGNING SECRET");
        String row = created.out().lines().skip(1).findFirst().orElseThrow();
        assertThat(row).contains("https://hooks.example.com/cli", "JobSucceeded,JobFailed");
        String id = row.substring(0, row.indexOf(' '));

        JsonNode listed = ok(cli.run("list-subscriptions"));
        assertThat(listed.get("items")).extracting(s -> s.get("id").asText()).contains(id);
        assertThat(listed.toString()).doesNotContain("signingSecret");

        Cli.Result refused = cli.run("create-subscription", "--protocol", "https", "--endpoint", "http://hooks.example.com/");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("InvalidRequest", "endpoint");

        ok(cli.run("delete-subscription", "--id", id));
        assertThat(ok(cli.run("list-subscriptions")).get("items")).extracting(s -> s.get("id").asText()).doesNotContain(id);
    }
}
