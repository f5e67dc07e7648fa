package io.edgecert.edge;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

import java.util.function.IntSupplier;

/**
 * The plain HTTP port: every request is sent to the same URL over HTTPS (308 keeps the method
 * and body). Requests without a usable Host get a 400 instead of a redirect to nowhere.
 */
final class HttpsRedirectHandler extends SimpleChannelInboundHandler<HttpRequest> {
    private final IntSupplier httpsPort;

    HttpsRedirectHandler(IntSupplier httpsPort) {
        this.httpsPort = httpsPort;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpRequest req) {
        String host = ProxyHeaders.hostWithoutPort(req.headers().get(HttpHeaderNames.HOST));
        FullHttpResponse response;
        if (host == null || !host.matches("[A-Za-z0-9.-]{1,253}")) {
            response = ErrorPages.page(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, "This request has no valid Host header.");
        } else {
            int port = httpsPort.getAsInt();
            String uri = req.uri().startsWith("/") ? req.uri() : "/";
            response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PERMANENT_REDIRECT);
            response.headers().set(HttpHeaderNames.LOCATION, "https://" + host + (port == 443 ? "" : ":" + port) + uri)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, 0);
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        HttpUtil.setKeepAlive(response, keepAlive);
        var f = ctx.writeAndFlush(response);
        if (!keepAlive) {
            f.addListener(ChannelFutureListener.CLOSE);
        }
    }
}
