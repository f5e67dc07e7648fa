package io.edgecert.edge;

import io.edgecert.serving.TrafficSeries;
import io.edgecert.serving.TrafficSeries.Window;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.OriginServer;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The "log" stage counts every finished request of a real node's edge into its Traffic (the console's charts). */
@Timeout(120)
class TrafficRecordedTest {
    @Test
    void requestsThroughTheEdgeAreCountedPerDistribution() {
        try (TestNode node = TestNode.start(TestNode.Store.H2); OriginServer origin = OriginServer.start()) {
            TestApi.Response d = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                    "origins", List.of(Map.of("id", "o", "url", origin.url()))));
            assertThat(d.status()).as(d.body()).isEqualTo(201);
            String id = d.json().get("id").asText();
            String name = d.json().get("domainName").asText();
            await().atMost(Duration.ofSeconds(10)).until(() -> node.api().get("/api/v1/distributions/" + id).json()
                    .get("status").asText().equals("Deployed"));
            int https = node.node().edge().httpsPort();
            List<String> curl = new ArrayList<>(List.of("curl", "-sS", "-k", "--resolve", name + ":" + https + ":127.0.0.1",
                    "-w", " %{http_code}\n", "--data", "hello"));
            curl.addAll(Collections.nCopies(5, "https://" + name + ":" + https + "/echo"));
            EdgeProbe.Run run = EdgeProbe.run(curl, null);
            assertThat(run.stdout()).as(run.stderr()).isEqualTo("hello 200\n".repeat(5)); // the origin echoes the body

            Traffic traffic = node.node().edge().traffic();
            // the entry is made as the response's last part goes out: the client may see it a moment before
            await().atMost(Duration.ofSeconds(5)).until(() -> traffic.series(id, Window.HOUR).requests() == 5);
            TrafficSeries hour = traffic.series(id, Window.HOUR);
            assertThat(hour.bytes()).isEqualTo(25);
            assertThat(hour.hits()).isZero(); // no cache policy: every request passes to the origin
            TrafficSeries.Point last = hour.points().stream().filter(p -> p.requests() > 0).findFirst().orElseThrow();
            assertThat(last.originRequests()).isEqualTo(5);
            assertThat(last.originNanos()).isPositive();
            assertThat(last.serverErrors() + last.clientErrors()).isZero();
            assertThat(traffic.series(id, Window.DAY).requests()).isEqualTo(5);

            // an answer of the edge itself (an unknown path on no distribution is not counted; a distribution's 404 would be)
            EdgeProbe.Run unknown = EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", "nobody.invalid:" + https
                    + ":127.0.0.1", "-o", "/dev/null", "-w", "%{http_code}", "https://nobody.invalid:" + https + "/"), null);
            assertThat(unknown.stdout()).isEqualTo("404");
            assertThat(traffic.series(id, Window.HOUR).requests()).isEqualTo(5);
        }
    }
}
