package io.edgecert.edge;

import io.edgecert.testing.Deployments;
import io.edgecert.testing.EdgeProbe;
import io.edgecert.testing.OriginServer;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import javax.net.ssl.SSLSocket;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The proxy against origins that speak less common HTTP (informational responses, stalls), an
 * origin named by host name, and clients that send what is not HTTP/1.1. Real TLS, real sockets.
 */
class EdgeOriginProtocolTest {
    static TestNode node;
    static TestApi api;
    static int https;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_EDGE_ORIGIN_IDLE_TIMEOUT", "1"));
        api = node.api();
        https = node.node().edge().httpsPort();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    /** A distribution for a fresh alias proxying to originUrl, Deployed; returns the alias. */
    static String deploy(String originUrl) {
        String alias = "o" + UUID.randomUUID().toString().substring(0, 8) + ".example";
        Deployments.deploy(api, TestPki.hierarchy(TestPki.ec("secp256r1"), alias), alias, originUrl);
        return alias;
    }

    /** What a raw origin writes for each request head it reads (keep-alive: one call per request). */
    interface Script {
        void answer(String requestLine, OutputStream out) throws Exception;
    }

    /** A tiny origin on a raw socket, so it can send what well-behaved servers do not. */
    static final class RawOrigin implements AutoCloseable {
        final ServerSocket server;
        final CountDownLatch closedByPeer = new CountDownLatch(1);

        RawOrigin(Script script) throws IOException {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        Thread c = new Thread(() -> serve(s, script), "raw-origin-connection");
                        c.setDaemon(true);
                        c.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "raw-origin");
            t.setDaemon(true);
            t.start();
        }

        private void serve(Socket s, Script script) {
            try (s) {
                BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.ISO_8859_1));
                for (String line = in.readLine(); line != null; line = in.readLine()) {
                    String requestLine = line;
                    while (line != null && !line.isEmpty()) {
                        line = in.readLine();
                    }
                    script.answer(requestLine, s.getOutputStream());
                    s.getOutputStream().flush();
                }
                closedByPeer.countDown(); // the edge closed its side
            } catch (Exception e) {
                closedByPeer.countDown();
            }
        }

        String url() {
            return "http://127.0.0.1:" + server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    static void write(OutputStream out, String s) throws IOException {
        out.write(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads one response (head and Content-Length body) from a keep-alive connection. */
    static String response(InputStream raw) throws IOException {
        StringBuilder r = new StringBuilder();
        int contentLength = 0;
        String line;
        while (!(line = readLine(raw)).isEmpty()) {
            r.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                contentLength = Integer.parseInt(line.substring(15).strip());
            }
        }
        r.append('\n').append(new String(raw.readNBytes(contentLength), StandardCharsets.ISO_8859_1));
        return r.toString();
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("connection closed after: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    @Test
    void informationalResponsesAreSwallowedAndTheFinalOneIsProxied() throws Exception {
        try (RawOrigin origin = new RawOrigin((requestLine, out) -> {
            write(out, "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n");
            out.flush();
            write(out, "HTTP/1.1 100 Continue\r\n\r\n");
            out.flush();
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Final: yes\r\n\r\nhello");
        })) {
            String alias = deploy(origin.url());
            try (SSLSocket s = EdgeProbe.open(https, alias)) {
                for (int i = 0; i < 2; i++) { // the exchange ends cleanly: the connection is reusable
                    write(s.getOutputStream(), "GET /hints HTTP/1.1\r\nHost: " + alias + "\r\n\r\n");
                    String r = response(s.getInputStream());
                    assertThat(r).startsWith("HTTP/1.1 200").containsIgnoringCase("x-final: yes").endsWith("\nhello");
                }
            }
        }
    }

    @Test
    void anOriginGivenByHostNameIsResolvedAndProxied() throws Exception {
        try (OriginServer origin = OriginServer.start()) {
            String alias = deploy("http://localhost:" + origin.port());
            try (SSLSocket s = EdgeProbe.open(https, alias)) {
                write(s.getOutputStream(), "GET /named HTTP/1.1\r\nHost: " + alias + "\r\n\r\n");
                assertThat(response(s.getInputStream())).startsWith("HTTP/1.1 200")
                        .containsIgnoringCase("x-origin-path: /named");
            }
        }
    }

    @Test
    void anOriginThatStallsMidBodyIsCutAfterTheIdleTimeout() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        try (RawOrigin origin = new RawOrigin((requestLine, out) -> {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\npartial-body");
            out.flush();
            never.await(30, TimeUnit.SECONDS); // the rest never comes
        })) {
            String alias = deploy(origin.url());
            try (SSLSocket s = EdgeProbe.open(https, alias)) {
                s.setSoTimeout(8_000);
                write(s.getOutputStream(), "GET /stall HTTP/1.1\r\nHost: " + alias + "\r\n\r\n");
                InputStream in = s.getInputStream();
                long t0 = System.nanoTime();
                byte[] all;
                try {
                    all = in.readAllBytes(); // returns when the edge closes the connection
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the edge kept the stalled exchange open", e);
                } catch (IOException reset) {
                    all = new byte[0];
                }
                long waited = (System.nanoTime() - t0) / 1_000_000;
                assertThat(new String(all, StandardCharsets.ISO_8859_1)).doesNotContain("\r\n0\r\n");
                assertThat(waited).as("closed after the 1 s idle timeout").isBetween(500L, 5_000L);
            } finally {
                never.countDown();
            }
            assertThat(origin.closedByPeer.await(5, TimeUnit.SECONDS)).as("origin connection closed too").isTrue();
        }
    }

    @Test
    void malformedRequestsAreAnswered400Or431AndTheConnectionCloses() throws Exception {
        try (OriginServer origin = OriginServer.start()) {
            String alias = deploy(origin.url());
            String bigHeader = "X-Big: " + "a".repeat(40 * 1024) + "\r\n";
            Map<String, String> cases = Map.of(
                    "NOT-HTTP\r\n\r\n", "HTTP/1.1 400",
                    "GET / HTTP/1.1\r\nHost: " + alias + "\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello", "HTTP/1.1 400",
                    "GET / HTTP/1.1\r\nHost: " + alias + "\r\n" + bigHeader + "\r\n", "HTTP/1.1 431");
            int proxiedBefore = origin.seen.size();
            for (Map.Entry<String, String> c : cases.entrySet()) {
                try (SSLSocket s = EdgeProbe.open(https, alias)) {
                    write(s.getOutputStream(), c.getKey());
                    String r = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
                    assertThat(r).as(c.getKey().substring(0, Math.min(20, c.getKey().length()))).startsWith(c.getValue())
                            .containsIgnoringCase("connection: close");
                }
            }
            assertThat(origin.seen.size()).as("nothing proxied").isEqualTo(proxiedBefore);
        }
    }
}
