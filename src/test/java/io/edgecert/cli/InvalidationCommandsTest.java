package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.RecordingPurger;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/** edgecert invalidations create|list|get against a real node (H2) whose purges are recorded. */
@Timeout(90)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidationCommandsTest {
    TestNode node;
    Cli cli;
    final RecordingPurger purger = new RecordingPurger();

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2, Map.of(), purger.wrapping());
        cli = Cli.against(node);
    }

    @AfterEach
    void letGo() {
        purger.release();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    String distribution() {
        TestApi.Response r = node.api().post("/api/v1/distributions",
                Map.of("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/"))));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static JsonNode ok(Cli.Result r) {
        assertThat(r.exit()).as(r.toString()).isZero();
        return r.json();
    }

    @Test
    void createWaitListAndGet() {
        String d = distribution();
        JsonNode done = ok(cli.run("invalidations", "create", d, "--path", "/img/*", "--path", "/index.html",
                "--caller-reference", "release-7", "--wait"));
        assertThat(done.get("status").asText()).isEqualTo("Completed");
        assertThat(done.get("paths")).extracting(JsonNode::asText).containsExactly("/img/*", "/index.html");
        assertThat(purger.callsFor(d)).containsExactly(new RecordingPurger.Call(d, List.of("/img/*", "/index.html")));
        String id = done.get("id").asText();

        // the same reference again is the same invalidation; other paths under it are refused
        assertThat(ok(cli.run("invalidations", "create", d, "--path", "/index.html", "--path", "/img/*",
                "--caller-reference", "release-7")).get("id").asText()).isEqualTo(id);
        Cli.Result conflict = cli.run("invalidations", "create", d, "--path", "/other", "--caller-reference", "release-7");
        assertThat(conflict.exit()).as(conflict.toString()).isEqualTo(1);
        assertThat(conflict.err()).contains("InvalidationBatchAlreadyExists");

        String second = ok(cli.run("invalidations", "create", d, "--path", "/*")).get("id").asText();
        JsonNode list = ok(cli.run("invalidations", "list", d));
        assertThat(list.get("items")).extracting(i -> i.get("id").asText()).containsExactly(second, id);
        assertThat(ok(cli.run("invalidations", "list", d, "--max-items", "1")).get("nextCursor").asText()).isNotBlank();
        assertThat(ok(cli.run("invalidations", "get", d, second, "--wait")).get("status").asText()).isEqualTo("Completed");

        Cli.Result table = cli.run("invalidations", "get", d, id, "--output", "table");
        assertThat(table.exit()).isZero();
        assertThat(table.out().lines().toList()).hasSize(2);
        assertThat(table.out().lines().findFirst().orElseThrow()).contains("ID", "STATUS", "PATHS", "CALLER REFERENCE");
        assertThat(table.out().lines().skip(1).findFirst().orElseThrow()).startsWith(id).contains("Completed",
                "/img/*,/index.html", "release-7");
    }

    @Test
    void waitGivesUpWithExitCode4NamingTheNodesItWaitsFor() {
        String d = distribution();
        purger.hold();
        long t = System.nanoTime();
        Cli.Result r = cli.run("invalidations", "create", d, "--path", "/slow", "--wait", "--wait-timeout", "2");
        long millis = (System.nanoTime() - t) / 1_000_000;
        assertThat(r.exit()).as(r.toString()).isEqualTo(4);
        assertThat(r.err()).contains("still InProgress after 2 s", "waiting for edge node(s) " + node.node().nodeId());
        assertThat(r.json().get("status").asText()).isEqualTo("InProgress");
        assertThat(millis).isBetween(1_500L, 6_000L);
    }

    @Test
    void refusalsAndUsageErrorsHaveTheirExitCodes() {
        Cli.Result missing = cli.run("invalidations", "list", UUID.randomUUID().toString());
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("NoSuchDistribution");

        String d = distribution();
        Cli.Result bad = cli.run("invalidations", "create", d, "--path", "img/*", "--path", "/a*b");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("InvalidArgument", "paths[0]", "paths[1]", "must start with /");

        Cli.Result noInvalidation = cli.run("invalidations", "get", d, UUID.randomUUID().toString());
        assertThat(noInvalidation.exit()).isEqualTo(1);
        assertThat(noInvalidation.err()).contains("NoSuchInvalidation");

        assertThat(cli.run("invalidations", "create", d).exit()).as("--path is required").isEqualTo(2);
        assertThat(cli.run("invalidations", "get", d).exit()).as("the invalidation id is required").isEqualTo(2);
        Cli.Result group = cli.run("invalidations");
        assertThat(group.err()).contains("create", "list", "get");
    }
}
