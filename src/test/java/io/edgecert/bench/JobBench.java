package io.edgecert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.edgecert.json.Json;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestPki;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Helper of bench/jobs/run.sh, against a running edgecert:
 * <ol>
 * <li>one import job of all certificates prepared in DIR (see EdgeBench prepare) with
 * distributions from a template, timed from the POST until the JobSucceeded webhook arrives at a
 * local receiver (so every distribution is Deployed and the notification sent);</li>
 * <li>SAMPLES jobs of one certificate each, timed from the POST until the edge serves the name
 * with that certificate.</li>
 * </ol>
 *   JobBench DIR URL TOKEN EDGE_PORT SAMPLES
 */
public final class JobBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** The targets (issue 4, "Speed"): a 10,000-certificate job, and one certificate until the edge serves it. */
    static final Duration BIG_JOB_TARGET = Duration.ofSeconds(60);
    static final Duration ONE_JOB_TARGET = Duration.ofSeconds(2);
    static final Duration WEBHOOK_WAIT = Duration.ofMinutes(10);
    static final Duration SERVED_WAIT = Duration.ofSeconds(60);

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String url = args[1];
        String token = args[2];
        int edgePort = Integer.parseInt(args[3]);
        int samples = Integer.parseInt(args[4]);

        BlockingQueue<String> webhooks = new ArrayBlockingQueue<>(100);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        receiver.createContext("/", ex -> {
            webhooks.add(new String(ex.getRequestBody().readAllBytes()));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        send(url, token, "/api/v1/subscriptions", Map.of("protocol", "http",
                "endpoint", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "eventTypes", List.of("JobSucceeded", "JobFailed")));
        String template = send(url, token, "/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "http://127.0.0.1:18080")))).get("id").asText();

        List<Map<String, Object>> items = EdgeBench.jobItems(dir);
        int n = items.size();
        byte[] body = Json.MAPPER.writeValueAsBytes(Map.of("certificates", items,
                "distributionTemplate", Map.of("distributionId", template)));
        long t0 = System.nanoTime();
        JsonNode accepted = sendBytes(url, token, "/api/v1/jobs/import-certificates", body);
        long acceptedNanos = System.nanoTime() - t0;
        String jobId = accepted.get("jobId").asText();
        String hook = webhooks.poll(WEBHOOK_WAIT.toMinutes(), TimeUnit.MINUTES);
        long total = System.nanoTime() - t0;
        if (hook == null) {
            throw new IllegalStateException("no webhook for job " + jobId + " within " + WEBHOOK_WAIT.toMinutes()
                    + " minutes: it is still running or the notification was not delivered; see the server log");
        }
        JsonNode event = Json.MAPPER.readTree(hook);
        if (!"JobSucceeded".equals(event.path("type").asText()) || !jobId.equals(event.path("subjectId").asText())) {
            throw new IllegalStateException("expected JobSucceeded for job " + jobId + ", got " + event.path("type").asText()
                    + " for " + event.path("subjectId").asText() + ": " + event.path("detail").path("error").asText("(no error)"));
        }
        boolean bigMet = Duration.ofNanos(total).compareTo(BIG_JOB_TARGET) < 0;
        System.out.printf("job of %d certificates with distributions: accepted (validated) in %.1f s, "
                        + "JobSucceeded webhook after %.1f s; target < %d s for 10,000: %s (%s)%n", n, acceptedNanos / 1e9,
                total / 1e9, BIG_JOB_TARGET.toSeconds(), bigMet ? "met" : "MISSED", jobId);

        TestPki.Issued root = TestPki.cert().subject("CN=job bench root").key(TestPki.rsa(2048)).ca().selfSigned().build();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String name = "one" + i + "-" + System.nanoTime() + ".bench.example";
            TestPki.Issued leaf = TestPki.cert().dns(name).key(TestPki.ec("secp256r1")).issuedBy(root).build();
            String fp = EdgeProbe.fingerprint(leaf.certificate());
            long s = System.nanoTime();
            long deadline = s + SERVED_WAIT.toNanos();
            send(url, token, "/api/v1/jobs/import-certificates", Map.of("certificates", List.of(Map.of("certificate",
                    leaf.certificatePem(), "privateKey", leaf.keyPem(), "certificateChain", TestPki.pem(root.certificate()))),
                    "distributionTemplate", Map.of("distributionId", template)));
            while (true) {
                try {
                    if (EdgeProbe.handshake(edgePort, name).fingerprint().equals(fp)) {
                        break;
                    }
                } catch (Exception e) {
                    // not yet
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the edge did not serve " + name + " with its job's certificate within "
                            + SERVED_WAIT.toSeconds() + " s");
                }
                Thread.sleep(5);
            }
            millis.add((System.nanoTime() - s) / 1_000_000);
        }
        Collections.sort(millis);
        long max = millis.get(samples - 1);
        boolean oneMet = max < ONE_JOB_TARGET.toMillis();
        System.out.printf("job of 1 certificate until its name is served: median %d ms, max %d ms over %d jobs; "
                + "target < %d ms: %s%n", millis.get(samples / 2), max, samples, ONE_JOB_TARGET.toMillis(), oneMet ? "met" : "MISSED");
        receiver.stop(0);
        if (!bigMet || !oneMet) {
            System.out.println("a target was missed");
            System.exit(1);
        }
    }

    private static JsonNode send(String url, String token, String path, Object body) throws Exception {
        return sendBytes(url, token, path, Json.MAPPER.writeValueAsBytes(body));
    }

    private static JsonNode sendBytes(String url, String token, String path, byte[] body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url + path))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " → " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }
}
