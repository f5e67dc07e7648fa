package io.edgecert.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestPki;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Helper of bench/edge/run.sh (which runs edgecert and nginx side by side). Subcommands:
 * <pre>
 *   prepare DIR N          N leaf certificates (first half RSA-2048, second half EC P-256) for
 *                          d{i}.bench.example under one intermediate: DIR/certs/{i}.pem (leaf +
 *                          intermediate, as nginx wants it), {i}.key, names.txt, names-rsa.txt, names-ec.txt
 *   load DIR URL TOKEN ORIGIN   imports them all with distributions through one import job
 *   latency DIR URL TOKEN PORT ORIGIN SAMPLES   API create → first successful handshake, median
 * </pre>
 * Keys: one RSA and one EC key shared by all leaves (generating 5,000 RSA keys takes minutes and
 * changes nothing for the server: every certificate still gets its own SSL context and key object).
 */
public final class EdgeBench {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "prepare" -> prepare(Path.of(args[1]), Integer.parseInt(args[2]));
            case "load" -> load(Path.of(args[1]), args[2], args[3], args[4]);
            case "latency" -> latency(Path.of(args[1]), args[2], args[3], Integer.parseInt(args[4]), args[5],
                    Integer.parseInt(args[6]));
            default -> throw new IllegalArgumentException(args[0]);
        }
    }

    static void prepare(Path dir, int n) throws Exception {
        Path certs = Files.createDirectories(dir.resolve("certs"));
        TestPki.Issued root = TestPki.cert().subject("CN=edgecert Bench Root").key(TestPki.rsa(2048)).ca().selfSigned()
                .expiresIn(Duration.ofDays(3650)).build();
        TestPki.Issued intermediate = TestPki.cert().subject("CN=edgecert Bench Intermediate").key(TestPki.ec("secp256r1"))
                .ca(0).issuedBy(root).expiresIn(Duration.ofDays(1825)).build();
        Files.writeString(dir.resolve("root.pem"), TestPki.pem(root.certificate()));
        Files.writeString(dir.resolve("chain.pem"), TestPki.pem(intermediate.certificate(), root.certificate()));
        KeyPair rsa = TestPki.rsa(2048);
        KeyPair ec = TestPki.ec("secp256r1");
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "d" + i + ".bench.example";
            TestPki.Issued leaf = TestPki.cert().dns(name).key(i < n / 2 ? rsa : ec).issuedBy(intermediate).build();
            Files.writeString(certs.resolve(i + ".pem"), TestPki.pem(leaf.certificate(), intermediate.certificate()));
            Files.writeString(certs.resolve(i + ".key"), leaf.keyPem());
            Files.writeString(certs.resolve(i + ".fp"), EdgeProbe.fingerprint(leaf.certificate()));
            names.add(name);
        }
        Files.write(dir.resolve("names.txt"), shuffled(names));
        Files.write(dir.resolve("names-rsa.txt"), shuffled(names.subList(0, n / 2)));
        Files.write(dir.resolve("names-ec.txt"), shuffled(names.subList(n / 2, n)));
        System.out.println("prepared " + n + " certificates in " + certs);
    }

    private static List<String> shuffled(List<String> names) {
        List<String> copy = new ArrayList<>(names);
        Collections.shuffle(copy, new java.util.Random(42));
        return copy;
    }

    static void load(Path dir, String url, String token, String origin) throws Exception {
        JsonNode template = send(url, token, "POST", "/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "origin", "url", origin))));
        List<Map<String, Object>> items = jobItems(dir);
        int n = items.size();
        long t0 = System.nanoTime();
        JsonNode job = send(url, token, "POST", "/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "distributionTemplate", Map.of("distributionId", template.get("id").asText())));
        String id = job.get("jobId").asText();
        String status;
        do {
            Thread.sleep(500);
            status = send(url, token, "GET", "/api/v1/jobs/" + id + "?itemLimit=0", null).get("status").asText();
        } while (status.equals("PENDING") || status.equals("RUNNING"));
        System.out.printf("loaded %d certificates + distributions with one job in %.1f s: %s%n", n,
                (System.nanoTime() - t0) / 1e9, status);
        if (!status.equals("SUCCEEDED")) {
            System.exit(1);
        }
    }

    /** The prepared certificates as import-job items (leaf, key, chain). */
    static List<Map<String, Object>> jobItems(Path dir) throws java.io.IOException {
        int n;
        try (var files = Files.list(dir.resolve("certs"))) {
            n = (int) files.filter(p -> p.toString().endsWith(".pem")).count();
        }
        String chain = Files.readString(dir.resolve("chain.pem"));
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String pem = Files.readString(dir.resolve("certs/" + i + ".pem"));
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("name", "bench " + i);
            item.put("certificate", pem.substring(0, pem.indexOf("-----END CERTIFICATE-----") + 25) + "\n");
            item.put("privateKey", Files.readString(dir.resolve("certs/" + i + ".key")));
            item.put("certificateChain", chain);
            items.add(item);
        }
        return items;
    }

    static void latency(Path dir, String url, String token, int port, String origin, int samples) throws Exception {
        TestPki.Issued root = TestPki.cert().subject("CN=latency root").key(TestPki.rsa(2048)).ca().selfSigned().build();
        List<Long> millis = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            String name = "lat" + i + "-" + System.nanoTime() + ".bench.example";
            TestPki.Issued leaf = TestPki.cert().dns(name).key(TestPki.ec("secp256r1")).issuedBy(root).build();
            JsonNode cert = send(url, token, "POST", "/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                    "privateKey", leaf.keyPem(), "certificateChain", TestPki.pem(root.certificate())));
            String fp = cert.get("fingerprintSha256").asText();
            long t0 = System.nanoTime();
            send(url, token, "POST", "/api/v1/distributions", Map.of("aliases", List.of(name),
                    "certificateId", cert.get("id").asText(), "origins", List.of(Map.of("id", "o", "url", origin))));
            while (true) {
                try {
                    if (EdgeProbe.handshake(port, name).fingerprint().equals(fp)) {
                        break;
                    }
                } catch (Exception e) {
                    // retry
                }
                Thread.sleep(2);
            }
            millis.add((System.nanoTime() - t0) / 1_000_000);
        }
        Collections.sort(millis);
        System.out.printf("create->first handshake over %d distributions: median %d ms, p90 %d ms, max %d ms%n",
                samples, millis.get(samples / 2), millis.get(samples * 9 / 10), millis.get(samples - 1));
    }

    private static JsonNode send(String url, String token, String method, String path, Object body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofMinutes(5));
        if (body == null) {
            b.GET();
        } else {
            b.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(Json.MAPPER.writeValueAsString(body)));
        }
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(method + " " + path + " → " + r.statusCode() + ": " + r.body());
        }
        return Json.MAPPER.readTree(r.body());
    }
}
