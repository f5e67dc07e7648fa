package io.edgecert.edge;

import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Which TLS versions the BoringSSL edge negotiates under each policy, and the socket layer under
 * it. Regression: a TLS 1.2 cipher list without TLS 1.3 suite names made netty switch TLS 1.3
 * off, so every TLSv1.2_* distribution was served TLS 1.2 only.
 */
class EdgeProtocolsTest {

    @Test
    void tls12PoliciesOfferTls13FirstAndStillAcceptTls12() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            assertThat(node.node().edge().tlsProvider()).isEqualTo("BoringSSL");
            int port = node.node().edge().httpsPort();
            for (String policy : List.of("TLSv1.2_2021", "TLSv1.2_2019", "TLSv1.2_2018")) {
                String alias = "p" + policy.substring(policy.length() - 4) + ".proto.example";
                String fp = deploy(node.api(), alias, policy);
                EdgeProbe.Handshake best = EdgeProbe.handshake(port, alias);
                assertThat(best.fingerprint()).as(policy + " " + best.leaf().getSubjectX500Principal()).isEqualTo(fp);
                assertThat(best.protocol()).as(policy).isEqualTo("TLSv1.3");
                assertThat(EdgeProbe.handshake(port, alias, "TLSv1.2").protocol()).as(policy).isEqualTo("TLSv1.2");
                EdgeProbe.Run s = EdgeProbe.run(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                        "-servername", alias), "");
                assertThat(s.stdout()).as(policy).contains("New, TLSv1.3");
            }
        }
    }

    /**
     * Resumption rides on session tickets, as with nginx's defaults: TLS 1.3 and TLS 1.2 clients
     * holding a ticket resume; a TLS 1.2 client without tickets gets a full handshake, since no
     * server-side session cache is kept (one per SSL context could hold 20,480 sessions for
     * each certificate, and its insert cost every handshake).
     */
    @Test
    void sessionsResumeWithTicketsAndNoServerCacheIsKept() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            int port = node.node().edge().httpsPort();
            String alias = "resume.proto.example";
            deploy(node.api(), alias, "TLSv1.2_2021");
            java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("edgecert-sessions");
            String request = "GET / HTTP/1.1\r\nHost: " + alias + "\r\nConnection: close\r\n\r\n";
            for (List<String> client : List.of(List.of("-tls1_3"), List.of("-tls1_2"), List.of("-tls1_2", "-no_ticket"))) {
                String session = dir.resolve(String.join("", client) + ".pem").toString();
                List<String> base = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect", "127.0.0.1:" + port,
                        "-servername", alias, "-ign_eof"));
                base.addAll(client);
                List<String> first = new java.util.ArrayList<>(base);
                first.addAll(List.of("-sess_out", session));
                String once = EdgeProbe.run(first, request).stdout();
                assertThat(once).as(client.toString()).contains("New, ");
                if (client.contains("-no_ticket")) {
                    // no session id handed out: nothing is cached on the server to resume from
                    assertThat(once).containsPattern("Session-ID: *\\R");
                    continue;
                }
                List<String> second = new java.util.ArrayList<>(base);
                second.addAll(List.of("-sess_in", session));
                assertThat(EdgeProbe.run(second, request).stdout()).as(client.toString()).contains("Reused, ");
            }
        }
    }

    @Test
    void epollIsUsedWhereItLoadsAndNioServesTheSame() throws Exception {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            // this project's machines are Linux x86_64, where the epoll jar's native library loads
            assertThat(node.node().edge().transport()).isEqualTo("epoll");
            String fp = deploy(node.api(), "epoll.proto.example", "TLSv1.2_2021");
            assertThat(EdgeProbe.handshake(node.node().edge().httpsPort(), "epoll.proto.example").fingerprint()).isEqualTo(fp);
        }
        try (TestNode node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_TRANSPORT", "nio"))) {
            assertThat(node.node().edge().transport()).isEqualTo("nio");
            String fp = deploy(node.api(), "nio.proto.example", "TLSv1.2_2021");
            assertThat(EdgeProbe.handshake(node.node().edge().httpsPort(), "nio.proto.example").fingerprint()).isEqualTo(fp);
        }
    }

    private static String deploy(TestApi api, String alias, String policy) {
        return Deployments.deploy(api, TestPki.hierarchy(TestPki.ec("secp256r1"), alias), alias, "http://127.0.0.1:9", policy);
    }
}
