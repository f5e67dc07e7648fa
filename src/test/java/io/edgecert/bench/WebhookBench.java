package io.edgecert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.edgecert.json.Json;
import io.edgecert.testing.TestPki;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Helper of bench/webhook/run.sh, against a running edgecert: SAMPLES jobs of one certificate,
 * one at a time; for each, the JobSucceeded webhook's arrival at a local receiver minus the job's
 * finishedAt (same machine, same clock). Prints the median and the spread.
 *   WebhookBench URL TOKEN SAMPLES
 */
public final class WebhookBench {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Issue 13's target; before it the delivery worker's 500 ms poll made it 373 ms. */
    static final Duration TARGET = Duration.ofMillis(100);

    private record Arrival(Instant at, JsonNode event) {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        String token = args[1];
        int samples = Integer.parseInt(args[2]);
        BlockingQueue<Arrival> arrivals = new LinkedBlockingQueue<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        receiver.createContext("/", ex -> {
            Instant at = Instant.now();
            arrivals.add(new Arrival(at, Json.MAPPER.readTree(ex.getRequestBody().readAllBytes())));
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        receiver.start();
        send(url, token, "/api/v1/subscriptions", Map.of("protocol", "http", "endpoint",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook", "eventTypes", List.of("JobSucceeded")));
        TestPki.Issued root = TestPki.cert().subject("CN=webhook bench root").key(TestPki.rsa(2048)).ca().selfSigned().build();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < samples + 1; i++) {
            TestPki.Issued leaf = TestPki.cert().dns("hook" + i + "-" + System.nanoTime() + ".bench.example")
                    .key(TestPki.ec("secp256r1")).issuedBy(root).build();
            String jobId = send(url, token, "/api/v1/jobs/import-certificates", Map.of("certificates", List.of(Map.of(
                    "certificate", leaf.certificatePem(), "privateKey", leaf.keyPem(),
                    "certificateChain", TestPki.pem(root.certificate()))))).get("jobId").asText();
            Arrival a = arrivals.poll(60, TimeUnit.SECONDS);
            if (a == null || !jobId.equals(a.event().path("subjectId").asText())) {
                throw new IllegalStateException("no JobSucceeded webhook for job " + jobId + " within 60 s (got "
                        + (a == null ? "nothing" : a.event().path("subjectId").asText()) + ")");
            }
            Instant finished = Instant.parse(get(url, token, "/api/v1/jobs/" + jobId + "?itemLimit=0").get("finishedAt").asText());
            if (i > 0) { // the first warms the JIT and the connections
                millis.add(Duration.between(finished, a.at()).toMillis());
            }
        }
        receiver.stop(0);
        List<Long> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        long median = sorted.get(sorted.size() / 2);
        System.out.printf("JobSucceeded webhook after the job's finishedAt: median %d ms (min %d, max %d) over %d jobs "
                        + "of one certificate; target < %d ms: %s%n   samples (ms): %s%n", median, sorted.get(0),
                sorted.get(sorted.size() - 1), sorted.size(), TARGET.toMillis(), median < TARGET.toMillis() ? "met" : "MISSED",
                millis);
    }

    private static JsonNode get(String url, String token, String path) throws Exception {
        return read(HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .GET().build(), HttpResponse.BodyHandlers.ofString()), path);
    }

    private static JsonNode send(String url, String token, String path, Object body) throws Exception {
        return read(HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(Json.MAPPER.writeValueAsBytes(body))).build(),
                HttpResponse.BodyHandlers.ofString()), path);
    }

    private static JsonNode read(HttpResponse<String> r, String path) throws Exception {
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(path + " → " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }
}
