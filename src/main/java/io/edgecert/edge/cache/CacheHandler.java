package io.edgecert.edge.cache;

import io.edgecert.edge.cache.CacheStatus.Fwd;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CachePolicy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Stage "cache" (docs/caching.md, "HTTP semantics"): carries out {@link CacheStrategy}'s
 * decisions against the {@link CacheStore}. A hit is answered here (Age, Cache-Status, HEAD,
 * client conditionals, Range) and goes no further; a miss goes on to the origin stage and its
 * response is teed into the store when storable (collapsed: concurrent misses of a key read the
 * first one's fill); a stale response is revalidated with a conditional request, a 304 merged and
 * the stored response served; an origin error may be answered stale (stale-if-error); an unsafe
 * method's success invalidates. One exchange at a time per channel (the sequencer's order on
 * HTTP/1.1, one stream on HTTP/2).
 *
 * <p>Buffers: a hit's body is a retained duplicate of the stored one, written (and so released)
 * or released on every path; the origin's response parts are forwarded (the fill copies) or,
 * when replaced by a stored response, released here.
 */
public final class CacheHandler extends ChannelDuplexHandler {
    /** What the cache stage needs of the exchange the route stage set up. */
    public record View(String distributionId, CacheBehavior behavior, Consumer<String> cacheStatus) {
    }

    private final CacheStore store;
    private final Clock clock;
    private final Function<Channel, Optional<View>> exchanges;

    private ChannelHandlerContext ctx;
    /** The exchange's state; null between exchanges and when the cache has no say. */
    private Pending pending;
    /** True while the rest of a request answered here is read and dropped. */
    private boolean discardingRequest;
    /** Inbound parts held while a collapsed miss waits for another's fill. */
    private final ArrayDeque<Object> held = new ArrayDeque<>();
    private boolean holding;
    private Subscription subscription = Subscription.NONE;

    public CacheHandler(CacheStore store, Clock clock, Function<Channel, Optional<View>> exchanges) {
        this.store = store;
        this.clock = clock;
        this.exchanges = exchanges;
    }

    /** One forwarded exchange: what to do with the origin's response. */
    private final class Pending {
        final View view;
        final HttpRequest request;
        final HttpHeaders viewerHeaders;
        final String method;
        final CacheKey key;
        final Instant requestTime;
        final CacheStrategy.Decision decision;
        /** The stored object a Revalidate or stale forward is about (stale-if-error, 304 merge). */
        final Optional<CachedObject> stored;
        final List<CachedObject> variants;
        Miss.Lead lead;
        /** Set once the origin's head is in. */
        Mode mode = Mode.AWAITING_HEAD;
        Fill fill;
        CacheStatus status;

        /** Written once the origin's response is swallowed whole (a stored response in its place). */
        Runnable replacement;

        Pending(View view, HttpRequest request, HttpHeaders viewerHeaders, CacheKey key, CacheStrategy.Decision decision,
                Optional<CachedObject> stored, List<CachedObject> variants, Instant requestTime) {
            this.view = view;
            this.request = request;
            this.viewerHeaders = viewerHeaders;
            this.method = request.method().name();
            this.key = key;
            this.decision = decision;
            this.stored = stored;
            this.variants = variants;
            this.requestTime = requestTime;
        }
    }

    private enum Mode { AWAITING_HEAD, PASSING, TEEING, SWALLOWING }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    // ---- inbound: the request

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (holding) {
            held.add(msg);
            return;
        }
        if (discardingRequest) {
            if (msg instanceof LastHttpContent) {
                discardingRequest = false;
            }
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest req && req.decoderResult().isSuccess()) {
            Optional<View> view = exchanges.apply(ctx.channel());
            if (view.isPresent() && onRequest(ctx, req, view.get())) {
                return; // answered here (or held for a collapsed miss)
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** @return true when the request was consumed (answered from the cache, or held) */
    private boolean onRequest(ChannelHandlerContext ctx, HttpRequest req, View view) {
        pending = null;
        String method = req.method().name();
        CacheBehavior behavior = view.behavior();
        Instant now = clock.instant();
        if (Invalidation.unsafe(method)) {
            pending = new Pending(view, req, req.headers(), null, new CacheStrategy.Forward(Fwd.METHOD), Optional.empty(),
                    List.of(), now);
            pending.status = CacheStatus.forward(Fwd.METHOD);
            view.cacheStatus().accept(pending.status.toString());
            return false;
        }
        CacheKey key = CacheKeys.of(view.distributionId(), behavior.cachePolicy(), req);
        List<CachedObject> variants = behavior.cachePolicy().cachingDisabled() ? List.of() : store.lookup(key);
        List<StoredHead> heads = variants.stream().map(CachedObject::head).toList();
        CacheStrategy.Decision d = CacheStrategy.decide(behavior, req, heads, now);
        if (d instanceof CacheStrategy.Hit hit) {
            Optional<CachedObject> o = objectOf(variants, hit.stored());
            if (o.isPresent() && answer(ctx, req, o.get(), hit.freshness(), hit.cacheStatus(), now)) {
                view.cacheStatus().accept(hit.cacheStatus().toString());
                store.recordHit(view.distributionId(), o.get().length());
                discardingRequest = !(req instanceof LastHttpContent);
                ReferenceCountUtil.release(req);
                return true;
            }
            d = new CacheStrategy.Forward(Fwd.MISS); // dropped since the lookup
        }
        if (d instanceof CacheStrategy.StaleWhileRevalidate swr) {
            // served stale now; the revalidation happens with the first request after the window
            // closes (a background fetch would need a second origin exchange on this channel)
            Optional<CachedObject> o = objectOf(variants, swr.stored());
            if (o.isPresent() && answer(ctx, req, o.get(), swr.freshness(), swr.cacheStatus(), now)) {
                view.cacheStatus().accept(swr.cacheStatus().toString());
                store.recordStale(view.distributionId(), o.get().length());
                discardingRequest = !(req instanceof LastHttpContent);
                ReferenceCountUtil.release(req);
                return true;
            }
            d = new CacheStrategy.Forward(Fwd.MISS);
        }
        if (d instanceof CacheStrategy.GatewayTimeout gt) {
            view.cacheStatus().accept(gt.cacheStatus().toString());
            writeSimple(ctx, req, HttpResponseStatus.GATEWAY_TIMEOUT, gt.cacheStatus());
            discardingRequest = !(req instanceof LastHttpContent);
            ReferenceCountUtil.release(req);
            return true;
        }
        Optional<CachedObject> stored = Optional.empty();
        HttpHeaders viewerHeaders = req.headers().copy();
        if (d instanceof CacheStrategy.Revalidate r) {
            stored = objectOf(variants, r.stored());
            HttpHeaders h = req.headers();
            h.remove(HttpHeaderNames.IF_NONE_MATCH).remove(HttpHeaderNames.IF_MODIFIED_SINCE)
                    .remove(HttpHeaderNames.IF_MATCH).remove(HttpHeaderNames.IF_UNMODIFIED_SINCE)
                    .remove(HttpHeaderNames.RANGE).remove(HttpHeaderNames.IF_RANGE);
            h.add(r.conditional());
        } else if (d instanceof CacheStrategy.Forward f && f.reason() == Fwd.STALE) {
            Optional<StoredHead> s = CacheStrategy.select(heads, req.headers());
            stored = s.flatMap(head -> objectOf(variants, head));
        }
        pending = new Pending(view, req, viewerHeaders, key, d, stored, variants, now);
        pending.status = d.cacheStatus();
        view.cacheStatus().accept(pending.status.toString());
        if (!mayStore(pending)) {
            return false;
        }
        if (d instanceof CacheStrategy.Forward f && (f.reason() == Fwd.URI_MISS || f.reason() == Fwd.VARY_MISS
                || f.reason() == Fwd.MISS)) {
            Miss miss = store.miss(key);
            if (miss instanceof Miss.Join join) {
                holding = true;
                held.add(req);
                HttpHeaders viewer = pending.viewerHeaders;
                Pending p = pending;
                subscription = join.await(ctx.executor(), head -> Vary.matches(head, viewer), new Joined(p));
                return true;
            }
            pending.lead = (Miss.Lead) miss;
        } else {
            pending.lead = store.lead(key);
        }
        return false;
    }

    /** A response to this request could be stored: the method stores, and no Range makes it partial. */
    private static boolean mayStore(Pending p) {
        return p.view.behavior().cachedMethods().contains(p.method) && !p.method.equals("HEAD")
                && !p.view.behavior().cachePolicy().cachingDisabled() && !p.request.headers().contains(HttpHeaderNames.RANGE);
    }

    private static Optional<CachedObject> objectOf(List<CachedObject> variants, StoredHead head) {
        for (CachedObject o : variants) {
            if (o.head() == head) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }

    // ---- outbound: the origin's response

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        Pending p = pending;
        if (p == null) {
            ctx.write(msg, promise);
            return;
        }
        if (msg instanceof HttpResponse res && p.mode == Mode.AWAITING_HEAD) {
            int status = res.status().code();
            if (status < 200) { // interim responses pass, the final one follows
                ctx.write(msg, promise);
                return;
            }
            onResponseHead(ctx, p, res);
            if (p.mode == Mode.SWALLOWING) {
                swallow(p, msg, promise);
                return;
            }
        } else if (p.mode == Mode.SWALLOWING) {
            swallow(p, msg, promise);
            return;
        }
        if (p.mode == Mode.TEEING && msg instanceof HttpContent content) {
            p.fill.append(content.content());
        }
        boolean last = msg instanceof LastHttpContent;
        if (last && p.mode == Mode.TEEING) {
            Fill fill = p.fill;
            p.fill = null;
            fill.complete();
        }
        if (last) {
            pending = null;
        }
        ctx.write(msg, promise);
    }

    private void swallow(Pending p, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent;
        ReferenceCountUtil.release(msg);
        promise.trySuccess();
        if (last) {
            pending = null;
            if (p.replacement != null) {
                // only now: the origin stage is done with this exchange before the viewer's answer
                // lets the next request in
                p.replacement.run();
            }
        }
    }

    private void onResponseHead(ChannelHandlerContext ctx, Pending p, HttpResponse res) {
        Instant responseTime = clock.instant();
        int status = res.status().code();
        HttpHeaders h = res.headers();
        if (p.key == null) { // an unsafe method
            p.mode = Mode.PASSING;
            String host = p.viewerHeaders.get(HttpHeaderNames.HOST);
            for (String path : Invalidation.paths(p.method, p.request.uri(), host, status, h)) {
                store.invalidatePath(p.view.distributionId(), path);
            }
            h.set(CacheStatus.HEADER, p.status.toString());
            return;
        }
        CachePolicy policy = p.view.behavior().cachePolicy();
        if (status == 304 && p.decision instanceof CacheStrategy.Revalidate && p.stored.isPresent()) {
            StoredHead merged = Revalidation.merge(p.stored.get().head(), h, p.requestTime, responseTime);
            Optional<CachedObject> fresh = store.freshen(p.stored.get(), merged);
            CachedObject o = fresh.orElse(p.stored.get());
            CacheStatus cs = CacheStatus.forward(Fwd.STALE).withFwdStatus(304).withStored(fresh.isPresent())
                    .withTtl(Freshness.of(merged, policy, responseTime).ttlSeconds());
            settleLead(p);
            p.mode = Mode.SWALLOWING;
            p.replacement = () -> serveStored(ctx, p, o, merged, cs, responseTime);
            return;
        }
        if (CacheStrategy.OriginOutcome.of(status).isError() && p.stored.isPresent()) {
            Optional<CacheStrategy.Hit> stale = CacheStrategy.staleIfError(p.stored.get().head(), policy,
                    p.viewerHeaders, CacheStrategy.OriginOutcome.of(status), responseTime);
            if (stale.isPresent()) {
                settleLead(p);
                p.mode = Mode.SWALLOWING;
                CacheStatus cs = CacheStatus.forward(Fwd.STALE).withFwdStatus(status)
                        .withTtl(stale.get().freshness().ttlSeconds()).withDetail("stale-if-error");
                p.replacement = () -> serveStored(ctx, p, p.stored.get(), p.stored.get().head(), cs, responseTime);
                return;
            }
        }
        CacheStatus cs = p.status.withFwdStatus(status);
        Storability.Verdict v = Storability.check(p.view.behavior(), p.method, p.viewerHeaders, status, h);
        if (p.lead != null) {
            Miss.Lead lead = p.lead;
            p.lead = null;
            if (v.storable()) {
                StoredHead head = StoredHeads.of(status, h, p.viewerHeaders, p.requestTime, responseTime);
                long length = HttpUtil.getContentLength(res, -1L);
                Optional<Fill> fill = lead.begin(head, length < 0 ? OptionalLong.empty() : OptionalLong.of(length));
                if (fill.isPresent()) {
                    p.fill = fill.get();
                    p.mode = Mode.TEEING;
                    cs = cs.withStored(true);
                } else {
                    p.mode = Mode.PASSING;
                    cs = cs.withDetail("too-large");
                }
            } else {
                lead.pass();
                p.mode = Mode.PASSING;
                cs = cs.withDetail(v.reason());
            }
        } else {
            p.mode = Mode.PASSING;
        }
        if (p.mode == Mode.PASSING && p.stored.isPresent() && status != 304 && p.method.equals("GET")
                && !v.storable() && p.decision instanceof CacheStrategy.Revalidate) {
            // the new response replaces the stored one even when it is not stored itself (4.3.4)
            store.invalidate(p.key);
        }
        h.set(CacheStatus.HEADER, cs.toString());
        p.view.cacheStatus().accept(cs.toString());
        store.recordMiss(p.view.distributionId(), Math.max(0, HttpUtil.getContentLength(res, 0L)));
    }

    private void settleLead(Pending p) {
        if (p.lead != null) {
            p.lead.pass();
            p.lead = null;
        }
    }

    /** Answers from a stored object in place of the origin's response (a 304 merged, stale-if-error). */
    private void serveStored(ChannelHandlerContext ctx, Pending p, CachedObject o, StoredHead head, CacheStatus cs,
                             Instant now) {
        Freshness f = Freshness.of(head, p.view.behavior().cachePolicy(), now);
        p.view.cacheStatus().accept(cs.toString());
        HttpRequest viewer = new io.netty.handler.codec.http.DefaultHttpRequest(p.request.protocolVersion(),
                p.request.method(), p.request.uri(), p.viewerHeaders);
        CachedObject target = o.head() == head ? o : o.withHead(head);
        if (!answer(ctx, viewer, target, f, cs, now)) {
            writeSimple(ctx, viewer, HttpResponseStatus.BAD_GATEWAY, cs);
        }
    }

    // ---- answers from the store

    /**
     * Writes the answer to {@code req} from a stored object.
     *
     * @return false when the object's body was dropped since the lookup (nothing was written)
     */
    private boolean answer(ChannelHandlerContext ctx, HttpRequest req, CachedObject o, Freshness f, CacheStatus cs,
                           Instant now) {
        Optional<ByteBuf> body = o.retainedBody();
        if (body.isEmpty()) {
            return false;
        }
        String boundary = Long.toHexString(ThreadLocalRandom.current().nextLong() | Long.MIN_VALUE);
        CachedAnswer.Answer a = CachedAnswer.plan(req.method().name(), req.headers(), o.head(), f, o.length(), cs,
                boundary, now);
        ByteBuf content = body.get();
        ByteBuf out;
        try {
            out = content(a, content, o);
        } catch (RuntimeException e) {
            content.release();
            throw e;
        }
        HttpResponse head = new DefaultHttpResponse(req.protocolVersion(), HttpResponseStatus.valueOf(a.status()),
                a.headers());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(head);
        var written = ctx.writeAndFlush(new DefaultLastHttpContent(out));
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
        return true;
    }

    /** The content of an answer; takes ownership of {@code body}. */
    private static ByteBuf content(CachedAnswer.Answer a, ByteBuf body, CachedObject o) {
        if (a instanceof CachedAnswer.Full full) {
            if (full.withBody()) {
                return body;
            }
            body.release();
            return Unpooled.EMPTY_BUFFER;
        }
        if (a instanceof CachedAnswer.Partial part && part.withBody()) {
            if (part.boundary().isEmpty()) {
                ByteBuffers r = new ByteBuffers(body);
                return r.slice(part.ranges().get(0));
            }
            String boundary = part.boundary().get();
            Optional<String> type = Optional.ofNullable(o.head().headers().get(HttpHeaderNames.CONTENT_TYPE));
            CompositeByteBuf all = Unpooled.compositeBuffer(part.ranges().size() * 2 + 1);
            ByteBuffers r = new ByteBuffers(body);
            for (ByteRanges.ByteRange range : part.ranges()) {
                all.addComponent(true, Unpooled.copiedBuffer(
                        ByteRanges.partHeader(boundary, type, range, o.length()), StandardCharsets.US_ASCII));
                all.addComponent(true, r.retainedSlice(range));
            }
            all.addComponent(true, Unpooled.copiedBuffer(ByteRanges.closingDelimiter(boundary), StandardCharsets.US_ASCII));
            body.release();
            return all;
        }
        body.release(); // 304, 416, a HEAD's 206
        return Unpooled.EMPTY_BUFFER;
    }

    /** Slices of a body buffer. */
    private record ByteBuffers(ByteBuf body) {
        /** Takes the body's reference: the slice owns it. */
        ByteBuf slice(ByteRanges.ByteRange r) {
            return body.slice(body.readerIndex() + (int) r.first(), (int) r.length());
        }

        ByteBuf retainedSlice(ByteRanges.ByteRange r) {
            return body.retainedSlice(body.readerIndex() + (int) r.first(), (int) r.length());
        }
    }

    private void writeSimple(ChannelHandlerContext ctx, HttpRequest req, HttpResponseStatus status, CacheStatus cs) {
        HttpResponse head = new DefaultHttpResponse(req.protocolVersion(), status);
        head.headers().set(HttpHeaderNames.CONTENT_LENGTH, 0).set(CacheStatus.HEADER, cs.toString());
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!keepAlive && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
            head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        ctx.write(head);
        var written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
        if (!keepAlive) {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---- a collapsed miss

    /** Reads another request's fill for this one; every call on this channel's event loop. */
    private final class Joined implements FillReader {
        private final Pending p;
        private boolean keepAlive;

        Joined(Pending p) {
            this.p = p;
        }

        @Override
        public void onHead(StoredHead head) {
            HttpRequest req = p.request;
            keepAlive = HttpUtil.isKeepAlive(req);
            Instant now = clock.instant();
            Freshness f = Freshness.of(head, p.view.behavior().cachePolicy(), now);
            CacheStatus cs = CacheStatus.forward(p.status.fwd().orElse(Fwd.MISS)).withCollapsed();
            p.view.cacheStatus().accept(cs.toString());
            HttpResponse res = new DefaultHttpResponse(req.protocolVersion(), HttpResponseStatus.valueOf(head.status()),
                    head.headers().copy());
            res.headers().set("Age", Long.toString(f.ageSeconds())).set(CacheStatus.HEADER, cs.toString());
            if (!res.headers().contains(HttpHeaderNames.CONTENT_LENGTH) && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                HttpUtil.setTransferEncodingChunked(res, true);
            }
            if (!keepAlive && req.protocolVersion().equals(HttpVersion.HTTP_1_1)) {
                res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            }
            dropHeld();
            discardingRequest = false;
            ctx.writeAndFlush(res);
        }

        @Override
        public void onChunk(ByteBuf chunk) {
            ctx.writeAndFlush(new DefaultHttpContent(chunk));
        }

        @Override
        public void onComplete() {
            subscription = Subscription.NONE;
            pending = null;
            var written = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
            if (!keepAlive) {
                written.addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void onError(Throwable cause) {
            subscription = Subscription.NONE;
            pending = null;
            ctx.close();
        }

        @Override
        public void onReleased(Release why) {
            // fetch for ourselves, still storing what comes back (without collapsing others onto it)
            subscription = Subscription.NONE;
            p.lead = store.lead(p.key);
            holding = false;
            List<Object> parts = new ArrayList<>(held);
            held.clear();
            for (Object part : parts) {
                ctx.fireChannelRead(part);
            }
            ctx.read();
        }
    }

    /** The request parts held for a collapsed miss that was answered from the fill. */
    private void dropHeld() {
        holding = false;
        boolean sawLast = false;
        for (Object o : held) {
            sawLast |= o instanceof LastHttpContent;
            ReferenceCountUtil.release(o);
        }
        held.clear();
        if (!sawLast) {
            discardingRequest = true;
        }
    }

    // ---- the channel goes away

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cleanUp(new java.nio.channels.ClosedChannelException());
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cleanUp(new java.nio.channels.ClosedChannelException());
    }

    private void cleanUp(Throwable cause) {
        subscription.cancel();
        subscription = Subscription.NONE;
        for (Object o : held) {
            ReferenceCountUtil.release(o);
        }
        held.clear();
        holding = false;
        Pending p = pending;
        pending = null;
        if (p != null) {
            if (p.lead != null) {
                p.lead.fail(cause);
                p.lead = null;
            }
            if (p.fill != null) {
                p.fill.abort(cause);
                p.fill = null;
            }
        }
    }
}
