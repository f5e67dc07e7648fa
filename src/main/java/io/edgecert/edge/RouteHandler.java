package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.EdgeRoute;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;

import java.util.Optional;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * Stage "route": which distribution serves the request (Host through the route table) and which
 * of its cache behaviors (the path without its query string); the answer is the channel's
 * {@link Exchange#CURRENT} for the stages behind. A request that no distribution serves is
 * answered here: 404 (on the plain HTTP port, as before behaviors, the redirect to https), 421
 * when the Host names another distribution than the TLS connection was opened for, and 400/431/414
 * for what the HTTP/1.1 decoder could not read (then the connection closes).
 */
final class RouteHandler extends ChannelInboundHandlerAdapter {
    private final Supplier<RouteTable> routes;
    private final boolean secure;
    private final IntSupplier httpsPort;
    /** The rest of a request answered here is dropped. */
    private boolean discarding;

    RouteHandler(Supplier<RouteTable> routes, boolean secure, IntSupplier httpsPort) {
        this.routes = routes;
        this.secure = secure;
        this.httpsPort = httpsPort;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            discarding = false;
            if (req.decoderResult().isFailure()) {
                rejectMalformed(ctx, req);
            } else if (!route(ctx, req)) {
                discarding = !(msg instanceof LastHttpContent);
                ReferenceCountUtil.release(msg);
            } else {
                ctx.fireChannelRead(msg);
            }
        } else if (discarding && msg instanceof HttpContent) {
            discarding = !(msg instanceof LastHttpContent);
            ReferenceCountUtil.release(msg);
        } else {
            ctx.fireChannelRead(msg);
        }
    }

    /** Sets the exchange and returns true, or answers the request and returns false. */
    private boolean route(ChannelHandlerContext ctx, HttpRequest req) {
        ctx.channel().attr(Exchange.CURRENT).set(null); // no stage behind may take a refused request for the last one
        String host = ProxyHeaders.hostWithoutPort(req.headers().get(HttpHeaderNames.HOST));
        Optional<RouteTable.Match> match = routes.get().lookup(host);
        if (match.isEmpty()) {
            if (!secure) {
                OwnResponses.send(ctx, req, HttpsRedirect.response(ctx.alloc(), req, httpsPort.getAsInt()), false);
            } else {
                OwnResponses.send(ctx, req, ErrorPages.page(ctx.alloc(), HttpResponseStatus.NOT_FOUND, "No distribution serves "
                        + (host == null ? "this request (no Host header)" : host) + "."), false);
            }
            return false;
        }
        EdgeRoute route = match.get().route();
        RouteTable.Match sni = secure ? connection(ctx.channel()).attr(EdgeSniHandler.SNI_MATCH).get() : null;
        if (sni != null && !sni.route().distributionId().equals(route.distributionId())) {
            OwnResponses.send(ctx, req, ErrorPages.page(ctx.alloc(), HttpResponseStatus.MISDIRECTED_REQUEST,
                    "This connection was opened for " + sni.route().domainName() + "; open a new connection for " + host + "."),
                    false);
            return false;
        }
        CacheBehavior behavior = route.behaviorFor(pathOf(req.uri()));
        ctx.channel().attr(Exchange.CURRENT).set(new Exchange(route, behavior, req, secure));
        return true;
    }

    /**
     * The HTTP/1.1 decoder could not parse the request head: never proxy a guess. 431 for headers
     * over the limit, 414 for a long request line, else 400; the connection closes, since the
     * decoder discards the rest.
     */
    private void rejectMalformed(ChannelHandlerContext ctx, HttpRequest req) {
        Throwable cause = req.decoderResult().cause();
        ReferenceCountUtil.release(req);
        discarding = true;
        HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : HttpResponseStatus.BAD_REQUEST;
        OwnResponses.send(ctx, req, ErrorPages.page(ctx.alloc(), status, "The request could not be read as HTTP/1.1 ("
                + OriginHandler.rootMessage(cause) + ")."), true);
    }

    /** The request target's path: origin-form up to the query; absolute-form without scheme and authority. */
    static String pathOf(String uri) {
        int start = 0;
        if (!uri.startsWith("/")) {
            int scheme = uri.indexOf("://");
            start = scheme < 0 ? 0 : uri.indexOf('/', scheme + 3);
            if (start < 0) {
                return "/";
            }
        }
        int q = uri.indexOf('?', start);
        int f = uri.indexOf('#', start);
        int end = q < 0 ? (f < 0 ? uri.length() : f) : (f < 0 ? q : Math.min(q, f));
        return start == 0 && end == uri.length() ? uri : uri.substring(start, end);
    }

    static Channel connection(Channel ch) {
        return ch instanceof Http2StreamChannel ? ch.parent() : ch;
    }
}
