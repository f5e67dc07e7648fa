package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** The three policy command groups, and distribution configs naming policies, against a real node (H2). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class PolicyCommandsTest {
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

    static JsonNode ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.out().isBlank() ? null : r.json();
    }

    @Test
    void cachePoliciesFromAFileThroughTheirLifeAndIntoADistribution() throws IOException {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        Path file = Files.writeString(dir.resolve("policy.json"), """
                {"name": "%s", "minTtl": 0, "defaultTtl": 60, "maxTtl": 3600,
                 "parametersInCacheKeyAndForwardedToOrigin": {"queryStringsConfig": {"behavior": "all"},
                   "enableAcceptEncodingGzip": true}}""".formatted(name));
        JsonNode created = ok(cli.run("cache-policies", "create", "--config", file.toString()));
        String id = created.get("id").asText();
        assertThat(created.get("type").asText()).isEqualTo("custom");
        assertThat(created.get("cachePolicyConfig").get("defaultTtl").asLong()).isEqualTo(60);

        JsonNode managed = ok(cli.run("cache-policies", "list", "--type", "managed"));
        assertThat(managed.get("items")).anySatisfy(p ->
                assertThat(p.get("id").asText()).isEqualTo("658327ea-f89d-4fab-a63d-7e88639e58f6"));
        Cli.Result table = cli.run("cache-policies", "list", "--output", "table");
        assertThat(table.exit()).as(table.toString()).isZero();
        assertThat(table.out()).contains("Managed-CachingOptimized", name, "custom");

        // flags only: the current config with the comment changed, at the version read first
        JsonNode updated = ok(cli.run("cache-policies", "update", "--id", id, "--comment", "assets"));
        assertThat(updated.get("version").asInt()).isEqualTo(2);
        assertThat(updated.get("cachePolicyConfig").get("defaultTtl").asLong()).isEqualTo(60);
        assertThat(updated.get("cachePolicyConfig").get("comment").asText()).isEqualTo("assets");
        Cli.Result stale = cli.run("cache-policies", "update", "--id", id, "--if-match", "1", "--config", file.toString());
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.err()).contains("PreconditionFailed");
        Cli.Result badTtl = cli.run("cache-policies", "create", "--config",
                "{\"name\": \"x-" + name + "\", \"minTtl\": 10, \"defaultTtl\": 5}");
        assertThat(badTtl.exit()).isEqualTo(1);
        assertThat(badTtl.err()).contains("defaultTtl");

        Path config = Files.writeString(dir.resolve("distribution.json"), """
                {"origins": [{"id": "app", "url": "http://127.0.0.1:9/", "originPath": "/v2"}],
                 "cacheBehaviors": [{"pathPattern": "/assets/*", "cachePolicyId": "%s", "compress": true}]}""".formatted(id));
        JsonNode d = ok(cli.run("create-distribution", "--config", config.toString()));
        assertThat(d.get("config").get("cacheBehaviors").get(0).get("cachePolicyId").asText()).isEqualTo(id);
        assertThat(d.get("config").get("origins").get(0).get("originPath").asText()).isEqualTo("/v2");

        Cli.Result inUse = cli.run("cache-policies", "delete", "--id", id);
        assertThat(inUse.exit()).isEqualTo(1);
        assertThat(inUse.err()).contains("ResourceInUse");
        ok(cli.run("update-distribution", "--id", d.get("id").asText(), "--config", "{\"cacheBehaviors\": []}"));
        ok(cli.run("cache-policies", "delete", "--id", id));
        Cli.Result gone = cli.run("cache-policies", "get", "--id", id);
        assertThat(gone.exit()).isEqualTo(1);
        assertThat(gone.err()).contains("NotFound");
    }

    @Test
    void originRequestAndResponseHeadersPoliciesFromFlagsAndInlineJson() {
        String name = "cli-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode orp = ok(cli.run("origin-request-policies", "create", "--name", name, "--comment", "nothing extra"));
        assertThat(orp.get("originRequestPolicyConfig").get("name").asText()).isEqualTo(name);
        ok(cli.run("origin-request-policies", "get", "--id", orp.get("id").asText()));
        ok(cli.run("origin-request-policies", "delete", "--id", orp.get("id").asText(), "--if-match", "1"));

        JsonNode rhp = ok(cli.run("response-headers-policies", "create", "--name", name, "--config",
                "{\"securityHeadersConfig\": {\"contentTypeOptions\": {\"override\": true}}}"));
        assertThat(rhp.get("responseHeadersPolicyConfig").get("name").asText()).isEqualTo(name);
        ok(cli.run("response-headers-policies", "list", "--type", "custom"));
        JsonNode replaced = ok(cli.run("response-headers-policies", "update", "--id", rhp.get("id").asText(), "--if-match", "1",
                "--config", "{\"name\": \"" + name + "\", \"removeHeadersConfig\": [\"Server\"]}"));
        assertThat(replaced.get("responseHeadersPolicyConfig").has("securityHeadersConfig")).as("replaced, not merged").isFalse();
        ok(cli.run("response-headers-policies", "delete", "--id", rhp.get("id").asText()));

        Cli.Result managed = cli.run("origin-request-policies", "delete", "--id", "216adef6-5c7f-47e4-b989-5492eafa07d3");
        assertThat(managed.exit()).isEqualTo(1);
        assertThat(managed.err()).contains("Forbidden", "managed");
        Cli.Result nothing = cli.run("cache-policies", "create");
        assertThat(nothing.exit()).isEqualTo(2);
    }
}
