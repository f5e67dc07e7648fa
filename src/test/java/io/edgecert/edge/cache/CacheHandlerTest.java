package io.edgecert.edge.cache;

import io.edgecert.testing.MutableClock;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache stage in a real netty pipeline (EmbeddedChannel) in front of a small origin handler
 * that answers what each test queues and records what it was asked, with the real store; every
 * buffer accounted for (PARANOID leak detection, the store's allocator tracked).
 */
@Timeout(60)
class CacheHandlerTest {
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final CacheStore store = new CacheStore(CacheSettings.ofMemory(16L << 20), new SimpleMeterRegistry(), allocator);
    private final MutableClock clock = new MutableClock(Heads.T0);
    private final Origin origin = new Origin();
    private final List<String> statuses = new ArrayList<>();
    private final CacheBehavior behavior = new CacheBehavior(PathPattern.DEFAULT, "o", ViewerProtocolPolicy.ALLOW_ALL,
            CacheBehavior.ALL_METHODS, CacheBehavior.GET_HEAD, false, Heads.ORIGIN, ManagedPolicies.ALL_VIEWER,
            Optional.empty());
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void nothingLeaks() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        store.close();
        assertThat(allocator.live()).as("store buffers still referenced").isZero();
        assertThat(origin.queued).as("responses queued but never asked for").isEmpty();
    }

    // ---- the tests

    @Test
    void aMissIsStoredAndTheNextRequestIsAHitWithAge() {
        origin.respond(200, "Cache-Control: max-age=60 | Date: {now} | ETag: \"v1\" | Content-Type: text/plain", "hello");
        Answer first = get("/a", "");
        assertThat(first.status).isEqualTo(200);
        assertThat(first.body).isEqualTo("hello");
        assertThat(first.headers.get("Cache-Status")).isEqualTo("edgecert; fwd=uri-miss; fwd-status=200; stored");
        assertThat(origin.asked).hasSize(1);

        clock.advance(10);
        Answer second = get("/a", "");
        assertThat(second.status).isEqualTo(200);
        assertThat(second.body).isEqualTo("hello");
        assertThat(second.headers.get("Age")).isEqualTo("10");
        assertThat(second.headers.get("Cache-Status")).isEqualTo("edgecert; hit; ttl=50");
        assertThat(second.headers.get("Content-Length")).isEqualTo("5");
        assertThat(origin.asked).as("a hit does not reach the origin").hasSize(1);
        assertThat(statuses).last().isEqualTo("edgecert; hit; ttl=50");
    }

    @Test
    void headConditionalsAndRangesAreAnsweredFromTheStoredGet() {
        origin.respond(200, "Cache-Control: max-age=60 | ETag: \"v1\" | Last-Modified: {now-3600} | Content-Type: text/plain",
                "0123456789");
        get("/r", "");
        Answer head = request(HttpMethod.HEAD, "/r", "");
        assertThat(head.status).isEqualTo(200);
        assertThat(head.body).isEmpty();
        assertThat(head.headers.get("Content-Length")).isEqualTo("10");

        Answer notModified = get("/r", "If-None-Match: W/\"v1\"");
        assertThat(notModified.status).isEqualTo(304);
        assertThat(notModified.headers.get("ETag")).isEqualTo("\"v1\"");
        assertThat(notModified.body).isEmpty();

        Answer ims = get("/r", "If-Modified-Since: {now}");
        assertThat(ims.status).isEqualTo(304);

        Answer range = get("/r", "Range: bytes=2-4");
        assertThat(range.status).isEqualTo(206);
        assertThat(range.body).isEqualTo("234");
        assertThat(range.headers.get("Content-Range")).isEqualTo("bytes 2-4/10");

        Answer multi = get("/r", "Range: bytes=0-1,-2");
        assertThat(multi.status).isEqualTo(206);
        String type = multi.headers.get("Content-Type");
        assertThat(type).startsWith("multipart/byteranges; boundary=");
        String boundary = type.substring(type.indexOf('=') + 1);
        assertThat(multi.body).isEqualTo("\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n01"
                + "\r\n--" + boundary + "\r\nContent-Type: text/plain\r\nContent-Range: bytes 8-9/10\r\n\r\n89"
                + "\r\n--" + boundary + "--\r\n");
        assertThat(multi.headers.getInt("Content-Length")).isEqualTo(multi.body.length());

        Answer unsatisfiable = get("/r", "Range: bytes=50-");
        assertThat(unsatisfiable.status).isEqualTo(416);
        assertThat(unsatisfiable.headers.get("Content-Range")).isEqualTo("bytes */10");
        assertThat(origin.asked).hasSize(1);
    }

    @Test
    void anIdentityRangeRequestIsAnsweredFromUnencodedBytesStoredForGzip() {
        origin.respond(200, "Cache-Control: max-age=60", "01234567890");
        get("/plain", "Accept-Encoding: gzip, deflate, br");
        Answer range = get("/plain", "Accept-Encoding: identity | Range: bytes=0-1");
        assertThat(range.status).isEqualTo(206);
        assertThat(range.body).isEqualTo("01");

        origin.respond(200, "Cache-Control: max-age=60 | Content-Encoding: gzip | Vary: Accept-Encoding", "zipped");
        get("/zipped", "Accept-Encoding: gzip");
        origin.respond(200, "Cache-Control: max-age=60 | Vary: Accept-Encoding", "plain");
        Answer identity = get("/zipped", "Accept-Encoding: identity");
        assertThat(identity.body).as("encoded bytes never go to a viewer that did not accept them").isEqualTo("plain");
        assertThat(origin.asked).hasSize(3);
    }

    @Test
    void aStaleResponseIsRevalidatedAndA304Merged() {
        origin.respond(200, "Cache-Control: max-age=1 | ETag: \"v1\" | Test-Header: old | Content-Length: 4", "body");
        get("/s", "If-None-Match: \"other\"");
        clock.advance(5);
        origin.respond(304, "ETag: \"v1\" | Cache-Control: max-age=100 | Test-Header: new | Content-Length: 0", "");
        Answer revalidated = get("/s", "");
        assertThat(origin.asked.get(1).headers().get("If-None-Match")).isEqualTo("\"v1\"");
        assertThat(revalidated.status).isEqualTo(200);
        assertThat(revalidated.body).isEqualTo("body");
        assertThat(revalidated.headers.get("Test-Header")).isEqualTo("new");
        assertThat(revalidated.headers.get("Content-Length")).isEqualTo("4");
        assertThat(revalidated.headers.get("Cache-Status")).isEqualTo("edgecert; fwd=stale; fwd-status=304; ttl=100; stored");

        clock.advance(10);
        Answer hit = get("/s", "");
        assertThat(hit.headers.get("Cache-Status")).isEqualTo("edgecert; hit; ttl=90");
        assertThat(hit.headers.get("Test-Header")).isEqualTo("new");
        assertThat(origin.asked).hasSize(2);
    }

    @Test
    void noStoreAndPrivateAreNeverStored() {
        origin.respond(200, "Cache-Control: no-store, max-age=60", "a");
        assertThat(get("/n", "").headers.get("Cache-Status")).isEqualTo("edgecert; fwd=uri-miss; fwd-status=200; detail=no-store");
        origin.respond(200, "Cache-Control: private, max-age=60", "b");
        assertThat(get("/n", "").body).isEqualTo("b");
        origin.respond(200, "Cache-Control: max-age=60", "c");
        assertThat(get("/n", "").body).isEqualTo("c");
        assertThat(origin.asked).hasSize(3);
    }

    @Test
    void authorizationIsNotSharedWithoutTheOriginsConsent() {
        origin.respond(200, "Cache-Control: max-age=60", "alice's");
        get("/me", "Authorization: Basic YWxpY2U6eA==");
        origin.respond(200, "Cache-Control: max-age=60", "bob's");
        Answer bob = get("/me", "Authorization: Basic Ym9iOng=");
        assertThat(bob.body).isEqualTo("bob's");
        assertThat(origin.asked).hasSize(2);
    }

    @Test
    void staleIfErrorServesTheStoredResponseWhenTheOriginFails() {
        origin.respond(200, "Cache-Control: max-age=1, stale-if-error=60 | Content-Length: 6", "stored");
        get("/e", "");
        clock.advance(10);
        origin.respond(503, "Content-Type: text/plain", "origin down");
        Answer a = get("/e", "");
        assertThat(a.status).isEqualTo(200);
        assertThat(a.body).isEqualTo("stored");
        assertThat(a.headers.get("Cache-Status")).isEqualTo("edgecert; fwd=stale; fwd-status=503; ttl=-9; detail=stale-if-error");

        clock.advance(100);
        origin.respond(503, "Content-Type: text/plain", "origin down");
        Answer late = get("/e", "");
        assertThat(late.status).isEqualTo(503);
        assertThat(late.body).isEqualTo("origin down");
    }

    @Test
    void anUnsafeMethodInvalidatesThePathAndItsLocation() {
        origin.respond(200, "Cache-Control: max-age=60", "list");
        get("/items", "");
        origin.respond(200, "Cache-Control: max-age=60", "one");
        get("/items/1", "");
        origin.respond(201, "Location: /items/1", "created");
        Answer post = request(HttpMethod.POST, "/items?x=1", "");
        assertThat(post.status).isEqualTo(201);
        assertThat(post.headers.get("Cache-Status")).isEqualTo("edgecert; fwd=method");
        origin.respond(200, "Cache-Control: max-age=60", "list2");
        assertThat(get("/items", "").body).isEqualTo("list2");
        origin.respond(200, "Cache-Control: max-age=60", "one2");
        assertThat(get("/items/1", "").body).isEqualTo("one2");
    }

    @Test
    void aFailedUnsafeRequestInvalidatesNothing() {
        origin.respond(200, "Cache-Control: max-age=60", "kept");
        get("/k", "");
        origin.respond(500, "", "no");
        request(HttpMethod.DELETE, "/k", "");
        assertThat(get("/k", "").body).isEqualTo("kept");
        assertThat(origin.asked).hasSize(2);
    }

    @Test
    void onlyIfCachedWithNothingStoredIs504() {
        Answer a = get("/nothing", "Cache-Control: only-if-cached");
        assertThat(a.status).isEqualTo(504);
        assertThat(origin.asked).isEmpty();
    }

    @Test
    void varyKeepsOneVariantPerSelectingHeaderValue() {
        origin.respond(200, "Cache-Control: max-age=60 | Vary: Accept-Language", "english");
        get("/v", "Accept-Language: en");
        origin.respond(200, "Cache-Control: max-age=60 | Vary: Accept-Language", "deutsch");
        Answer de = get("/v", "Accept-Language: de");
        assertThat(de.headers.get("Cache-Status")).startsWith("edgecert; fwd=vary-miss");
        assertThat(get("/v", "Accept-Language: EN").body).isEqualTo("english");
        assertThat(get("/v", "Accept-Language: de").body).isEqualTo("deutsch");
        assertThat(origin.asked).hasSize(2);
    }

    @Test
    void cachingDisabledPassesEverything() {
        CacheBehavior off = new CacheBehavior(PathPattern.DEFAULT, "o", ViewerProtocolPolicy.ALLOW_ALL,
                CacheBehavior.ALL_METHODS, CacheBehavior.GET_HEAD, false, ManagedPolicies.CACHING_DISABLED,
                ManagedPolicies.ALL_VIEWER, Optional.empty());
        EmbeddedChannel ch = channel(off);
        origin.respond(200, "Cache-Control: max-age=60", "x");
        origin.respond(200, "Cache-Control: max-age=60", "y");
        assertThat(exchange(ch, HttpMethod.GET, "/d", "").headers.get("Cache-Status")).startsWith("edgecert; fwd=bypass");
        assertThat(exchange(ch, HttpMethod.GET, "/d", "").body).isEqualTo("y");
        assertThat(store.objectCount()).isZero();
    }

    @Test
    void theClientGoingAwayMidFillStoresNothingAndLeaksNothing() {
        EmbeddedChannel ch = channel(behavior);
        origin.holdBody = true;
        origin.respond(200, "Cache-Control: max-age=60 | Content-Length: 10", "0123456789");
        ch.writeInbound(req(HttpMethod.GET, "/cut", ""), LastHttpContent.EMPTY_LAST_CONTENT);
        ch.close();
        origin.release();
        assertThat(store.lookup(CacheKeys.of("d1", Heads.ORIGIN, req(HttpMethod.GET, "/cut", "")))).isEmpty();
    }

    // ---- the harness

    private Answer get(String uri, String headers) {
        return request(HttpMethod.GET, uri, headers);
    }

    private Answer request(HttpMethod method, String uri, String headers) {
        return exchange(channel(behavior), method, uri, headers);
    }

    private EmbeddedChannel channel(CacheBehavior b) {
        CacheHandler.View view = new CacheHandler.View("d1", b, statuses::add);
        EmbeddedChannel ch = new EmbeddedChannel(new CacheHandler(store, clock, c -> Optional.of(view)), origin);
        channels.add(ch);
        return ch;
    }

    private static HttpRequest req(HttpMethod method, String uri, String headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, uri);
        r.headers().set("Host", "shop.example").add(Heads.headers(headers));
        return r;
    }

    private Answer exchange(EmbeddedChannel ch, HttpMethod method, String uri, String headers) {
        ch.writeInbound(req(method, uri, headers), LastHttpContent.EMPTY_LAST_CONTENT);
        ch.runPendingTasks();
        HttpResponse head = null;
        StringBuilder body = new StringBuilder();
        Object o;
        while ((o = ch.readOutbound()) != null) {
            if (o instanceof HttpResponse r) {
                head = r;
            }
            if (o instanceof HttpContent c) {
                body.append(c.content().toString(StandardCharsets.ISO_8859_1));
            }
            boolean last = o instanceof LastHttpContent;
            ReferenceCountUtil.release(o);
            if (last) {
                break;
            }
        }
        assertThat(head).as("a response").isNotNull();
        return new Answer(head.status().code(), head.headers(), body.toString());
    }

    record Answer(int status, HttpHeaders headers, String body) {
    }

    /** The origin stage's stand-in: answers each request with the next queued response, head then body. */
    static final class Origin extends ChannelInboundHandlerAdapter {
        final ArrayDeque<Object[]> queued = new ArrayDeque<>();
        final List<HttpRequest> asked = new ArrayList<>();
        boolean holdBody;
        private ChannelHandlerContext heldCtx;
        private ByteBuf heldBody;

        Origin() {
        }

        @Override
        public boolean isSharable() {
            return true;
        }

        void respond(int status, String headers, String body) {
            queued.add(new Object[]{status, headers, body});
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest r) {
                asked.add(new DefaultHttpRequest(r.protocolVersion(), r.method(), r.uri(), r.headers().copy()));
                Object[] next = queued.poll();
                assertThat(next).as("a response queued for " + r.method() + " " + r.uri()).isNotNull();
                HttpResponse res = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf((int) next[0]));
                res.headers().add(Heads.headers((String) next[1]));
                ctx.write(res);
                ByteBuf body = Unpooled.copiedBuffer((String) next[2], StandardCharsets.ISO_8859_1);
                if (holdBody) {
                    heldCtx = ctx;
                    heldBody = body;
                    ctx.flush();
                } else {
                    ctx.writeAndFlush(new DefaultLastHttpContent(body));
                }
            }
            ReferenceCountUtil.release(msg);
        }

        /** Sends the held body (to a channel that may be gone). */
        void release() {
            heldCtx.writeAndFlush(new DefaultLastHttpContent(heldBody));
        }
    }

}
