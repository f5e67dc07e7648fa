package io.edgecert.edge;

import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.OriginGroup;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.ScheduledFuture;

import javax.net.ssl.SSLException;
import java.io.IOException;
import java.net.ConnectException;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Stage "origin", the last: fetches the response from the behavior's origin over a pooled
 * connection on the same event loop and streams request and response through, chunk by chunk,
 * with back-pressure both ways; 502/504 pages when the origin fails. Two things can make it ask
 * again before anything reaches the client, once the viewer's whole request is in hand:
 * <ul>
 *   <li>an origin group: the primary's failover status, a refused connection or a timeout sends a
 *       GET, HEAD or OPTIONS without a body to the secondary (CloudFront's rule);</li>
 *   <li>a custom error response: an origin status equal to its errorCode, or a failed origin for
 *       502/504, is answered with the object at responsePagePath (fetched through the behavior
 *       for that path), with responseCode when given.</li>
 * </ul>
 * The response that is not sent (the failed primary's, the error's) is read to its end and
 * released, so its connection can be reused.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter implements OriginRelay.Exchange {
    private static final int NO_STATUS = 0;

    /** Where the exchange is; {@code null} between exchanges. */
    private enum Phase {
        /** Waiting for a pooled or new origin connection; the request is held in {@link #pending}. */
        CONNECTING,
        /** The request is going or gone to the origin; no response head yet. */
        ASKED,
        /** A response is being sent to the client. */
        STREAMING,
        /** An origin response that is not for the client is read to its end, then {@link #next} is asked. */
        DISCARDING
    }

    /** Which origin request this is. */
    private enum Attempt { FIRST, FAILOVER, ERROR_PAGE }

    private final OriginPools origins;
    private final long responseTimeoutMillis;
    private final boolean secure;

    private ChannelHandlerContext ctx;
    /** Parts of the request that arrived before the origin connection was ready. */
    private final ArrayDeque<HttpObject> pending = new ArrayDeque<>();
    private Channel origin;
    /**
     * HTTP/1.1 only: the origin connection of the previous exchange, kept for this client
     * connection's next request to the same origin; saves a pool round trip per request.
     */
    private Channel idleOrigin;
    private OriginPools.OriginKey idleOriginKey;
    private OriginPools.OriginKey currentKey;
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

    private Exchange exchange;
    /**
     * The request as it reached this stage: the viewer's, unless a stage in front changed it (the
     * cache asking conditionally); asked again as it is for a failover.
     */
    private HttpRequest request;
    private Phase phase;
    private Attempt attempt;
    /** What the discarded response leads to: a failover or an error page; null: none. */
    private Attempt next;
    private EdgeRoute.Origin target;
    /** The viewer's request has been read to its end (so it can be asked again, or answered early). */
    private boolean viewerDone;
    /** Bytes of the viewer's body went to the origin: this request cannot be repeated. */
    private boolean bodySent;
    private boolean originReusable;
    private long askedNanos;
    /** The error page's status for the client; the status being replaced. */
    private int errorStatus = NO_STATUS;
    private CustomErrorResponse errorResponse;

    OriginHandler(OriginPools origins, long responseTimeoutMillis, boolean secure) {
        this.origins = origins;
        this.responseTimeoutMillis = responseTimeoutMillis;
        this.secure = secure;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    private boolean http2() {
        return ctx.channel() instanceof Http2StreamChannel;
    }

    private String protocolVersion() {
        return http2() ? "2" : "1.1";
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest req) {
            startExchange(req);
            if (msg instanceof LastHttpContent full) { // HTTP/2 headers that end the stream come as one message
                forwardBody(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
            } else if (msg instanceof HttpContent part) {
                forwardBody(new DefaultHttpContent(part.content()));
            }
        } else if (msg instanceof HttpContent content) {
            if (content.decoderResult().isFailure()) {
                // the body broke mid-exchange: the origin already has part of it, cut both connections
                content.release();
                onOriginFailure(content.decoderResult().cause());
                ctx.close();
                return;
            }
            forwardBody(content);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    private void startExchange(HttpRequest req) {
        Exchange ex = ctx.channel().attr(Exchange.CURRENT).get();
        exchange = ex;
        request = req;
        viewerDone = false;
        bodySent = false;
        errorStatus = NO_STATUS;
        errorResponse = null;
        next = null;
        attempt = Attempt.FIRST;
        target = primary(ex.route, ex.behavior.targetOriginId());
        HttpRequest toOrigin = OriginRequests.build(req, req.method(), req.uri(), target, ex.behavior,
                RouteHandler.connection(ctx.channel()).remoteAddress(), protocolVersion(), secure);
        if (req instanceof LastHttpContent full) {
            if (full.content().isReadable() && !HttpUtil.isContentLengthSet(toOrigin)) {
                HttpUtil.setContentLength(toOrigin, full.content().readableBytes());
            }
        } else if (http2() && !HttpUtil.isContentLengthSet(toOrigin)) {
            HttpUtil.setTransferEncodingChunked(toOrigin, true); // an HTTP/2 body of unknown length
        }
        ask(toOrigin);
    }

    /** The behavior's target: an origin, or an origin group's primary. */
    private static EdgeRoute.Origin primary(EdgeRoute route, String targetId) {
        Optional<EdgeRoute.Origin> o = route.origin(targetId);
        if (o.isPresent()) {
            return o.get();
        }
        return route.originGroup(targetId).flatMap(g -> route.origin(g.primaryOriginId())).orElse(route.defaultOrigin());
    }

    private Optional<OriginGroup> group() {
        return exchange.route.originGroup(exchange.behavior.targetOriginId());
    }

    /** The head goes first; body parts that arrive before the connection is ready wait behind it. */
    private void ask(HttpRequest head) {
        phase = Phase.CONNECTING;
        originReusable = true;
        pending.addFirst(head);
        OriginPools.OriginKey key = OriginPools.OriginKey.of(target.url());
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
            holdReads(true); // a new connection: hold the body until it is ready
        }
        acquired.addListener(f -> originAcquired(acquired));
    }

    /** Asks again without a body (failover, error page): only once the viewer's request is all read. */
    private void askAgain(HttpMethod method, String uri, CacheBehavior behavior) {
        HttpRequest head = OriginRequests.build(request, method, uri, target, behavior,
                RouteHandler.connection(ctx.channel()).remoteAddress(), protocolVersion(), secure);
        head.headers().remove(HttpHeaderNames.CONTENT_LENGTH).remove(HttpHeaderNames.TRANSFER_ENCODING);
        pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
        ask(head);
    }

    private void originAcquired(Future<Channel> f) {
        holdReads(false);
        if (phase != Phase.CONNECTING) { // the client went away meanwhile
            if (f.isSuccess()) {
                origins.release(f.getNow(), true);
            }
            return;
        }
        if (!f.isSuccess()) {
            originFailedBeforeResponse(f.cause());
            return;
        }
        Channel ch = f.getNow();
        if (!ctx.channel().isActive()) {
            origins.release(ch, true);
            drainPending();
            return;
        }
        origin = ch;
        phase = Phase.ASKED;
        askedNanos = System.nanoTime();
        origin.pipeline().get(OriginRelay.class).begin(this);
        while (!pending.isEmpty()) {
            HttpObject o = pending.poll();
            noteRequestEnd(o);
            origin.write(o);
        }
        origin.flush();
        originUnflushed = false;
    }

    private void holdReads(boolean hold) {
        ClientReads.hold(ctx.channel(), ClientReads.ORIGIN_BUSY, hold);
    }

    private void forwardBody(HttpContent content) {
        if (exchange == null || attempt != Attempt.FIRST) {
            // answered already, or the origin being asked now is not the one the body was for
            if (content instanceof LastHttpContent) {
                viewerDone = true;
            }
            content.release();
            return;
        }
        if (content instanceof LastHttpContent) {
            viewerDone = true;
        }
        if (content.content().isReadable()) {
            bodySent = true;
        }
        if (origin == null) {
            pending.add(content);
            return;
        }
        noteRequestEnd(content);
        origin.write(content); // flushed in channelReadComplete
        originUnflushed = true;
        if (!origin.isWritable()) {
            holdReads(true);
        }
    }

    /** The origin still takes the request body: it has not been sent whole. */
    private boolean isRequestOpen() {
        return origin != null && !viewerDone;
    }

    private void noteRequestEnd(HttpObject o) {
        if (o instanceof LastHttpContent && (phase == Phase.ASKED || phase == Phase.CONNECTING) && responseDeadline == 0) {
            responseDeadline = Math.max(1, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(responseTimeoutMillis));
            if (responseTimer == null) {
                responseTimer = ctx.executor().schedule(this::checkResponseDeadline, responseTimeoutMillis, TimeUnit.MILLISECONDS);
            }
        }
    }

    @Override
    public void onOriginResponse(HttpObject msg) {
        if (phase == Phase.DISCARDING) {
            ReferenceCountUtil.release(msg);
            if (msg instanceof LastHttpContent) {
                afterDiscarded();
            }
            return;
        }
        if (msg instanceof HttpResponse r) { // the final one: InformationalResponseFilter dropped any 1xx
            responseDeadline = 0;
            exchange.addOriginNanos(System.nanoTime() - askedNanos);
            originReusable = HttpUtil.isKeepAlive(r);
            Attempt then = afterStatus(r.status().code());
            if (then != null) {
                next = then;
                phase = Phase.DISCARDING;
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    afterDiscarded();
                }
                return;
            }
            if (attempt == Attempt.ERROR_PAGE && r.status().code() / 100 != 2) {
                // the error page itself is missing: the edge's own page, with the status it replaces
                phase = Phase.DISCARDING;
                next = null;
                ReferenceCountUtil.release(msg);
                if (msg instanceof LastHttpContent) {
                    afterDiscarded();
                }
                return;
            }
            phase = Phase.STREAMING;
            if (attempt == Attempt.ERROR_PAGE) {
                r.setStatus(HttpResponseStatus.valueOf(errorStatus));
            }
            ProxyHeaders.toClient(r.headers(), protocolVersion());
            if (!http2() && !HttpUtil.isContentLengthSet(r) && !HttpUtil.isTransferEncodingChunked(r)
                    && !(r instanceof LastHttpContent)) {
                HttpUtil.setTransferEncodingChunked(r, true); // a close-delimited origin body, re-framed
            }
        }
        if (phase != Phase.STREAMING) {
            ReferenceCountUtil.release(msg);
            return;
        }
        boolean last = msg instanceof LastHttpContent;
        if (last) {
            boolean reuse = originReusable && !isRequestOpen();
            endExchange(reuse);
            ctx.writeAndFlush(msg);
            clientUnflushed = false;
        } else {
            ctx.write(msg); // flushed when the origin read completes: one syscall per read, not per part
            clientUnflushed = true;
            if (!ctx.channel().isWritable() && origin != null) {
                origin.config().setAutoRead(false);
            }
        }
    }

    /** What an origin's status leads to instead of being sent: a failover, an error page, or null (sent). */
    private Attempt afterStatus(int status) {
        if (!viewerDone) {
            return null; // the body is still coming: nothing can be asked again
        }
        if (attempt == Attempt.FIRST && failoverAllowed() && group().map(g -> g.failoverStatusCodes().contains(status))
                .orElse(false)) {
            return Attempt.FAILOVER;
        }
        if (attempt != Attempt.ERROR_PAGE) {
            Optional<CustomErrorResponse> page = errorPage(status);
            if (page.isPresent()) {
                errorResponse = page.get();
                errorStatus = page.get().responseCode().orElse(status);
                return Attempt.ERROR_PAGE;
            }
        }
        return null;
    }

    private boolean failoverAllowed() {
        String m = request.method().name();
        return !bodySent && (m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS"))
                && group().flatMap(g -> exchange.route.origin(g.secondaryOriginId())).isPresent();
    }

    private Optional<CustomErrorResponse> errorPage(int status) {
        for (CustomErrorResponse c : exchange.route.customErrorResponses()) {
            if (c.errorCode() == status && c.responsePagePath().isPresent()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The response read to its end was not for the client: release its connection, then ask what comes next. */
    private void afterDiscarded() {
        releaseOrigin(originReusable);
        Attempt then = next;
        next = null;
        if (then == null) {
            respondError(HttpResponseStatus.valueOf(errorStatus), "The origin answered an error, and the custom error page "
                    + errorResponse.responsePagePath().orElse("") + " could not be fetched.");
        } else {
            askNext(then);
        }
    }

    private void askNext(Attempt then) {
        attempt = then;
        if (then == Attempt.FAILOVER) {
            OriginGroup g = group().orElseThrow();
            target = exchange.route.origin(g.secondaryOriginId()).orElseThrow();
            askAgain(request.method(), request.uri(), exchange.behavior);
        } else {
            String path = errorResponse.responsePagePath().orElseThrow();
            CacheBehavior pageBehavior = exchange.route.behaviorFor(RouteHandler.pathOf(path));
            target = primary(exchange.route, pageBehavior.targetOriginId());
            // a HEAD asks for the page's head only: its answer must not carry a body
            askAgain(HttpMethod.HEAD.equals(request.method()) ? HttpMethod.HEAD : HttpMethod.GET, path, pageBehavior);
        }
    }

    private void releaseOrigin(boolean reusable) {
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origin.config().setAutoRead(true);
            origins.release(origin, reusable);
            origin = null;
        }
    }

    /** The exchange is over for this stage (its last part goes to the client next). */
    private void endExchange(boolean reuseOrigin) {
        responseDeadline = 0;
        exchange = null;
        request = null;
        phase = null;
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origin.config().setAutoRead(true);
            if (reuseOrigin && !http2() && ctx.channel().isActive()) {
                idleOrigin = origin;
                idleOriginKey = currentKey;
            } else {
                origins.release(origin, reuseOrigin);
            }
            origin = null;
        }
        drainPending();
        holdReads(false);
    }

    @Override
    public void onOriginFailure(Throwable cause) {
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origins.release(origin, false);
            origin = null;
        }
        if (phase == null) {
            return;
        }
        switch (phase) {
            case STREAMING -> {
                // Headers are out: the only honest signal left is to cut the client's connection.
                endExchange(false);
                ctx.channel().close();
            }
            case DISCARDING -> {
                originReusable = false;
                afterDiscarded();
            }
            default -> originFailedBeforeResponse(cause);
        }
    }

    @Override
    public void onOriginIdle() {
        // Before the head the 504 timer decides; once streaming, silence means a stalled origin.
        if (phase == Phase.STREAMING || phase == Phase.DISCARDING) {
            onOriginFailure(new IOException("the origin sent nothing for the idle timeout"));
        }
    }

    private void originFailedBeforeResponse(Throwable cause) {
        responseDeadline = 0;
        drainPending();
        if (retriedAfterFailure(HttpResponseStatus.BAD_GATEWAY)) {
            return;
        }
        String why = cause instanceof ConnectTimeoutException ? "the connection timed out"
                : cause instanceof ConnectException ? "the connection was refused"
                : cause instanceof SSLException || cause.getCause() instanceof SSLException
                ? "its TLS certificate could not be verified (" + rootMessage(cause) + ")"
                : rootMessage(cause);
        respondError(errorStatus != NO_STATUS ? HttpResponseStatus.valueOf(errorStatus) : HttpResponseStatus.BAD_GATEWAY,
                "The origin " + target.url().getHost() + " could not be reached: " + why + ".");
    }

    /** A failed or silent origin: the group's secondary, else the custom error page for 502/504, when allowed. */
    private boolean retriedAfterFailure(HttpResponseStatus status) {
        if (!viewerDone || attempt == Attempt.ERROR_PAGE) {
            return false;
        }
        if (attempt == Attempt.FIRST && failoverAllowed()) {
            askNext(Attempt.FAILOVER);
            return true;
        }
        Optional<CustomErrorResponse> page = errorPage(status.code());
        if (page.isPresent()) {
            errorResponse = page.get();
            errorStatus = page.get().responseCode().orElse(status.code());
            askNext(Attempt.ERROR_PAGE);
            return true;
        }
        return false;
    }

    static String rootMessage(Throwable t) {
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
        if (phase != Phase.ASKED && phase != Phase.CONNECTING) {
            return;
        }
        String host = target.url().getHost();
        if (origin != null) {
            origin.pipeline().get(OriginRelay.class).end();
            origins.release(origin, false);
            origin = null;
        }
        drainPending();
        if (retriedAfterFailure(HttpResponseStatus.GATEWAY_TIMEOUT)) {
            return;
        }
        respondError(errorStatus != NO_STATUS ? HttpResponseStatus.valueOf(errorStatus) : HttpResponseStatus.GATEWAY_TIMEOUT,
                "The origin " + host + " did not answer within " + responseTimeoutMillis / 1000 + " s.");
    }

    /** The edge's own page; a request whose body is still coming closes the connection after it. */
    private void respondError(HttpResponseStatus status, String text) {
        boolean closeAfter = !viewerDone;
        endExchange(false);
        FullHttpResponse page = ErrorPages.page(ctx.alloc(), status, text);
        if (closeAfter && !http2()) {
            HttpUtil.setKeepAlive(page, false);
            ctx.writeAndFlush(page).addListener(ChannelFutureListener.CLOSE);
        } else {
            ctx.writeAndFlush(page);
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
        if (phase != null && origin != null) {
            holdReads(!writable && !viewerDone);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        responseDeadline = 0;
        if (responseTimer != null) {
            responseTimer.cancel(false);
            responseTimer = null;
        }
        phase = null;
        exchange = null;
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
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }

    private void drainPending() {
        while (!pending.isEmpty()) {
            ReferenceCountUtil.release(pending.poll());
        }
    }
}
