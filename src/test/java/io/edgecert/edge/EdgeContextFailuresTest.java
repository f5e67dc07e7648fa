package io.edgecert.edge;

import io.edgecert.crypto.MasterKey;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The edge's SSL contexts where they run out or cannot be made: the bounded cache evicts and an
 * evicted name is served again, and a certificate whose key cannot be unsealed fails its own
 * handshakes instead of answering with the default certificate. Real nodes, real handshakes.
 */
class EdgeContextFailuresTest {
    /** The smallest EDGECERT_EDGE_SSL_CONTEXT_CACHE allowed. */
    private static final int CACHE = 16;

    @Test
    void theContextCacheEvictsBeyondItsSizeAndAnEvictedNameStillHandshakes() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_SSL_CONTEXT_CACHE", String.valueOf(CACHE)))) {
            int port = node.node().edge().httpsPort();
            List<String> names = new ArrayList<>();
            List<String> fingerprints = new ArrayList<>();
            for (int i = 0; i <= CACHE; i++) { // one certificate more than the cache holds
                String name = "n" + i + ".cache.example";
                names.add(name);
                fingerprints.add(Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), name), name,
                        "http://127.0.0.1:9"));
            }
            EdgeServer edge = node.node().edge();
            long builtBefore = edge.sslContextsBuilt();
            for (int i = 0; i <= CACHE; i++) {
                assertThat(EdgeProbe.handshake(port, names.get(i)).fingerprint()).isEqualTo(fingerprints.get(i));
            }
            assertThat(edge.sslContextsBuilt() - builtBefore).isEqualTo(CACHE + 1);
            assertThat(metric(node.api(), "edgecert_edge_ssl_contexts")).as("contexts held").isEqualTo(CACHE);

            // the first name's context was the oldest: evicted, it is built again and served right
            assertThat(EdgeProbe.handshake(port, names.get(0)).fingerprint()).isEqualTo(fingerprints.get(0));
            assertThat(edge.sslContextsBuilt() - builtBefore).isEqualTo(CACHE + 2);
            assertThat(metric(node.api(), "edgecert_edge_ssl_contexts")).isEqualTo(CACHE);
            // the newest is still cached: no build
            assertThat(EdgeProbe.handshake(port, names.get(CACHE)).fingerprint()).isEqualTo(fingerprints.get(CACHE));
            assertThat(edge.sslContextsBuilt() - builtBefore).isEqualTo(CACHE + 2);
        }
    }

    @Test
    void aCertificateWhoseKeyCannotBeUnsealedFailsItsHandshakeInsteadOfServingTheDefault() throws Exception {
        // Two nodes on one database, the second with another master key (a misconfigured cluster):
        // it loads the routes and the sealed material, and cannot open the key at the handshake.
        try (TestNode good = TestNode.start(TestNode.Store.POSTGRESQL);
             TestNode wrongKey = good.startAnotherNode(Map.of("EDGECERT_MASTER_KEY", MasterKey.generateBase64()))) {
            String name = "sealed.failure.example";
            String fingerprint = Deployments.deploy(good.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), name), name,
                    "http://127.0.0.1:9");
            assertThat(EdgeProbe.handshake(good.node().edge().httpsPort(), name).fingerprint()).isEqualTo(fingerprint);

            int port = wrongKey.node().edge().httpsPort();
            double failuresBefore = metric(wrongKey.api(), "edgecert_edge_handshake_failures_total");
            assertThatThrownBy(() -> EdgeProbe.handshake(port, name)).isInstanceOf(SSLException.class)
                    .hasMessageContaining("Received fatal alert: handshake_failure");
            // openssl, another real client, is told so too, and sees no certificate
            assertThat(sClient(port, name)).contains("SSL alert number 40").doesNotContain("BEGIN CERTIFICATE");
            assertThat(metric(wrongKey.api(), "edgecert_edge_handshake_failures_total") - failuresBefore).isEqualTo(2);
            assertThat(wrongKey.node().edge().sslContextsHeld()).isZero();

            // only that name fails: unknown names still get the default certificate on the same node
            assertThat(EdgeProbe.handshake(port, "unknown.failure.example").leaf().getSubjectX500Principal().getName())
                    .contains("CN=*.edge.test");
        }
    }

    @Test
    void strictSniAnswersAnUnknownNameWithTheUnrecognizedNameAlert() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_STRICT_SNI", "true"))) {
            int port = node.node().edge().httpsPort();
            assertThatThrownBy(() -> EdgeProbe.handshake(port, "nobody.strict.example")).isInstanceOf(SSLException.class)
                    .hasMessageContaining("Received fatal alert: unrecognized_name");
            assertThat(sClient(port, "nobody.strict.example")).contains("unrecognized name", "SSL alert number 112");
            assertThat(metric(node.api(), "edgecert_edge_handshake_failures_total")).isEqualTo(2);
        }
    }

    /** openssl s_client's account of a handshake that must fail. */
    private static String sClient(int port, String sni) {
        EdgeProbe.Run s = EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port, "-servername", sni), "");
        assertThat(s.exitCode()).as(s.stdout() + s.stderr()).isNotZero();
        return s.stdout() + s.stderr();
    }

    /** A sample's value from the node's Prometheus page. */
    static double metric(TestApi api, String name) {
        TestApi.Response r = api.send(api.request("/metrics").GET(), null);
        assertThat(r.status()).isEqualTo(200);
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(?:\\{[^}]*\\})? (\\S+)$").matcher(r.body());
        assertThat(m.find()).as(name + " in /metrics").isTrue();
        return Double.parseDouble(m.group(1));
    }
}
