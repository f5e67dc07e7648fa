package io.edgecert.edge;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The plain HTTP port's redirect: the same URL over HTTPS (308 keeps the method and body).
 * Requests without a usable Host get a 400 instead of a redirect to nowhere.
 */
final class HttpsRedirect {
    private HttpsRedirect() {
    }

    static FullHttpResponse response(ByteBufAllocator alloc, HttpRequest req, int httpsPort) {
        String host = ProxyHeaders.hostWithoutPort(req.headers().get(HttpHeaderNames.HOST));
        if (host == null || !host.matches("[A-Za-z0-9.-]{1,253}")) {
            return ErrorPages.page(alloc, HttpResponseStatus.BAD_REQUEST, "This request has no valid Host header.");
        }
        String uri = req.uri().startsWith("/") ? req.uri() : "/";
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
        response.headers().set(HttpHeaderNames.LOCATION, "https://" + host + (httpsPort == 443 ? "" : ":" + httpsPort) + uri)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        return response;
    }
}
