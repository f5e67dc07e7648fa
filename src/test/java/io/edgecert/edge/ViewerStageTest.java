package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.ViewerProtocolPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.edgecert.edge.PipelineFixture.behavior;
import static io.edgecert.edge.PipelineFixture.route;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The viewer stage end to end: the plain HTTP port under each viewer protocol policy, methods a
 * behavior does not allow, and HTTP/1.1 pipelining on the plain port (the same stages as HTTPS).
 */
@Timeout(120)
class ViewerStageTest {
    static PipelineFixture edge;
    static PipelineFixture.NamedOrigin origin;
    static EdgeRoute site;

    @BeforeAll
    static void start() throws Exception {
        edge = new PipelineFixture(Map.of());
        origin = new PipelineFixture.NamedOrigin("origin");
        site = route(List.of(origin.origin("a")), List.of(), behavior("*", "a"), List.of(
                behavior("/open/*", "a", ViewerProtocolPolicy.ALLOW_ALL, CacheBehavior.ALL_METHODS, ManagedPolicies.ALL_VIEWER),
                behavior("/secure/*", "a", ViewerProtocolPolicy.HTTPS_ONLY, CacheBehavior.ALL_METHODS, ManagedPolicies.ALL_VIEWER),
                behavior("/ro/*", "a", ViewerProtocolPolicy.ALLOW_ALL, CacheBehavior.GET_HEAD, ManagedPolicies.ALL_VIEWER)),
                List.of());
        edge.serve(site);
    }

    @AfterAll
    static void stop() {
        edge.close();
        origin.close();
    }

    @Test
    void allowAllIsServedOverPlainHttp() {
        PipelineFixture.Reply r = edge.curl(false, site.domainName(), "/open/page?q=1");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("origin GET /open/page?q=1");
        assertThat(r.header("via")).isEqualTo("1.1 edgecert");
        PipelineFixture.NamedOrigin.Seen seen = origin.seen.stream().filter(s -> s.uri().equals("/open/page?q=1")).findFirst()
                .orElseThrow();
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    }

    @Test
    void redirectToHttpsAnswers308AndHttpsOnly403() {
        PipelineFixture.Reply redirect = edge.curl(false, site.domainName(), "/cart?id=3");
        assertThat(redirect.status()).isEqualTo(308);
        assertThat(redirect.header("location")).isEqualTo("https://" + site.domainName() + ":" + edge.edge.httpsPort() + "/cart?id=3");
        PipelineFixture.Reply refused = edge.curl(false, site.domainName(), "/secure/account");
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("HTTPS only");
        assertThat(edge.curl(true, site.domainName(), "/secure/account").status()).isEqualTo(200);
        // a name no distribution serves is still redirected, as the plain port always did
        assertThat(edge.curl(false, "unknown.example", "/x").status()).isEqualTo(308);
    }

    @Test
    void aMethodTheBehaviorDoesNotAllowIs403OverEveryProtocol() {
        int before = origin.seen.size();
        for (List<String> how : List.of(List.of("--http1.1"), List.of("--http2"))) {
            PipelineFixture.Reply post = edge.curl(true, site.domainName(), "/ro/item", how.get(0), "-X", "POST", "--data", "x=1");
            assertThat(post.status()).as(how.toString()).isEqualTo(403);
            assertThat(post.body()).contains("POST is not allowed");
        }
        assertThat(edge.curl(false, site.domainName(), "/ro/item", "-X", "DELETE").status()).isEqualTo(403);
        assertThat(origin.seen.size()).as("nothing refused reached the origin").isEqualTo(before);
        assertThat(edge.curl(true, site.domainName(), "/ro/item").status()).isEqualTo(200);
        // and elsewhere the POST goes through
        assertThat(edge.curl(true, site.domainName(), "/open/item", "-X", "POST", "--data", "x=1").status()).isEqualTo(200);
    }

    @Test
    void threePipelinedRequestsOnThePlainPortAreAnsweredInOrder() throws IOException {
        String host = site.domainName();
        String requests = "GET /open/slow HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                + "GET /secure/no HTTP/1.1\r\nHost: " + host + "\r\n\r\n"
                + "GET /open/third HTTP/1.1\r\nHost: " + host + "\r\n\r\n";
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", edge.edge.httpPort()), 5_000);
            s.setSoTimeout(10_000);
            s.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
            InputStream in = new BufferedInputStream(s.getInputStream());
            assertThat(response(in)).startsWith("HTTP/1.1 200").endsWith("origin GET /open/slow");
            assertThat(response(in)).startsWith("HTTP/1.1 403").contains("HTTPS only");
            assertThat(response(in)).startsWith("HTTP/1.1 200").endsWith("origin GET /open/third");
        }
    }

    /** One response with a Content-Length body. */
    static String response(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int length = 0;
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            head.append(line).append('\n');
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).strip());
            }
        }
        return head + "\n" + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder b = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new IOException("closed after: " + b);
            }
            if (c != '\r') {
                b.append((char) c);
            }
        }
        return b.toString();
    }
}
