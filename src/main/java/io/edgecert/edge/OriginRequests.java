package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.Selection;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;

import java.net.SocketAddress;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/**
 * The request head the origin stage sends: the viewer's request as the behavior's origin request
 * policy lets it through, CloudFront's way. What the cache key holds (the cache policy's headers,
 * cookies and query strings) reaches the origin too; {@code Managed-AllViewer} passes everything,
 * as the proxy always did. Framing headers (Content-Length, Transfer-Encoding) and the body's
 * Content-Type/-Encoding always go, else the body could not be read. Then the proxy's own rules
 * ({@link ProxyHeaders}: hop-by-hop headers dropped, the origin's Host, X-Forwarded-*, Via).
 * The path is the origin URL's path, then the origin's originPath, then the viewer's path.
 * The viewer's request is left as it is: later stages still read it.
 */
final class OriginRequests {
    private OriginRequests() {
    }

    static HttpRequest build(HttpRequest viewer, HttpMethod method, String uri, EdgeRoute.Origin origin,
                             CacheBehavior behavior, SocketAddress client, String protocolVersion, boolean secure) {
        Selection headers = union(behavior.originRequestPolicy().headers(), behavior.cachePolicy().headers());
        Selection cookies = union(behavior.originRequestPolicy().cookies(), behavior.cachePolicy().cookies());
        Selection queries = union(behavior.originRequestPolicy().queryStrings(), behavior.cachePolicy().queryStrings());
        HttpHeaders h;
        if (headers.kind() == Selection.Kind.ALL && cookies.kind() == Selection.Kind.ALL) {
            h = viewer.headers().copy();
        } else {
            h = new DefaultHttpHeaders(false); // names and values were validated by the decoder
            for (Map.Entry<String, String> e : viewer.headers()) {
                String name = e.getKey().toLowerCase(Locale.ROOT);
                if (name.equals("cookie")) {
                    String kept = selectPairs(e.getValue(), cookies, "; ", ';');
                    if (!kept.isEmpty()) {
                        h.add(HttpHeaderNames.COOKIE, kept);
                    }
                } else if (alwaysSent(name) || headers.includesHeader(name)) {
                    h.add(e.getKey(), e.getValue());
                }
            }
        }
        String clientHost = ProxyHeaders.hostWithoutPort(viewer.headers().get(HttpHeaderNames.HOST));
        URI url = origin.url();
        ProxyHeaders.toOrigin(h, url, clientHost, client, protocolVersion, secure);
        String path = base(url.getRawPath()) + base(origin.originPath()) + query(uri, queries);
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, path, h);
    }

    private static boolean alwaysSent(String lowerName) {
        return switch (lowerName) {
            case "content-length", "transfer-encoding", "content-type", "content-encoding" -> true;
            default -> false;
        };
    }

    /** What the origin gets is what either policy names (CloudFront adds the cache key to the origin request). */
    static Selection union(Selection a, Selection b) {
        if (a.kind() == Selection.Kind.ALL || b.kind() == Selection.Kind.ALL) {
            return Selection.ALL;
        }
        if (b.kind() == Selection.Kind.NONE) {
            return a;
        }
        if (a.kind() == Selection.Kind.NONE) {
            return b;
        }
        if (a.kind() == Selection.Kind.WHITELIST && b.kind() == Selection.Kind.WHITELIST) {
            return new Selection(Selection.Kind.WHITELIST, java.util.stream.Stream.concat(a.names().stream(),
                    b.names().stream()).distinct().toList());
        }
        // allExcept with anything: excluded only what every allExcept excludes and no whitelist names
        Selection except = a.kind() == Selection.Kind.ALL_EXCEPT ? a : b;
        Selection other = except == a ? b : a;
        return new Selection(Selection.Kind.ALL_EXCEPT, except.names().stream()
                .filter(n -> other.kind() == Selection.Kind.ALL_EXCEPT ? other.names().contains(n) : !other.names().contains(n))
                .toList());
    }

    /** "" for no path or "/", else the path without its trailing slash. */
    private static String base(String p) {
        if (p == null || p.isEmpty() || p.equals("/")) {
            return "";
        }
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    /** The request target with only the selected query strings. */
    static String query(String uri, Selection queries) {
        int q = uri.indexOf('?');
        if (q < 0 || queries.kind() == Selection.Kind.ALL) {
            return uri;
        }
        String kept = selectPairs(uri.substring(q + 1), queries, "&", '&');
        return kept.isEmpty() ? uri.substring(0, q) : uri.substring(0, q + 1) + kept;
    }

    /** name=value pairs separated by {@code separator}, the ones whose name the selection includes. */
    private static String selectPairs(String text, Selection selection, String joiner, char separator) {
        if (selection.kind() == Selection.Kind.ALL) {
            return text;
        }
        if (selection.kind() == Selection.Kind.NONE) {
            return "";
        }
        StringBuilder out = new StringBuilder();
        int start = 0;
        while (start <= text.length()) {
            int end = text.indexOf(separator, start);
            if (end < 0) {
                end = text.length();
            }
            String pair = text.substring(start, end).strip();
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            if (!pair.isEmpty() && selection.includes(name)) {
                out.append(out.isEmpty() ? "" : joiner).append(pair);
            }
            start = end + 1;
        }
        return out.toString();
    }
}
