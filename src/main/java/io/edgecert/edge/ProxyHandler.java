package io.edgecert.edge;

import io.edgecert.serving.EdgeRoute;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Reverse proxy for one client connection (HTTP/1.1) or one stream (HTTP/2, through netty's
 * frame-to-HttpObject codec): picks the distribution by Host, borrows a pooled connection to its
 * origin on the same event loop and streams the request and the response through, chunk by
 * chunk, with back-pressure both ways. One exchange at a time: reading the next request waits
 * until the response of the current one is complete.
 */
final class ProxyHandler extends ChannelInboundHandlerAdapter implements OriginRelay.Exchange {
    /**
     * Messages of pipelined requests held while one is in flight before the client is no longer
     * read: a GET is two messages, a body part at most 64 KB (the codec's chunk limit).
     */
    private static final int MAX_QUEUED = 8;

    private final Supplier<RouteTable> routes;
    private final OriginPools origins;
    private final long responseTimeoutMillis;

    private ChannelHandlerContext ctx;
    /** Parts of the request that arrived before the origin connection was ready. */
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    /** Messages of a next request that arrived while this one was in flight. */
    private final ArrayDeque<HttpObject> queued = new ArrayDeque<>();
    private Channel origin;
    /**
     * HTTP/1.1 only: the origin connection of the previous exchange, kept for this client
     * connection's next request to the same origin; saves a pool round trip per request.
     */
    private Channel idleOrigin;
    private OriginPools.OriginKey idleOriginKey;
    private boolean discardingRequest;
    private boolean replaying;
    private boolean requestComplete;
    private boolean responseStarted;
    private boolean exchangeOpen;
    private boolean originReusable;
    /**
     * When the origin must have started its response (System.nanoTime), 0 when nothing is awaited.
     * One timer per connection checks it and re-arms itself while requests keep coming, instead
     * of a timer scheduled and cancelled for every request.
     */
    private long responseDeadline;
    private ScheduledFuture<?> responseTimer;
    /** Written but not yet flushed, so that read-complete flushes only when there is something to send. */
    private boolean originUnflushed;
    private boolean clientUnflushed;
    /** The origin connection is being acquired asynchronously: the client is not read meanwhile. */
    private boolean awaitingOrigin;
    private String originName;
    private OriginPools.OriginKey currentKey;

    ProxyHandler(Supplier<RouteTable> routes, OriginPools origins, long responseTimeoutMillis) {
        this.routes = routes;
        this.origins = origins;
        this.responseTimeoutMillis = responseTimeoutMillis;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private Channel connection() {
        Channel ch = ctx.channel();
        return ch instanceof Http2StreamChannel ? ch.parent() : ch;
    }

    private String protocolVersion() {
        return ctx.channel() instanceof Http2StreamChannel ? "2" : "1.1";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HttpObject o)) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (exchangeOpen && msg instanceof HttpRequest || !queued.isEmpty() && !replaying) {
            queued.add(o); // pipelined: decoded from the same read as the current request
            updateClientReading();
            return;
        }
        if (o.decoderResult().isFailure()) {
            rejectMalformed(o);
            return;
        }
        if (msg instanceof HttpRequest req) {
            startExchange(req);
            if (msg instanceof LastHttpContent full) { // HTTP/2 headers that end the stream come as one message
                forwardBody(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            } else if (msg instanceof HttpContent part) {
                forwardBody(new DefaultHttpContent(part.content()));
            }
        } else if (msg instanceof HttpContent content) {
            forwardBody(content);
        }
    }

    /**
     * The HTTP/1.1 decoder could not parse what the client sent: never proxy a guess. A broken
     * request head gets 400 (431 for headers over the limit, 414 for a long request line) and the
     * connection closes, since the decoder discards the rest; a body that breaks mid-exchange cuts
     * both connections, as the origin already has part of it.
     */
    private void rejectMalformed(HttpObject o) {
        Throwable cause = o.decoderResult().cause();
        ReferenceCountUtil.release(o);
        if (exchangeOpen) {
            onOriginFailure(cause); // closes the origin connection; before a response, answers 502
            ctx.close();
            return;
        }
        HttpResponseStatus status = cause instanceof TooLongHttpHeaderException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                : cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                : HttpResponseStatus.BAD_REQUEST;
        discardingRequest = true;
        writeOwnResponse(ErrorPages.page(ctx.alloc(), status, "The request could not be read as HTTP/1.1 ("
                + rootMessage(cause) + ")."), true);
    }

    /** Requests that waited for the previous exchange, replayed in order. */
    private void replayQueued() {
        replaying = true;
        try {
            while (!queued.isEmpty() && !(exchangeOpen && queued.peek() instanceof HttpRequest)) {
                channelRead(ctx, queued.poll());
            }
        } finally {
            replaying = false;
        }
        if (origin != null && originUnflushed) {
            origin.flush();
            originUnflushed = false;
        }
    }

    private void startExchange(HttpRequest req) {
        String host = ProxyHeaders.hostWithoutPort(req.headers().get(HttpHeaderNames.HOST));
        Optional<RouteTable.Match> match = routes.get().lookup(host);
        RouteTable.Match sni = connection().attr(EdgeSniHandler.SNI_MATCH).get();
        if (match.isEmpty()) {
            refuse(HttpResponseStatus.NOT_FOUND, "No distribution serves " + (host == null ? "this request (no Host header)" : host) + ".");
            return;
        }
        if (sni != null && !sni.route().distributionId().equals(match.get().route().distributionId())) {
            refuse(HttpResponseStatus.MISDIRECTED_REQUEST, "This connection was opened for " + sni.route().domainName()
                    + "; open a new connection for " + host + ".");
            return;
        }
        EdgeRoute route = match.get().route();
        URI target = route.defaultOrigin().url();
        originName = target.getHost();
        String path = target.getRawPath() == null || target.getRawPath().isEmpty() || target.getRawPath().equals("/")
                ? req.uri() : stripTrailingSlash(target.getRawPath()) + req.uri();
        // The decoded request is not used again: its (already validated) headers move over as they are.
        HttpRequest toOrigin = new DefaultHttpRequest(HttpVersion.HTTP_1_1, req.method(), path, req.headers());
        ProxyHeaders.toOrigin(toOrigin.headers(), target, host, connection().remoteAddress(), protocolVersion());
        if (req instanceof LastHttpContent full) {
            if (full.content().isReadable() && !HttpUtil.isContentLengthSet(toOrigin)) {
                HttpUtil.setContentLength(toOrigin, full.content().readableBytes());
            }
        } else if (ctx.channel() instanceof Http2StreamChannel && !HttpUtil.isContentLengthSet(toOrigin)) {
            HttpUtil.setTransferEncodingChunked(toOrigin, true); // an HTTP/2 body of unknown length
        }
        exchangeOpen = true;
        requestComplete = false;
        responseStarted = false;
        originReusable = true;
        pending.add(toOrigin);
        OriginPools.OriginKey key = OriginPools.OriginKey.of(target);
        currentKey = key;
        if (idleOrigin != null) {
            Channel kept = idleOrigin;
            idleOrigin = null;
            if (key.equals(idleOriginKey) && kept.isActive()) {
                originAcquired(ctx.executor().newSucceededFuture(kept));
                return;
            }
            origins.release(kept, true);
        }
        Future<Channel> acquired = origins.acquire(ctx.channel().eventLoop(), key);
        if (!acquired.isDone()) {
            awaitingOrigin = true; // a new connection: hold the body until it is ready
            updateClientReading();
        }
        acquired.addListener(f -> originAcquired(acquired));
    }

    private static String stripTrailingSlash(String p) {
        return p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    private void originAcquired(Future<Channel> f) {
        awaitingOrigin = false;
        if (!f.isSuccess()) {
            failBeforeResponse(f.cause());
            return;
        }
        Channel ch = f.getNow();
        if (!ctx.channel().isActive() || !exchangeOpen) {
            origins.release(ch, true);
            drainPending();
            return;
        }
        origin = ch;
        origin.pipeline().get(OriginRelay.class).begin(this);
        while (!pending.isEmpty()) {
            HttpObject o = pending.poll();
            noteRequestEnd(o);
            origin.write(o);
        }
        origin.flush();
        originUnflushed = false;
        updateClientReading();
    }

    /**
     * Reads from the client go on unless something must wait: the origin connection is not ready,
     * the origin cannot take more of the body, or pipelined requests pile up. Toggling reads costs
     * an epoll_ctl each time, so the common exchange (a request, then its response) never does.
     */
    private void updateClientReading() {
        boolean hold = awaitingOrigin || queued.size() >= MAX_QUEUED
                || origin != null && !requestComplete && !origin.isWritable();
        ctx.channel().config().setAutoRead(!hold);
    }

    private void forwardBody(HttpContent content) {
        if (discardingRequest) {
            discardingRequest = !(content instanceof LastHttpContent);
            content.release();
            return;
        }
        if (!exchangeOpen) {
            content.release();
            return;
        }
        if (origin == null) {
            pending.add(content);
            return;
        }
        noteRequestEnd(content);
        origin.write(content); // flushed in channelReadComplete
        originUnflushed = true;
        if (!origin.isWritable()) {
            updateClientReading();
        }
    }

    private void noteRequestEnd(HttpObject o) {
        if (o instanceof LastHttpContent) {
            requestComplete = true;
            if (!responseStarted && responseDeadline == 0) {
                responseDeadline = Math.max(1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(responseTimeoutMillis));
                if (responseTimer == null) {
                    responseTimer = ctx.executor().schedule(this::checkResponseDeadline, responseTimeoutMillis, TimeUnit.MILLISECONDS);
                }
            }
        }
    }

    @Override
    public void onOriginResponse(HttpObject msg) {
        if (msg instanceof HttpResponse r) { // the final one: InformationalResponseFilter dropped any 1xx
            clearResponseDeadline();
            responseStarted = true;
            originReusable = HttpUtil.isKeepAlive(r);
            ProxyHeaders.toClient(r.headers(), protocolVersion());
            if (!(ctx.channel() instanceof Http2StreamChannel) && !HttpUtil.isContentLengthSet(r)
                    && !HttpUtil.isTransferEncodingChunked(r) && !(r instanceof LastHttpContent)) {
                HttpUtil.setTransferEncodingChunked(r, true); // a close-delimited origin body, re-framed
            }
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            ctx.writeAndFlush(msg);
            clientUnflushed = false;
        } else {
            ctx.write(msg); // flushed when the origin read completes: one syscall per read, not per part
            clientUnflushed = true;
        }
        if (!ctx.channel().isWritable() && origin != null) {
            origin.config().setAutoRead(false);
        }
        if (last) {
            finishExchange(originReusable && requestComplete);
        }
    }

    private void finishExchange(boolean reuseOrigin) {
        clearResponseDeadline();
        exchangeOpen = false;
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origin.config().setAutoRead(true);
            if (reuseOrigin && !(ctx.channel() instanceof Http2StreamChannel) && ctx.channel().isActive()) {
                idleOrigin = origin;
                idleOriginKey = currentKey;
            } else {
                origins.release(origin, reuseOrigin);
            }
            origin = null;
        }
        drainPending();
        ctx.channel().config().setAutoRead(true);
        replayQueued();
    }

    @Override
    public void onOriginFailure(Throwable cause) {
        if (origin != null) {
            origins.release(origin, false);
            origin = null;
        }
        if (!exchangeOpen) {
            return;
        }
        if (responseStarted) {
            // Headers are out: the only honest signal left is to cut the client's connection.
            exchangeOpen = false;
            clearResponseDeadline();
            ctx.channel().close();
        } else {
            failBeforeResponse(cause);
        }
    }

    @Override
    public void onOriginIdle() {
        // Before the head the 504 timer decides; once streaming, silence means a stalled origin.
        if (exchangeOpen && responseStarted) {
            onOriginFailure(new IOException("the origin sent nothing for the idle timeout"));
        }
    }

    private void failBeforeResponse(Throwable cause) {
        String why = cause instanceof ConnectTimeoutException ? "the connection timed out"
                : cause instanceof ConnectException ? "the connection was refused"
                : cause instanceof SSLException || cause.getCause() instanceof SSLException
                ? "its TLS certificate could not be verified (" + rootMessage(cause) + ")"
                : rootMessage(cause);
        respondError(HttpResponseStatus.BAD_GATEWAY, "The origin " + originName + " could not be reached: " + why + ".");
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage();
    }

    private void checkResponseDeadline() {
        responseTimer = null;
        if (responseDeadline == 0) {
            return; // answered; the next request arms a timer again
        }
        long left = responseDeadline - System.nanoTime();
        if (left > 0) {
            responseTimer = ctx.executor().schedule(this::checkResponseDeadline, left, TimeUnit.NANOSECONDS);
            return;
        }
        responseDeadline = 0;
        responseTimedOut();
    }

    private void responseTimedOut() {
        if (exchangeOpen && !responseStarted) {
            if (origin != null) {
                origin.pipeline().get(OriginRelay.class).end();
                origins.release(origin, false);
                origin = null;
            }
            respondError(HttpResponseStatus.GATEWAY_TIMEOUT, "The origin " + originName + " did not answer within "
                    + responseTimeoutMillis / 1000 + " s.");
        }
    }

    private void respondError(HttpResponseStatus status, String text) {
        exchangeOpen = false;
        clearResponseDeadline();
        if (!requestComplete) {
            discardingRequest = true;
        }
        drainPending();
        writeOwnResponse(ErrorPages.page(ctx.alloc(), status, text), !requestComplete);
        ctx.channel().config().setAutoRead(true);
        replayQueued();
    }

    /** An answer of the edge itself to a request it will not proxy. */
    private void refuse(HttpResponseStatus status, String text) {
        discardingRequest = true;
        writeOwnResponse(ErrorPages.page(ctx.alloc(), status, text), false);
    }

    private void writeOwnResponse(FullHttpResponse response, boolean closeAfter) {
        if (closeAfter && !(ctx.channel() instanceof Http2StreamChannel)) {
            HttpUtil.setKeepAlive(response, false);
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(response);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (origin != null && originUnflushed) {
            origin.flush();
            originUnflushed = false;
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void onOriginReadComplete() {
        if (clientUnflushed) {
            ctx.flush();
            clientUnflushed = false;
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (origin != null && ctx.channel().isWritable()) {
            origin.config().setAutoRead(true);
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void onOriginWritabilityChanged(boolean writable) {
        if (exchangeOpen) {
            updateClientReading();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        clearResponseDeadline();
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
        exchangeOpen = false;
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origins.release(origin, false); // mid-exchange: the origin connection cannot be reused
            origin = null;
        }
        if (idleOrigin != null) {
            origins.release(idleOrigin, true);
            idleOrigin = null;
        }
        drainPending();
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    /** Nothing is awaited any more; the timer, if armed, finds no deadline and lapses. */
    private void clearResponseDeadline() {
        responseDeadline = 0;
    }

    private void drainPending() {
        while (!pending.isEmpty()) {
            ReferenceCountUtil.release(pending.poll());
        }
    }
}
