package io.edgecert.edge;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header rules of the reverse proxy, in one place: hop-by-hop headers (RFC 9110 7.6.1) never
 * cross; the origin is told who asked (X-Forwarded-For/-Proto/-Host) and both sides see Via.
 */
final class ProxyHeaders {
    static final String VIA = "1.1 edgecert";

    private static final Set<AsciiString> HOP_BY_HOP = Set.of(HttpHeaderNames.CONNECTION, HttpHeaderNames.KEEP_ALIVE,
            HttpHeaderNames.PROXY_AUTHENTICATE, HttpHeaderNames.PROXY_AUTHORIZATION, HttpHeaderNames.TE,
            HttpHeaderNames.TRAILER, HttpHeaderNames.UPGRADE, AsciiString.of("proxy-connection"));

    private ProxyHeaders() {
    }

    /** Headers for the request to the origin, from the client's. */
    static void toOrigin(HttpHeaders h, URI origin, String clientHost, SocketAddress client, String protocolVersion) {
        toOrigin(h, origin, clientHost, client, protocolVersion, true);
    }

    /** @param secure whether the viewer came over TLS (X-Forwarded-Proto https) or the plain HTTP port */
    static void toOrigin(HttpHeaders h, URI origin, String clientHost, SocketAddress client, String protocolVersion,
                         boolean secure) {
        removeHopByHop(h);
        h.remove(HttpHeaderNames.EXPECT); // answered by the edge itself
        int port = origin.getPort();
        boolean defaultPort = port < 0 || (port == 443 && "https".equals(origin.getScheme()))
                || (port == 80 && "http".equals(origin.getScheme()));
        h.set(HttpHeaderNames.HOST, origin.getHost() + (defaultPort ? "" : ":" + port));
        String clientIp = client instanceof InetSocketAddress a ? a.getAddress().getHostAddress() : "unknown";
        String prior = h.get("X-Forwarded-For");
        h.set("X-Forwarded-For", prior == null ? clientIp : prior + ", " + clientIp);
        h.set("X-Forwarded-Proto", secure ? "https" : "http");
        h.set("X-Forwarded-Host", clientHost);
        h.add(HttpHeaderNames.VIA, protocolVersion + " edgecert");
    }

    /** Headers of the origin's response on their way to the client. */
    static void toClient(HttpHeaders h, String protocolVersion) {
        removeHopByHop(h);
        h.add(HttpHeaderNames.VIA, protocolVersion + " edgecert");
    }

    private static void removeHopByHop(HttpHeaders h) {
        // Headers named in Connection are hop-by-hop too.
        for (String named : h.getAll(HttpHeaderNames.CONNECTION)) {
            for (String n : named.split(",")) {
                if (!n.isBlank() && !n.strip().equalsIgnoreCase(HttpHeaderValues.CLOSE.toString())) {
                    h.remove(n.strip());
                }
            }
        }
        HOP_BY_HOP.forEach(h::remove);
        List<String> internal = new ArrayList<>();
        for (var e : h) {
            if (e.getKey().toLowerCase(Locale.ROOT).startsWith("x-http2-")) {
                internal.add(e.getKey()); // netty's HTTP/2 conversion markers
            }
        }
        internal.forEach(h::remove);
    }

    /** "Example.com:8443" → "Example.com"; IPv6 literals keep their brackets. Null stays null. */
    static String hostWithoutPort(String host) {
        if (host == null) {
            return null;
        }
        String h = host.strip();
        if (h.startsWith("[")) {
            int end = h.indexOf(']');
            return end < 0 ? h : h.substring(0, end + 1);
        }
        int colon = h.indexOf(':');
        return colon < 0 ? h : h.substring(0, colon);
    }
}
