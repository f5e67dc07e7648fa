package io.edgecert.web;

import io.edgecert.jobs.JobWatchers;
import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestNode;
import io.javalin.Javalin;
import io.javalin.http.sse.SseHandler;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A client that opens a job's event stream and never reads must not hold up the other clients: its
 * send blocks (full TCP window), the job's other client still gets every change and the end.
 */
class JobWatchStalledClientTest {
    /** Larger than the kernel's largest send buffer (tcp_wmem max 4 MiB) plus the stalled receive buffer: one event blocks. */
    static final int STALLING_BODY = 6 << 20;

    @Test
    void aClientThatStopsReadingDoesNotHoldUpAnotherClientOfTheJob() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            JobWatchers watchers = node.node().jobs().watchers();
            AtomicInteger stalledSends = new AtomicInteger();
            String padding = "x".repeat(STALLING_BODY);
            // the same JobWatch the API uses, on its own server, with a body too large to fit any socket buffer
            Javalin stallingServer = Javalin.create().get("/events/{id}", new SseHandler(0, client ->
                    JobWatch.stream(client, watchers, client.ctx().pathParam("id"), job -> {
                        stalledSends.incrementAndGet();
                        return padding + job.status();
                    }, job -> "finished"))).start("127.0.0.1", 0);
            HttpClient http = HttpClient.newHttpClient();
            try (HeldJobRunner held = HeldJobRunner.hold(node); Socket stalled = new Socket()) {
                String jobId = held.submitImport(5);

                stalled.setReceiveBufferSize(1024);
                stalled.connect(new InetSocketAddress("127.0.0.1", stallingServer.port()));
                OutputStream out = stalled.getOutputStream();
                out.write(("GET /events/" + jobId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                // the stalled client's first event is being written, and cannot be written whole
                await().atMost(Duration.ofSeconds(10)).until(() -> stalledSends.get() >= 1);

                List<String> lines = new CopyOnWriteArrayList<>();
                HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.node().apiPort()
                                + "/api/v1/jobs/" + jobId + "/events"))
                        .header("Accept", "text/event-stream").header("Authorization", "Bearer " + TestNode.TOKEN).build();
                CompletableFuture<Void> reading = http.sendAsync(request, HttpResponse.BodyHandlers.ofLines())
                        .thenAccept(r -> r.body().forEach(lines::add));
                // promptly: well within the web server's idle timeout (30 s), which would end the stalled send
                await().atMost(Duration.ofSeconds(10)).until(() -> lines.contains("event: progress"));
                assertThat(lines).anyMatch(l -> l.startsWith("data:") && l.contains("\"PENDING\""));

                held.close(); // the job runs now, while the stalled client still does not read
                await().atMost(Duration.ofSeconds(20)).until(() -> lines.contains("event: finished"));
                assertThat(lines.get(lines.indexOf("event: finished") + 1)).startsWith("data:").contains("\"SUCCEEDED\"");
                // the premise held throughout: the stalled client is still on its first send
                assertThat(stalledSends).hasValue(1);
                reading.cancel(true);
            } finally {
                stallingServer.stop();
            }
        }
        // the delivery pool is the watchers' and ends with the node, the thread of the stalled send too
        await().atMost(Duration.ofSeconds(10)).until(() -> Thread.getAllStackTraces().keySet().stream()
                .noneMatch(t -> t.getName().startsWith("edgecert-job-delivery") && t.isAlive()));
    }
}
