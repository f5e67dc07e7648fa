package io.edgecert.edge;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Edge settings that change behaviour: strict SNI, the JDK TLS provider, HTTPS origin trust. */
class EdgeModesTest {
    @TempDir
    Path tmp;

    @Test
    void strictSniRefusesUnknownNamesAndHandshakesWithoutSni() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_STRICT_SNI", "true"))) {
            int port = node.node().edge().httpsPort();
            String fp = Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), "strict.example"), "strict.example",
                    "http://127.0.0.1:9");
            assertThat(EdgeProbe.handshake(port, "strict.example").fingerprint()).isEqualTo(fp);
            assertThatThrownBy(() -> EdgeProbe.handshake(port, "other.example")).isInstanceOf(SSLException.class);
            assertThatThrownBy(() -> EdgeProbe.handshake(port, null)).isInstanceOf(SSLException.class);
        }
    }

    @Test
    void theJdkProviderServesTheSameWhenBoringSslIsNotUsed() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_TLS_PROVIDER", "jdk"))) {
            assertThat(node.node().edge().tlsProvider()).isEqualTo("JDK");
            int port = node.node().edge().httpsPort();
            String fp = Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.rsa(2048), "jdk.example", "*.jdk.example"),
                    "*.jdk.example", "http://127.0.0.1:9");
            EdgeProbe.Handshake h = EdgeProbe.handshake(port, "www.jdk.example");
            assertThat(h.fingerprint()).isEqualTo(fp);
            assertThat(h.protocol()).isEqualTo("TLSv1.3");
            assertThat(EdgeProbe.handshake(port, "www.jdk.example", "TLSv1.2").cipherSuite()).contains("GCM");
        }
    }

    @Test
    void httpsOriginsAreVerifiedByDefaultAndTrustedWithAConfiguredStore() throws Exception {
        TestPki.Hierarchy originPki = TestPki.hierarchy(TestPki.ec("secp256r1"), "localhost");
        HttpsServer origin = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 10);
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("origin", originPki.leaf().privateKey(), new char[0], new Certificate[]{
                originPki.leaf().certificate(), originPki.intermediate().certificate()});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        origin.setHttpsConfigurator(new HttpsConfigurator(ctx));
        origin.createContext("/", ex -> {
            byte[] b = "secure origin".getBytes();
            ex.sendResponseHeaders(200, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        origin.start();
        Path rootPem = tmp.resolve("origin-root.pem");
        Files.writeString(rootPem, TestPki.pem(originPki.root().certificate()));
        String originUrl = "https://localhost:" + origin.getAddress().getPort();
        try {
            try (TestNode node = TestNode.start(TestNode.Store.H2)) {
                Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), "v.example"), "v.example", originUrl);
                EdgeProbe.Run r = curl(node, "v.example");
                assertThat(r.stdout()).contains("could not be verified").endsWith("502");
            }
            try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_ORIGIN_TRUST_STORE", rootPem.toString()))) {
                Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), "v.example"), "v.example", originUrl);
                EdgeProbe.Run r = curl(node, "v.example");
                assertThat(r.stdout()).isEqualTo("secure origin\n200");
            }
        } finally {
            origin.stop(0);
        }
    }

    static EdgeProbe.Run curl(TestNode node, String host) {
        int port = node.node().edge().httpsPort();
        return EdgeProbe.run(List.of("curl", "-sS", "-k", "--resolve", host + ":" + port + ":127.0.0.1",
                "-w", "\n%{http_code}", "https://" + host + ":" + port + "/"), null);
    }
}
