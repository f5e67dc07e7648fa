package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every API route has a CLI command: the commands are run against a node, and the node's own
 * request metrics (route = the matched pattern) show that each route in the OpenAPI document was
 * called. The test itself calls no /api route before counting.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiCoverageTest {
    private static final Pattern REQUEST = Pattern.compile("^http_server_requests_seconds_count\\{(.*)}");

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

    private JsonNode ok(String... args) {
        Cli.Result r = cli.run(args);
        assertThat(r.exit()).as(String.join(" ", args) + "\n" + r).isZero();
        return r.out().isBlank() ? null : r.json();
    }

    @Test
    void everyApiRouteHasACommand() throws IOException {
        String z = "cov" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), z);
        Path crt = Files.writeString(tmp.resolve("c.crt"), h.leaf().certificatePem());
        Path key = Files.writeString(tmp.resolve("c.key"), h.leaf().keyPem());
        Path chain = Files.writeString(tmp.resolve("c.chain.pem"), h.chainPem());

        String cert = ok("import-certificate", "--certificate", crt.toString(), "--private-key", key.toString(),
                "--certificate-chain", chain.toString()).get("id").asText();
        ok("list-certificates");
        ok("describe-certificate", "--id", cert);
        ok("describe-certificate", "--certificate-id", cert); // the old name still works
        assertThat(ok("add-tags-to-certificate", "--id", cert, "--tags", "team=ops", "a/b=1").get("tags")).hasSize(2);
        ok("remove-tags-from-certificate", "--id", cert, "--tag-keys", "team");
        assertThat(ok("remove-tags-from-certificate", "--id", cert, "--tag-keys", "a/b").get("tags")).isEmpty();
        ok("import-certificate", "--id", cert, "--if-match", "1", "--certificate", crt.toString(),
                "--private-key", key.toString(), "--certificate-chain", chain.toString());

        String dist = ok("create-distribution", "--aliases", z, "--origin", "http://127.0.0.1:9/", "--certificate-id", cert)
                .get("id").asText();
        ok("get-distribution", "--id", dist);
        ok("list-distributions");
        ok("update-distribution", "--id", dist, "--if-match", "1", "--comment", "second");
        assertThat(ok("list-distribution-versions", "--id", dist).get("items")).hasSize(2);
        String inv = ok("invalidations", "create", dist, "--path", "/img/*", "--path", "/index.html").get("id").asText();
        assertThat(ok("invalidations", "list", dist).get("items")).hasSize(1);
        assertThat(ok("invalidations", "get", dist, inv, "--wait").get("status").asText()).isEqualTo("Completed");
        ok("delete-distribution", "--id", dist);

        Path dir = Files.createDirectory(tmp.resolve("batch"));
        Files.writeString(dir.resolve("one.pem"), h.leaf().certificatePem() + h.leaf().keyPem() + h.chainPem());
        String job = ok("start-import-job", "--certificates-dir", dir.toString(), "--no-distributions").get("jobId").asText();
        Cli.Result watched = cli.run("watch-job", "--id", job);
        assertThat(watched.exit()).as(watched.toString()).isZero();
        assertThat(watched.out().strip().lines().reduce((a, b) -> b).orElseThrow()).contains("\"event\":\"finished\"");
        ok("describe-job", "--id", job);
        ok("list-jobs");
        assertThat(ok("list-job-items", "--id", job).get("items")).hasSize(1);
        ok("wait-job", "--job-id", job);
        ok("cleanup-job", "--id", job);

        String sub = ok("create-subscription", "--protocol", "https", "--endpoint", "https://hooks.example.com/cov")
                .get("id").asText();
        ok("list-subscriptions");
        ok("get-subscription", "--id", sub);
        ok("test-subscription", "--id", sub);
        assertThat(ok("list-deliveries", "--id", sub).get("items")).isNotEmpty();
        ok("delete-subscription", "--id", sub);
        ok("delete-certificate", "--id", cert);
        for (String kind : new String[]{"cache-policies", "origin-request-policies", "response-headers-policies"}) {
            String policy = ok(kind, "create", "--name", "cov-" + UUID.randomUUID().toString().substring(0, 8))
                    .get("id").asText();
            ok(kind, "list");
            ok(kind, "get", "--id", policy);
            ok(kind, "update", "--id", policy, "--if-match", "1", "--comment", "second");
            ok(kind, "delete", "--id", policy);
        }
        assertThat(ok("get-api-document").get("openapi").asText()).isEqualTo("3.1.0");

        Set<String> called = calledRoutes(); // before the test's own look at the document
        JsonNode paths = node.api().get("/api/v1/openapi.json").json().get("paths");
        Set<String> api = new TreeSet<>();
        paths.properties().forEach(p -> p.getValue().properties().forEach(op -> {
            if (p.getKey().startsWith("/api/")) {
                api.add(op.getKey().toUpperCase(Locale.ROOT) + " " + p.getKey());
            }
        }));
        assertThat(api).hasSizeGreaterThan(25);
        assertThat(called).as("routes the CLI called").containsAll(api);
    }

    /** "METHOD /route" of every request the node counted (its http_server_requests metric). */
    private Set<String> calledRoutes() {
        TestApi.Response metrics = node.api().get("/metrics");
        Set<String> out = new TreeSet<>();
        metrics.body().lines().forEach(line -> {
            Matcher m = REQUEST.matcher(line);
            if (m.find()) {
                String labels = m.group(1);
                out.add(label(labels, "method") + " " + label(labels, "route"));
            }
        });
        return out;
    }

    private static String label(String labels, String name) {
        Matcher m = Pattern.compile("(?:^|,)" + name + "=\"([^\"]*)\"").matcher(labels);
        return m.find() ? m.group(1) : "";
    }
}
