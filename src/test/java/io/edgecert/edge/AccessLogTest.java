package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.edgecert.edge.PipelineFixture.behavior;
import static io.edgecert.edge.PipelineFixture.route;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The log stage: the line format, a real edge writing a file, and a writer that falls behind. */
@Timeout(60)
class AccessLogTest {
    @TempDir
    Path tmp;

    @Test
    void theLineIsTenTabSeparatedFieldsWithDashesForNothing() {
        AccessLog.Entry e = new AccessLog.Entry(1_796_688_000_123L, "203.0.113.9", "shop.example", "GET", "/a?b=1", 200, 5120,
                "edgecert; hit", 1_250_000, "d-1");
        assertThat(e.line()).isEqualTo("2026-12-08T00:00:00.123Z\t203.0.113.9\tshop.example\tGET\t/a?b=1\t200\t5120\tedgecert; hit\t1.250\td-1");
        AccessLog.Entry bare = new AccessLog.Entry(1_796_688_000_000L, "::1", null, "GET", "/", 404, 0, "", -1, "");
        assertThat(bare.line()).isEqualTo("2026-12-08T00:00:00.000Z\t::1\t-\tGET\t/\t404\t0\t-\t-\t-");
    }

    @Test
    void everyRequestIsOneLineWhoeverAnsweredIt() throws Exception {
        Path file = tmp.resolve("access.log");
        try (PipelineFixture edge = new PipelineFixture(Map.of("EDGECERT_ACCESS_LOG", file.toString()));
             PipelineFixture.NamedOrigin origin = new PipelineFixture.NamedOrigin("origin")) {
            EdgeRoute r = route(List.of(origin.origin("a")), List.of(), behavior("*", "a"), List.of(
                    behavior("/ro/*", "a", ViewerProtocolPolicy.REDIRECT_TO_HTTPS, CacheBehavior.GET_HEAD, ManagedPolicies.ALL_VIEWER)),
                    List.of());
            edge.serve(r);
            edge.curl(true, r.domainName(), "/slow/page?x=1", "--http1.1");
            edge.curl(true, r.domainName(), "/h2", "--http2");
            edge.curl(true, r.domainName(), "/ro/x", "-X", "POST", "--data", "a");
            edge.curl(true, "nobody.example", "/missing");
            edge.curl(false, r.domainName(), "/plain");
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file) && Files.readAllLines(file).size() >= 5);
            List<String[]> lines = Files.readAllLines(file).stream().map(l -> l.split("\t")).toList();
            assertThat(lines).allSatisfy(f -> assertThat(f).hasSize(10));
            String[] proxied = lines.get(0);
            assertThat(proxied[0]).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
            assertThat(proxied).containsSubsequence("127.0.0.1", r.domainName(), "GET", "/slow/page?x=1", "200",
                    String.valueOf(("origin GET /slow/page?x=1").length()),
                    "edgecert; fwd=bypass; fwd-status=200"); // the pass-through behavior caches nothing
            assertThat(Double.parseDouble(proxied[8])).as("origin ms").isGreaterThanOrEqualTo(250.0);
            assertThat(proxied[9]).isEqualTo(r.distributionId());
            assertThat(lines.get(1)).containsSubsequence("GET", "/h2", "200");
            assertThat(lines.get(2)).containsSubsequence("POST", "/ro/x", "403");
            assertThat(lines.get(2)[8]).as("no origin asked").isEqualTo("-");
            assertThat(lines.get(2)[9]).isEqualTo(r.distributionId());
            assertThat(lines.get(3)).containsSubsequence("nobody.example", "GET", "/missing", "404");
            assertThat(lines.get(3)[9]).isEqualTo("-");
            assertThat(lines.get(4)).containsSubsequence(r.domainName(), "GET", "/plain", "308", "0");
        }
    }

    @Test
    void aWriterThatFallsBehindDropsAndCountsInsteadOfBlocking() throws Exception {
        CountDownLatch stuck = new CountDownLatch(1);
        Writer slow = new Writer() {
            @Override
            public void write(char[] buf, int off, int len) throws IOException {
                try {
                    stuck.await(20, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        AccessLog log = new AccessLog(slow, true, 2, metrics);
        AccessLog.Entry e = new AccessLog.Entry(0, "c", "h", "GET", "/", 200, 0, "", -1, "d");
        log.add(e);
        await().atMost(Duration.ofSeconds(5)).until(() -> log.queued() == 0); // the writer holds it, stuck
        long t0 = System.nanoTime();
        for (int i = 0; i < 10; i++) {
            log.add(e);
        }
        assertThat(System.nanoTime() - t0).as("never waits").isLessThan(TimeUnit.SECONDS.toNanos(1));
        assertThat(log.dropped()).isEqualTo(8);
        assertThat(metrics.get("edgecert_edge_access_log_dropped").counter().count()).isEqualTo(8.0);
        stuck.countDown();
        log.close();
    }
}
