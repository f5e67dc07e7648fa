package io.edgecert.edge;

import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * RSA signatures by the system's OpenSSL through BoringSSL's private-key hook (SystemOpenSslRsa).
 * The client (openssl s_client) checks every signature it is sent, so a completed handshake with
 * the scheme it asked for proves OpenSSL signed correctly; the counters prove OpenSSL, not
 * BoringSSL, made the signature.
 */
class EdgeRsaSignerTest {
    private static final String ORIGIN = "http://127.0.0.1:9";

    /** s_client options, and the "Peer signature type" / "Peer signing digest" it must report. */
    private record Scheme(List<String> options, String type, String digest) {
    }

    private static final List<Scheme> SCHEMES = List.of(
            new Scheme(List.of("-tls1_3"), "RSA-PSS", "SHA256"),
            new Scheme(List.of("-tls1_3", "-sigalgs", "rsa_pss_rsae_sha384"), "RSA-PSS", "SHA384"),
            new Scheme(List.of("-tls1_3", "-sigalgs", "rsa_pss_rsae_sha512"), "RSA-PSS", "SHA512"),
            new Scheme(List.of("-tls1_2", "-sigalgs", "rsa_pss_rsae_sha256"), "RSA-PSS", "SHA256"),
            new Scheme(List.of("-tls1_2", "-sigalgs", "RSA+SHA256"), "RSA", "SHA256"),
            new Scheme(List.of("-tls1_2", "-sigalgs", "RSA+SHA384"), "RSA", "SHA384"),
            new Scheme(List.of("-tls1_2", "-sigalgs", "RSA+SHA512"), "RSA", "SHA512"),
            new Scheme(List.of("-tls1_2", "-sigalgs", "RSA+SHA1", "-cipher", "DEFAULT@SECLEVEL=0"), "RSA", "SHA1"));

    @Test
    void theSystemOpenSslSignsEveryRsaSchemeTheEdgeOffers() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            EdgeServer edge = node.node().edge();
            assertThat(edge.rsaSigner()).isEqualTo("openssl");
            int port = edge.httpsPort();
            for (int bits : List.of(2048, 3072, 4096)) {
                String alias = "rsa" + bits + ".signer.example";
                // the 2018 policy still offers RSA key exchange, which needs a decryption, not a signature
                String fp = Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.rsa(bits), alias), alias, ORIGIN,
                        "TLSv1.2_2018");
                long before = edge.systemOpenSslSignatures();
                assertThat(EdgeProbe.handshake(port, alias).fingerprint()).isEqualTo(fp); // builds the context
                // The key lives in OpenSSL's memory for as long as the SSL context: a GC must not free it.
                System.gc();
                System.gc();
                assertThat(EdgeProbe.handshake(port, alias).fingerprint()).isEqualTo(fp);
                before++;
                assertThat(edge.systemOpenSslSignatures()).as("JDK client, RSA-%d", bits).isEqualTo(before + 1);
                for (Scheme scheme : SCHEMES) {
                    long signed = edge.systemOpenSslSignatures();
                    String out = sClient(port, alias, scheme.options());
                    assertThat(out).as("%s RSA-%d", scheme, bits)
                            .contains("Peer signature type: " + scheme.type())
                            .contains("Peer signing digest: " + scheme.digest())
                            .containsPattern("New, TLSv1\\.[23], Cipher is");
                    assertThat(edge.systemOpenSslSignatures()).as("%s RSA-%d", scheme, bits).isEqualTo(signed + 1);
                }
                long decrypted = edge.systemOpenSslDecryptions();
                long signed = edge.systemOpenSslSignatures();
                String out = sClient(port, alias, List.of("-tls1_2", "-cipher", "AES128-GCM-SHA256"));
                assertThat(out).as("RSA key exchange, RSA-%d", bits).contains("Cipher is AES128-GCM-SHA256");
                assertThat(edge.systemOpenSslDecryptions()).isEqualTo(decrypted + 1);
                assertThat(edge.systemOpenSslSignatures()).isEqualTo(signed);
            }
            // EC keys stay with BoringSSL
            long signed = edge.systemOpenSslSignatures();
            String ec = "ec.signer.example";
            String fp = Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.ec("secp256r1"), ec), ec, ORIGIN);
            assertThat(EdgeProbe.handshake(port, ec).fingerprint()).isEqualTo(fp);
            assertThat(edge.systemOpenSslSignatures()).isEqualTo(signed);
            assertThat(node.api().get("/metrics").body())
                    .containsPattern("edgecert_edge_openssl_rsa_operations_total\\{operation=\"sign\"} [1-9]");
        }
    }

    @Test
    void boringSslSignsWhenAskedTo() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_RSA_SIGNER", "boringssl"))) {
            EdgeServer edge = node.node().edge();
            assertThat(edge.rsaSigner()).isEqualTo("boringssl");
            String alias = "boring.signer.example";
            String fp = Deployments.deploy(node.api(), TestPki.hierarchy(TestPki.rsa(2048), alias), alias, ORIGIN);
            assertThat(EdgeProbe.handshake(edge.httpsPort(), alias).fingerprint()).isEqualTo(fp);
            assertThat(sClient(edge.httpsPort(), alias, List.of("-tls1_2", "-sigalgs", "RSA+SHA256")))
                    .contains("Peer signature type: RSA").contains("New, TLSv1.2, Cipher is");
            assertThat(edge.systemOpenSslSignatures()).isZero();
        }
    }

    private static String sClient(int port, String name, List<String> options) {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                "-servername", name));
        command.addAll(options);
        EdgeProbe.Run run = EdgeProbe.run(command, "");
        return run.stdout() + run.stderr();
    }
}
