package io.edgecert.edge;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;

import static org.assertj.core.api.Assertions.assertThat;

class ProxyHeadersTest {
    private static final SocketAddress CLIENT = new InetSocketAddress("192.0.2.7", 50123);

    private static HttpHeaders headers(String... namesAndValues) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            h.add(namesAndValues[i], namesAndValues[i + 1]);
        }
        return h;
    }

    @Test
    void hopByHopHeadersAndTheOnesConnectionNamesNeverReachTheOrigin() {
        HttpHeaders h = headers("Connection", "keep-alive, X-Secret-Hop", "Connection", "close, Other-Hop",
                "Keep-Alive", "timeout=5", "Proxy-Authorization", "Basic eA==", "Proxy-Authenticate", "Basic",
                "TE", "trailers", "Trailer", "X-Checksum", "Upgrade", "h2c", "Proxy-Connection", "keep-alive",
                "X-Secret-Hop", "1", "Other-Hop", "2", "x-http2-stream-id", "3", "X-HTTP2-Scheme", "https",
                "Expect", "100-continue", "Accept", "text/plain", "Authorization", "Bearer end-to-end");
        ProxyHeaders.toOrigin(h, URI.create("http://origin.internal:8080/app"), "shop.example.com", CLIENT, "1.1");
        assertThat(h.names()).map(String::toLowerCase).containsOnly(
                "accept", "authorization", "host", "x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "via");
        assertThat(h.get("Authorization")).isEqualTo("Bearer end-to-end"); // end-to-end headers cross untouched
    }

    @Test
    void theOriginIsToldWhoAskedAndAPriorForwardedForChainIsExtended() {
        HttpHeaders first = headers("Host", "shop.example.com");
        ProxyHeaders.toOrigin(first, URI.create("https://origin.internal"), "shop.example.com", CLIENT, "2.0");
        assertThat(first.get("X-Forwarded-For")).isEqualTo("192.0.2.7");
        assertThat(first.get("X-Forwarded-Proto")).isEqualTo("https");
        assertThat(first.get("X-Forwarded-Host")).isEqualTo("shop.example.com");
        assertThat(first.getAll("Via")).containsExactly("2.0 edgecert");

        HttpHeaders chained = headers("X-Forwarded-For", "203.0.113.1, 198.51.100.2", "X-Forwarded-Proto", "http",
                "X-Forwarded-Host", "spoofed.test", "Via", "1.0 corp-proxy");
        ProxyHeaders.toOrigin(chained, URI.create("https://origin.internal"), "shop.example.com", CLIENT, "1.1");
        assertThat(chained.getAll("X-Forwarded-For")).containsExactly("203.0.113.1, 198.51.100.2, 192.0.2.7");
        assertThat(chained.getAll("X-Forwarded-Proto")).containsExactly("https"); // the edge's word, not the client's
        assertThat(chained.getAll("X-Forwarded-Host")).containsExactly("shop.example.com");
        assertThat(chained.getAll("Via")).containsExactly("1.0 corp-proxy", "1.1 edgecert");
    }

    @Test
    void aClientAddressThatIsNotAnInternetAddressIsUnknown() {
        HttpHeaders h = headers();
        ProxyHeaders.toOrigin(h, URI.create("http://origin.internal"), "shop.example.com", new SocketAddress() { }, "1.1");
        assertThat(h.get("X-Forwarded-For")).isEqualTo("unknown");
    }

    @ParameterizedTest(name = "origin {0} -> Host {1}")
    @CsvSource({
            "http://origin.internal,            origin.internal",
            "http://origin.internal:80/x,       origin.internal",
            "https://origin.internal:443,       origin.internal",
            "https://origin.internal:80,        origin.internal:80",
            "http://origin.internal:443,        origin.internal:443",
            "http://127.0.0.1:8080/app,         127.0.0.1:8080",
    })
    void theHostHeaderNamesTheOriginWithItsPortUnlessItIsTheSchemesDefault(String origin, String host) {
        HttpHeaders h = headers("Host", "shop.example.com");
        ProxyHeaders.toOrigin(h, URI.create(origin), "shop.example.com", CLIENT, "1.1");
        assertThat(h.getAll("Host")).containsExactly(host);
    }

    @Test
    void theOriginsHopByHopHeadersStayWithTheEdgeAndTheClientSeesVia() {
        HttpHeaders h = headers("Connection", "X-Origin-Hop", "X-Origin-Hop", "1", "Keep-Alive", "timeout=5",
                "Upgrade", "websocket", "Content-Type", "text/plain", "Via", "1.1 origin-cache");
        ProxyHeaders.toClient(h, "1.1");
        assertThat(h.names()).map(String::toLowerCase).containsOnly("content-type", "via");
        assertThat(h.getAll("Via")).containsExactly("1.1 origin-cache", "1.1 edgecert");
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "Example.com:8443,   Example.com",
            "example.com,        example.com",
            "' example.com:1 ',  example.com",
            "[2001:db8::1]:8443, [2001:db8::1]",
            "[2001:db8::1],      [2001:db8::1]",
            "[2001:db8::1,       [2001:db8::1",
    })
    void hostWithoutPortDropsThePortAndKeepsIpv6Brackets(String host, String expected) {
        assertThat(ProxyHeaders.hostWithoutPort(host)).isEqualTo(expected);
    }

    @Test
    void hostWithoutPortOfNullIsNull() {
        assertThat(ProxyHeaders.hostWithoutPort(null)).isNull();
    }
}
