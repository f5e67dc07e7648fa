package io.edgecert.edge;

import com.aayushatharva.brotli4j.decoder.BrotliInputStream;
import com.sun.net.httpserver.HttpServer;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.netty.handler.codec.compression.Brotli;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The headers and compress stages through the real edge: a node with a distribution whose
 * default behavior compresses and names a response headers policy, a real origin (the JDK's
 * HTTP server, which never compresses), and real clients (curl --compressed over HTTP/2 and
 * HTTP/1.1, the JDK's HttpClient), the bodies decoded by them or by brotli4j and gzip.
 */
@Timeout(120)
class EdgeHeadersAndCompressionTest {
    private static final String HOST = "cdn.headers.example";
    private static final String APP = "https://app.example.com";
    private static HttpServer origin;
    private static TestNode node;
    private static int port;
    private static final byte[] PAGE = CompressionHandlerTest.text(200_000, 11);
    private static final byte[] PNG = CompressionHandlerTest.text(20_000, 12);
    private static final AtomicInteger originPreflights = new AtomicInteger();

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws Exception {
        origin = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
        origin.createContext("/page.html", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.getResponseHeaders().set("ETag", "\"page-1\"");
            ex.getResponseHeaders().set("X-Powered-By", "origin-app");
            ex.sendResponseHeaders(200, PAGE.length);
            ex.getResponseBody().write(PAGE);
            ex.close();
        });
        origin.createContext("/logo.png", ex -> {
            ex.getResponseHeaders().set("Content-Type", "image/png");
            ex.sendResponseHeaders(200, PNG.length);
            ex.getResponseBody().write(PNG);
            ex.close();
        });
        origin.createContext("/api", ex -> {
            if (ex.getRequestMethod().equals("OPTIONS")) {
                originPreflights.incrementAndGet();
            }
            ex.getResponseHeaders().set("Content-Type", "application/json");
            byte[] b = "{\"ok\":true}".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        origin.start();
        node = TestNode.start(TestNode.Store.H2);
        port = node.node().edge().httpsPort();
        TestApi api = node.api();

        Map<String, Object> policy = new LinkedHashMap<>();
        policy.put("name", "edge-headers-test");
        policy.put("corsConfig", Map.of("accessControlAllowOrigins", List.of(APP),
                "accessControlAllowMethods", List.of("GET", "PUT"), "accessControlAllowHeaders", List.of("Content-Type"),
                "accessControlAllowCredentials", true, "accessControlMaxAgeSec", 600, "originOverride", true));
        policy.put("securityHeadersConfig", Map.of("strictTransportSecurity", Map.of("override", true,
                "accessControlMaxAgeSec", 63072000, "includeSubdomains", true, "preload", false)));
        policy.put("removeHeadersConfig", List.of("X-Powered-By"));
        policy.put("serverTimingHeadersConfig", Map.of("enabled", true, "samplingRate", 100.0));
        TestApi.Response p = api.post("/api/v1/response-headers-policies", policy);
        assertThat(p.status()).as(p.body()).isEqualTo(201);

        Map<String, Object> behavior = new LinkedHashMap<>();
        behavior.put("compress", true);
        behavior.put("cachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6"); // Managed-CachingOptimized: Brotli on
        behavior.put("responseHeadersPolicyId", p.json().get("id").asText());
        behavior.put("allowedMethods", List.of("GET", "HEAD", "OPTIONS"));
        behavior.put("cachedMethods", List.of("GET", "HEAD"));
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("aliases", List.of(HOST));
        config.put("certificateId", Deployments.certificateFor(api, HOST));
        config.put("origins", List.of(Map.of("id", "o", "url", "http://127.0.0.1:" + origin.getAddress().getPort())));
        config.put("defaultCacheBehavior", behavior);
        TestApi.Response d = api.post("/api/v1/distributions", config);
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        String id = d.json().get("id").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> api.get("/api/v1/distributions/" + id).json()
                .get("status").asText().equals("Deployed"));
    }

    @AfterAll
    static void stop() {
        if (node != null) {
            node.close();
        }
        if (origin != null) {
            origin.stop(0);
        }
    }

    /** curl with a body file and the response headers on stdout, lower-cased names. */
    private EdgeProbe.Run curl(String path, String... extra) {
        List<String> cmd = new java.util.ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "20",
                "--resolve", HOST + ":" + port + ":127.0.0.1", "-D", "-", "-o", tmp.resolve("body").toString()));
        cmd.addAll(List.of(extra));
        cmd.add("https://" + HOST + ":" + port + path);
        EdgeProbe.Run r = EdgeProbe.run(cmd, null);
        assertThat(r.exitCode()).as(r.stderr()).isZero();
        return r;
    }

    private static String header(EdgeProbe.Run r, String name) {
        return r.stdout().lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith(name.toLowerCase(Locale.ROOT) + ":"))
                .map(l -> l.substring(l.indexOf(':') + 1).trim()).findFirst().orElse(null);
    }

    @Test
    void curlCompressedGetsBrotliOverHttp2AndHttp11AndTheOriginsBytes() throws IOException {
        for (String version : List.of("--http2", "--http1.1")) {
            EdgeProbe.Run r = curl("/page.html", "--compressed", version, "-H", "Origin: " + APP);
            assertThat(r.stdout()).as(version).startsWith(version.equals("--http2") ? "HTTP/2 200" : "HTTP/1.1 200");
            assertThat(header(r, "content-encoding")).isEqualTo("br");
            // streamed from the origin: no length; a cache hit knows the compressed one; never the origin's
            assertThat(header(r, "content-length")).isNotEqualTo(String.valueOf(PAGE.length));
            assertThat(header(r, "vary")).contains("Accept-Encoding").contains("Origin");
            assertThat(header(r, "etag")).isEqualTo("W/\"page-1\"");
            assertThat(Files.readAllBytes(tmp.resolve("body"))).isEqualTo(PAGE); // curl decoded it
            // the policy: removed, security and CORS headers, Server-Timing at 100%
            assertThat(header(r, "x-powered-by")).isNull();
            assertThat(header(r, "strict-transport-security")).isEqualTo("max-age=63072000; includeSubDomains");
            assertThat(header(r, "access-control-allow-origin")).isEqualTo(APP);
            assertThat(header(r, "access-control-allow-credentials")).isEqualTo("true");
            assertThat(header(r, "server-timing")).contains("cdn-downstream-fbl;dur=");
        }
    }

    @Test
    void theJdkClientGetsGzipOrBrotliAsItAsksAndAnImageAsItIs() throws Exception {
        SSLParameters params = new SSLParameters();
        params.setServerNames(List.of(new SNIHostName(HOST)));
        HttpClient client = HttpClient.newBuilder().sslContext(EdgeProbe.trustAll()).sslParameters(params)
                .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> gzip = client.send(get("/page.html", "gzip"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(gzip.statusCode()).isEqualTo(200);
        assertThat(gzip.headers().firstValue("content-encoding")).hasValue("gzip");
        assertThat(gunzip(gzip.body())).isEqualTo(PAGE);
        assertThat(gzip.body().length).isLessThan(PAGE.length / 3);

        assertThat(Brotli.isAvailable()).isTrue();
        HttpResponse<byte[]> br = client.send(get("/page.html", "br;q=1, gzip;q=0.5"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(br.headers().firstValue("content-encoding")).hasValue("br");
        try (InputStream in = new BrotliInputStream(new ByteArrayInputStream(br.body()))) {
            assertThat(in.readAllBytes()).isEqualTo(PAGE);
        }

        HttpResponse<byte[]> plain = client.send(get("/page.html", "identity"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(plain.headers().firstValue("content-encoding")).isEmpty();
        assertThat(plain.headers().firstValue("content-length")).hasValue(Integer.toString(PAGE.length));
        assertThat(plain.body()).isEqualTo(PAGE);

        HttpResponse<byte[]> png = client.send(get("/logo.png", "br, gzip"), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(png.headers().firstValue("content-encoding")).isEmpty();
        assertThat(png.body()).isEqualTo(PNG);
    }

    @Test
    void aCorsPreflightIsAnsweredAtTheEdgeAndTheOriginNeverSeesIt() {
        int before = originPreflights.get();
        EdgeProbe.Run r = curl("/api", "-X", "OPTIONS", "-H", "Origin: " + APP, "-H", "Access-Control-Request-Method: PUT",
                "-H", "Access-Control-Request-Headers: content-type");
        assertThat(r.stdout()).startsWith("HTTP/2 204");
        assertThat(header(r, "access-control-allow-origin")).isEqualTo(APP);
        assertThat(header(r, "access-control-allow-methods")).isEqualTo("GET, PUT");
        assertThat(header(r, "access-control-allow-headers")).isEqualTo("Content-Type");
        assertThat(header(r, "access-control-max-age")).isEqualTo("600");
        assertThat(header(r, "access-control-allow-credentials")).isEqualTo("true");
        assertThat(originPreflights.get()).isEqualTo(before);

        EdgeProbe.Run other = curl("/api", "--http1.1", "-X", "OPTIONS", "-H", "Origin: https://evil.test",
                "-H", "Access-Control-Request-Method: PUT");
        assertThat(other.stdout()).startsWith("HTTP/1.1 204");
        assertThat(header(other, "access-control-allow-origin")).isNull(); // an unlisted origin: no grant
        assertThat(originPreflights.get()).isEqualTo(before);

        // a plain OPTIONS is not a preflight: it goes to the origin
        EdgeProbe.Run plain = curl("/api", "-X", "OPTIONS");
        assertThat(plain.stdout()).startsWith("HTTP/2 200");
        assertThat(originPreflights.get()).isEqualTo(before + 1);
    }

    private static HttpRequest get(String path, String acceptEncoding) {
        return HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path)).header("Host", HOST)
                .header("Accept-Encoding", acceptEncoding).timeout(Duration.ofSeconds(20)).GET().build();
    }

    private static byte[] gunzip(byte[] in) throws IOException {
        try (InputStream s = new GZIPInputStream(new ByteArrayInputStream(in))) {
            return s.readAllBytes();
        }
    }
}
