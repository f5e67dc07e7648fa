package io.edgecert.edge;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.OriginServer;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The edge as clients see it: real handshakes (JDK, openssl s_client, curl) against a node whose
 * distributions were made through the API, proxying to a real local origin.
 */
class EdgeServingTest {
    static TestNode node;
    static TestApi api;
    static OriginServer origin;
    static int https;
    static int http;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() {
        origin = OriginServer.start();
        node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_ORIGIN_RESPONSE_TIMEOUT", "2"));
        api = node.api();
        https = node.node().edge().httpsPort();
        http = node.node().edge().httpPort();
    }

    @AfterAll
    static void stop() {
        node.close();
        origin.close();
    }

    static String zone() {
        return "z" + UUID.randomUUID().toString().substring(0, 8) + ".example";
    }

    record Imported(String id, String fingerprint, TestPki.Hierarchy pki) {
    }

    static Imported importCertificate(KeyPair key, String... names) {
        TestPki.Hierarchy h = TestPki.hierarchy(key, names);
        TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return new Imported(r.json().get("id").asText(), r.json().get("fingerprintSha256").asText(), h);
    }

    static JsonNode deployedDistribution(String certificateId, String originUrl, List<String> aliases, Map<String, Object> extra) {
        Map<String, Object> body = new LinkedHashMap<>(Map.of("aliases", aliases, "certificateId", certificateId,
                "origins", List.of(Map.of("id", "app", "url", originUrl))));
        body.putAll(extra);
        TestApi.Response r = api.post("/api/v1/distributions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        String id = r.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/distributions/" + id).json()
                .get("status").asText().equals("Deployed"));
        return api.get("/api/v1/distributions/" + id).json();
    }

    static String served(String sni) throws Exception {
        return EdgeProbe.handshake(https, sni).fingerprint();
    }

    @Test
    void exactAndWildcardAliasesServeTheImportedCertificateAndTheMoreSpecificWins() throws Exception {
        String z = zone();
        Imported wildcard = importCertificate(TestPki.rsa(2048), z, "*." + z);
        Imported specific = importCertificate(TestPki.ec("secp256r1"), "api." + z);
        deployedDistribution(wildcard.id(), origin.url(), List.of(z, "*." + z), Map.of());
        deployedDistribution(specific.id(), origin.url(), List.of("api." + z), Map.of());

        // Deployed means servable: no waiting after the status says so.
        assertThat(served(z)).isEqualTo(wildcard.fingerprint());
        assertThat(served("shop." + z)).isEqualTo(wildcard.fingerprint());
        assertThat(served("SHOP." + z.toUpperCase())).isEqualTo(wildcard.fingerprint());
        assertThat(served("api." + z)).isEqualTo(specific.fingerprint());
        // one label only: a.b.<zone> is not covered by *.<zone>
        assertThat(served("a.b." + z)).isNotIn(wildcard.fingerprint(), specific.fingerprint());
    }

    @Test
    void opensslAndCurlSeeTheImportedCertificateAndTheOriginsAnswer() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp384r1"), "www." + z);
        deployedDistribution(c.id(), origin.url(), List.of("www." + z), Map.of());

        EdgeProbe.Run s = EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https,
                "-servername", "www." + z, "-showcerts"), "");
        assertThat(s.stdout()).contains("CN = www." + z);
        Path servedPem = tmp.resolve("served.pem");
        Files.writeString(servedPem, s.stdout().substring(s.stdout().indexOf("-----BEGIN CERTIFICATE-----"),
                s.stdout().indexOf("-----END CERTIFICATE-----") + 25) + "\n");
        EdgeProbe.Run fp = EdgeProbe.run(List.of("openssl", "x509", "-in", servedPem.toString(), "-noout",
                "-fingerprint", "-sha256"), null);
        assertThat(fp.stdout().strip()).endsWith("=" + c.fingerprint());
        // served without the self-signed root the chain was imported with: leaf and intermediate
        assertThat(s.stdout().split("-----BEGIN CERTIFICATE-----", -1)).hasSize(3);
        assertThat(s.stdout()).contains("1 s:" + opensslName(c.pki().intermediate().certificate()))
                .doesNotContain("s:" + opensslName(c.pki().root().certificate()));

        // curl verifies the chain against the test root and the name: a real client's view.
        Path root = tmp.resolve("root.pem");
        Files.writeString(root, TestPki.pem(c.pki().root().certificate()));
        EdgeProbe.Run curl = EdgeProbe.run(List.of("curl", "-sS", "--http1.1", "--resolve", "www." + z + ":" + https + ":127.0.0.1",
                "--cacert", root.toString(), "-D", "-", "https://www." + z + ":" + https + "/hello?x=1"), null);
        assertThat(curl.exitCode()).as(curl.stderr()).isZero();
        assertThat(curl.stdout()).startsWith("HTTP/1.1 200").containsIgnoringCase("via: 1.1 edgecert")
                .containsIgnoringCase("x-origin-path: /hello?x=1");

        EdgeProbe.Run h2 = EdgeProbe.run(List.of("curl", "-sS", "--http2", "--resolve", "www." + z + ":" + https + ":127.0.0.1",
                "--cacert", root.toString(), "-o", "/dev/null", "-w", "%{http_version} %{http_code}",
                "https://www." + z + ":" + https + "/h2"), null);
        assertThat(h2.stdout()).isEqualTo("2 200");
    }

    @Test
    void aChainWithoutItsRootIsServedWhole() throws Exception {
        String z = zone();
        TestPki.Issued root = TestPki.cert().subject("CN=root " + z).key(TestPki.rsa(2048)).ca().selfSigned().build();
        TestPki.Issued first = TestPki.cert().subject("CN=first intermediate " + z).key(TestPki.ec("secp256r1"))
                .ca(1).issuedBy(root).build();
        TestPki.Issued second = TestPki.cert().subject("CN=second intermediate " + z).key(TestPki.ec("secp256r1"))
                .ca(0).issuedBy(first).build();
        TestPki.Issued leaf = TestPki.cert().dns("www." + z).key(TestPki.ec("secp256r1")).issuedBy(second).build();
        TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                "privateKey", leaf.keyPem(), "certificateChain",
                TestPki.pem(second.certificate(), first.certificate())));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        deployedDistribution(r.json().get("id").asText(), origin.url(), List.of("www." + z), Map.of());

        EdgeProbe.Run s = EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https,
                "-servername", "www." + z, "-showcerts"), "");
        assertThat(s.stdout().split("-----BEGIN CERTIFICATE-----", -1)).as(s.stdout()).hasSize(4);
        assertThat(s.stdout()).contains("1 s:" + opensslName(second.certificate()))
                .contains("2 s:" + opensslName(first.certificate()));
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrderBodiesIncluded() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp256r1"), "pipe." + z);
        deployedDistribution(c.id(), origin.url(), List.of("pipe." + z), Map.of());
        // more requests than the proxy holds while one is in flight, so reading the client stops and resumes
        int n = 40;
        StringBuilder all = new StringBuilder("GET /slow?ms=200 HTTP/1.1\r\nHost: pipe." + z + "\r\n\r\n");
        for (int i = 1; i < n; i++) {
            all.append(i % 2 == 0
                    ? "GET /echo?i=" + i + " HTTP/1.1\r\nHost: pipe." + z + "\r\n\r\n"
                    : "POST /echo?i=" + i + " HTTP/1.1\r\nHost: pipe." + z + "\r\nContent-Length: " + ("body-" + i).length()
                    + "\r\n\r\nbody-" + i);
        }
        try (SSLSocket socket = EdgeProbe.open(https, "pipe." + z)) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(all.toString().getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            java.io.BufferedInputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            for (int i = 0; i < n; i++) {
                Map<String, String> headers = new java.util.HashMap<>();
                String status = readLine(in);
                for (String line = readLine(in); !line.isEmpty(); line = readLine(in)) {
                    int colon = line.indexOf(':');
                    headers.put(line.substring(0, colon).trim().toLowerCase(), line.substring(colon + 1).trim());
                }
                assertThat(status).as("response %d", i).startsWith("HTTP/1.1 200");
                assertThat(headers.get("x-origin-path")).as("response %d", i).isEqualTo(i == 0 ? "/slow?ms=200" : "/echo?i=" + i);
                assertThat(new String(readBody(in, headers), StandardCharsets.US_ASCII)).as("response %d", i)
                        .isEqualTo(i % 2 == 1 ? "body-" + i : "");
            }
        }
    }

    private static String readLine(java.io.InputStream in) throws java.io.IOException {
        StringBuilder b = new StringBuilder();
        for (int ch = in.read(); ch != '\n'; ch = in.read()) {
            if (ch < 0) {
                throw new java.io.EOFException("connection closed after: " + b);
            }
            if (ch != '\r') {
                b.append((char) ch);
            }
        }
        return b.toString();
    }

    private static byte[] readBody(java.io.InputStream in, Map<String, String> headers) throws java.io.IOException {
        if (headers.containsKey("content-length")) {
            return in.readNBytes(Integer.parseInt(headers.get("content-length")));
        }
        assertThat(headers.get("transfer-encoding")).isEqualToIgnoringCase("chunked");
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        for (int size = Integer.parseInt(readLine(in).trim(), 16); size > 0; size = Integer.parseInt(readLine(in).trim(), 16)) {
            body.write(in.readNBytes(size));
            readLine(in);
        }
        readLine(in); // the empty line after the last chunk
        return body.toByteArray();
    }

    /** A subject as openssl s_client prints it ("CN = x"). */
    private static String opensslName(java.security.cert.X509Certificate c) {
        return c.getSubjectX500Principal().getName().replace("=", " = ");
    }

    @Test
    void proxiesBodiesBothWaysWithForwardingHeaders() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.rsa(2048), "app." + z);
        deployedDistribution(c.id(), origin.url() + "/base", List.of("app." + z), Map.of());
        Path root = tmp.resolve("root.pem");
        Files.writeString(root, TestPki.pem(c.pki().root().certificate()));
        byte[] upload = new byte[3 * 1024 * 1024 + 7];
        new java.util.Random(7).nextBytes(upload);
        Path in = tmp.resolve("upload.bin");
        Files.write(in, upload);
        for (String version : List.of("--http1.1", "--http2")) {
            Path out = tmp.resolve("echo" + version + ".bin");
            EdgeProbe.Run r = EdgeProbe.run(List.of("curl", "-sS", version, "--resolve", "app." + z + ":" + https + ":127.0.0.1",
                    "--cacert", root.toString(), "--data-binary", "@" + in, "-D", "-", "-o", out.toString(),
                    "https://app." + z + ":" + https + "/echo"), null);
            assertThat(r.exitCode()).as(r.stderr()).isZero();
            assertThat(Files.readAllBytes(out)).as(version).isEqualTo(upload);
            assertThat(r.stdout().toLowerCase()).contains("x-seen-x-forwarded-proto: https")
                    .contains("x-seen-x-forwarded-host: app." + z)
                    .contains("x-seen-x-forwarded-for: 127.0.0.1")
                    .contains("x-seen-host: 127.0.0.1:" + origin.port())
                    .contains("x-origin-path: /base/echo");

            Path big = tmp.resolve("big" + version + ".bin");
            EdgeProbe.Run d = EdgeProbe.run(List.of("curl", "-sS", version, "--resolve", "app." + z + ":" + https + ":127.0.0.1",
                    "--cacert", root.toString(), "-o", big.toString(), "https://app." + z + ":" + https + "/bytes?n=5000000"), null);
            assertThat(d.exitCode()).as(d.stderr()).isZero();
            assertThat(Files.size(big)).isEqualTo(5_000_000);
        }
    }

    @Test
    void reimportSwitchesTheServedCertificateWhileAnOpenConnectionKeepsWorking() throws Exception {
        String z = zone();
        Imported first = importCertificate(TestPki.rsa(2048), "live." + z);
        deployedDistribution(first.id(), origin.url(), List.of("live." + z), Map.of());
        try (SSLSocket kept = EdgeProbe.open(https, "live." + z)) {
            assertThat(get(kept, "live." + z, "/before")).startsWith("HTTP/1.1 200");

            TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.freshRsa(2048), "live." + z);
            TestApi.Response r = api.put("/api/v1/certificates/" + first.id(), Map.of("certificate", renewed.leaf().certificatePem(),
                    "privateKey", renewed.leaf().keyPem(), "certificateChain", renewed.chainPem()));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            String renewedFingerprint = r.json().get("fingerprintSha256").asText();
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> served("live." + z).equals(renewedFingerprint));

            assertThat(get(kept, "live." + z, "/after")).startsWith("HTTP/1.1 200");
            assertThat(((java.security.cert.X509Certificate) kept.getSession().getPeerCertificates()[0]))
                    .extracting(EdgeProbe::fingerprint).isEqualTo(first.fingerprint());
        }
    }

    @Test
    void anOpenConnectionSurvivesChangesToAnotherDistribution() throws Exception {
        String z = zone();
        Imported mine = importCertificate(TestPki.ec("secp256r1"), "mine." + z);
        Imported other = importCertificate(TestPki.ec("secp256r1"), "other." + z, "other2." + z);
        deployedDistribution(mine.id(), origin.url(), List.of("mine." + z), Map.of());
        JsonNode d = deployedDistribution(other.id(), origin.url(), List.of("other." + z), Map.of());
        String id = d.get("id").asText();
        try (SSLSocket kept = EdgeProbe.open(https, "mine." + z)) {
            assertThat(get(kept, "mine." + z, "/0")).startsWith("HTTP/1.1 200");

            Map<String, Object> config = configOf(id);
            config.put("aliases", List.of("other." + z, "other2." + z));
            TestApi.Response r = api.put("/api/v1/distributions/" + id, config, d.get("version").asText());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> served("other2." + z).equals(other.fingerprint()));
            assertThat(get(kept, "mine." + z, "/1")).startsWith("HTTP/1.1 200");

            config.put("enabled", false);
            r = api.put("/api/v1/distributions/" + id, config, r.json().get("version").asText());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            // a disabled distribution's names are no longer served to new handshakes
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !served("other." + z).equals(other.fingerprint()));
            assertThat(served("other2." + z)).isNotEqualTo(other.fingerprint());
            assertThat(get(kept, "mine." + z, "/2")).startsWith("HTTP/1.1 200");

            assertThat(api.delete("/api/v1/distributions/" + id).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> node.node().servedRoutes().stream().noneMatch(route -> route.distributionId().equals(id)));
            assertThat(get(kept, "mine." + z, "/3")).startsWith("HTTP/1.1 200");
            assertThat(served("mine." + z)).isEqualTo(mine.fingerprint());
        }
    }

    @Test
    void theJdkHttpClientWithExplicitSniGetsTheAliasCertificateAndTheOrigin() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.rsa(2048), "jdk." + z);
        deployedDistribution(c.id(), origin.url(), List.of("jdk." + z), Map.of());
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("test-root", c.pki().root().certificate());
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, new javax.net.ssl.TrustManager[]{chainOnly((javax.net.ssl.X509TrustManager) tmf.getTrustManagers()[0])}, null);
        javax.net.ssl.SSLParameters params = ssl.getDefaultSSLParameters();
        // the URI host is an IP literal, so the JDK keeps these explicit server names as SNI
        params.setServerNames(List.of(new javax.net.ssl.SNIHostName("jdk." + z)));
        {
            java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder().sslContext(ssl).sslParameters(params)
                    .version(java.net.http.HttpClient.Version.HTTP_1_1).build();
            java.net.http.HttpResponse<String> r = client.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("https://127.0.0.1:" + https + "/echo"))
                    .header("Host", "jdk." + z) // the edge routes by Host, which must agree with the SNI
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofString("ping from the JDK")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(r.body()).isEqualTo("ping from the JDK");
            assertThat(r.headers().firstValue("x-seen-x-forwarded-host")).hasValue("jdk." + z);
            java.security.cert.X509Certificate leaf = (java.security.cert.X509Certificate)
                    r.sslSession().orElseThrow().getPeerCertificates()[0];
            assertThat(EdgeProbe.fingerprint(leaf)).isEqualTo(c.fingerprint());
        }
    }

    /**
     * Verifies the chain against the test root but not the name: the JDK would check it against
     * the URI's IP literal. The name is checked stronger by the fingerprint assertion.
     */
    static javax.net.ssl.X509ExtendedTrustManager chainOnly(javax.net.ssl.X509TrustManager pkix) {
        return new javax.net.ssl.X509ExtendedTrustManager() {
            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s)
                    throws java.security.cert.CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine e) throws java.security.cert.CertificateException {
                pkix.checkServerTrusted(chain, authType);
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType, java.net.Socket s)
                    throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("not a server");
            }

            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType,
                                           javax.net.ssl.SSLEngine e) throws java.security.cert.CertificateException {
                throw new java.security.cert.CertificateException("not a server");
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return pkix.getAcceptedIssuers();
            }
        };
    }

    static Map<String, Object> configOf(String id) throws java.io.IOException {
        return new LinkedHashMap<>(api.get("/api/v1/distributions/" + id).json().get("config")
                .traverse(io.edgecert.json.Json.MAPPER).readValueAs(Map.class));
    }

    /** One HTTP/1.1 request on an open keep-alive connection; returns the response head. */
    static String get(SSLSocket socket, String host, String path) throws Exception {
        OutputStream out = socket.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.ISO_8859_1));
        StringBuilder head = new StringBuilder();
        int contentLength = 0;
        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
            head.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).strip());
            }
        }
        for (int i = 0; i < contentLength; i++) {
            in.read();
        }
        return head.toString();
    }

    @Test
    void minimumProtocolVersionIsHonoured() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp256r1"), "tls13." + z, "tls12." + z);
        JsonNode tls13 = deployedDistribution(c.id(), origin.url(), List.of("tls13." + z), Map.of("minimumProtocolVersion", "TLSv1.3_2025"));
        Imported d = importCertificate(TestPki.ec("secp256r1"), "tls12." + z);
        JsonNode tls12 = deployedDistribution(d.id(), origin.url(), List.of("tls12." + z), Map.of("minimumProtocolVersion", "TLSv1.2_2021"));

        assertThat(EdgeProbe.handshake(https, "tls13." + z, "TLSv1.3").protocol()).isEqualTo("TLSv1.3");
        assertThatThrownBy(() -> EdgeProbe.handshake(https, "tls13." + z, "TLSv1.2")).isInstanceOf(SSLException.class);
        assertThat(EdgeProbe.handshake(https, "tls12." + z, "TLSv1.2").protocol()).isEqualTo("TLSv1.2");
        // openssl speaking TLS 1.2 only: refused by TLSv1.3_2025, accepted by TLSv1.2_2021, on the
        // aliases and on the distributions' own domain names (served with the default certificate)
        for (String name : List.of("tls13." + z, tls13.get("domainName").asText())) {
            assertThat(opensslTls12(name).exitCode()).as(name).isNotZero();
        }
        for (String name : List.of("tls12." + z, tls12.get("domainName").asText())) {
            EdgeProbe.Run ok = opensslTls12(name);
            assertThat(ok.exitCode()).as(name + ": " + ok.stderr()).isZero();
            assertThat(ok.stdout()).as(name).containsPattern("Protocol\\s*: TLSv1\\.2");
        }
        // TLSv1.2_2021 has no CBC suites
        EdgeProbe.Run cbc = EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https,
                "-servername", "tls12." + z, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256"), "");
        assertThat(cbc.exitCode()).isNotZero();
    }

    static EdgeProbe.Run opensslTls12(String sni) {
        return EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + https, "-servername", sni, "-tls1_2"), "");
    }

    @Test
    void ownDomainNameAndUnknownNamesGetTheDefaultCertificate() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp256r1"), "own." + z);
        JsonNode d = deployedDistribution(c.id(), origin.url(), List.of("own." + z), Map.of());
        String domainName = d.get("domainName").asText();
        EdgeProbe.Handshake own = EdgeProbe.handshake(https, domainName);
        assertThat(own.leaf().getSubjectX500Principal().getName()).contains("CN=*.edge.test");
        assertThat(EdgeProbe.handshake(https, "nobody.invalid").fingerprint()).isEqualTo(own.fingerprint());
        assertThat(EdgeProbe.handshake(https, null).fingerprint()).isEqualTo(own.fingerprint());

        // the own domain name proxies too
        EdgeProbe.Run curl = EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", domainName + ":" + https + ":127.0.0.1",
                "-o", "/dev/null", "-w", "%{http_code}", "https://" + domainName + ":" + https + "/"), null);
        assertThat(curl.stdout()).isEqualTo("200");
        EdgeProbe.Run unknown = EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", "nobody.invalid:" + https + ":127.0.0.1",
                "-w", "\n%{http_code}", "https://nobody.invalid:" + https + "/"), null);
        assertThat(unknown.stdout()).contains("No distribution serves nobody.invalid").endsWith("404");
    }

    @Test
    void aHostOfAnotherDistributionOnTheSameConnectionIsMisdirected() throws Exception {
        String z = zone();
        Imported a = importCertificate(TestPki.ec("secp256r1"), "a." + z);
        Imported b = importCertificate(TestPki.ec("secp256r1"), "b." + z);
        deployedDistribution(a.id(), origin.url(), List.of("a." + z), Map.of());
        deployedDistribution(b.id(), origin.url(), List.of("b." + z), Map.of());
        try (SSLSocket s = EdgeProbe.open(https, "a." + z)) {
            assertThat(get(s, "b." + z, "/")).startsWith("HTTP/1.1 421");
        }
    }

    @Test
    void disablingOrDeletingADistributionStopsServingItsNames() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.rsa(2048), "gone." + z);
        JsonNode d = deployedDistribution(c.id(), origin.url(), List.of("gone." + z), Map.of());
        String id = d.get("id").asText();
        assertThat(served("gone." + z)).isEqualTo(c.fingerprint());

        Map<String, Object> config = new LinkedHashMap<>(node.api().get("/api/v1/distributions/" + id).json().get("config")
                .traverse(io.edgecert.json.Json.MAPPER).readValueAs(Map.class));
        config.put("enabled", false);
        TestApi.Response r = api.put("/api/v1/distributions/" + id, config, d.get("version").asText());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> !served("gone." + z).equals(c.fingerprint()));

        config.put("enabled", true);
        r = api.put("/api/v1/distributions/" + id, config, r.json().get("version").asText());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(15)).until(() -> served("gone." + z).equals(c.fingerprint()));

        assertThat(api.delete("/api/v1/distributions/" + id).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(15)).until(() -> !served("gone." + z).equals(c.fingerprint()));
    }

    @Test
    void originFailuresAreAnsweredWith502And504() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp256r1"), "down." + z, "slow." + z);
        int closedPort;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        deployedDistribution(c.id(), "http://127.0.0.1:" + closedPort, List.of("down." + z), Map.of());
        Imported slow = importCertificate(TestPki.ec("secp256r1"), "slow." + z);
        deployedDistribution(slow.id(), origin.url(), List.of("slow." + z), Map.of());

        EdgeProbe.Run down = EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", "down." + z + ":" + https + ":127.0.0.1",
                "-w", "\n%{http_code}", "https://down." + z + ":" + https + "/"), null);
        assertThat(down.stdout()).contains("could not be reached").contains("refused").endsWith("502");
        EdgeProbe.Run timeout = EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", "slow." + z + ":" + https + ":127.0.0.1",
                "-w", "\n%{http_code}", "https://slow." + z + ":" + https + "/slow?ms=4000"), null);
        assertThat(timeout.stdout()).contains("did not answer within 2 s").endsWith("504");
    }

    @Test
    void plainHttpRedirectsToHttps() {
        EdgeProbe.Run r = EdgeProbe.run(List.of("curl", "-sS", "-D", "-", "-o", "/dev/null",
                "--resolve", "shop.example:" + http + ":127.0.0.1", "http://shop.example:" + http + "/cart?id=3"), null);
        assertThat(r.stdout()).startsWith("HTTP/1.1 308")
                .containsIgnoringCase("location: https://shop.example:" + https + "/cart?id=3");
    }

    @Test
    void unknownNamesDoNotBuildContextsOrGrowTheHeap() throws Exception {
        String z = zone();
        Imported c = importCertificate(TestPki.ec("secp256r1"), "known." + z);
        deployedDistribution(c.id(), origin.url(), List.of("known." + z), Map.of());
        served("known." + z);
        EdgeServer edge = node.node().edge();
        long built = edge.sslContextsBuilt();
        for (int i = 0; i < 300; i++) { // warm up
            EdgeProbe.handshake(https, "w" + i + "." + zone());
        }
        long before = usedHeapAfterGc();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            names.add("flood" + i + "." + zone());
        }
        for (String n : names) {
            EdgeProbe.handshake(https, n);
        }
        long after = usedHeapAfterGc();
        assertThat(edge.sslContextsBuilt()).isEqualTo(built);
        // 3,000 names × even 1 KB retained would be 3 MB; allow GC noise well under that.
        assertThat(after - before).isLessThan(2_500_000);
    }

    /**
     * Used heap after full collections: each System.gc() is waited for by the collectors' own
     * count (three, so that what one collection's reference processing frees is gone too).
     */
    static long usedHeapAfterGc() {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            long before = collections();
            System.gc();
            await("a collection").atMost(Duration.ofSeconds(10)).until(() -> collections() > before);
        }
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long collections() {
        return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionCount).sum();
    }
}
