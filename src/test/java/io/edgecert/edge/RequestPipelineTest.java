package io.edgecert.edge;

import io.edgecert.serving.EdgeRoute;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.StringWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stages as {@link RequestPipeline#install} puts them together, on an EmbeddedChannel: the
 * names and their order, and a response written by a stage in front of the origin (a stand-in
 * for the cache answering a hit) going back through headers and log and ending the exchange for
 * the sequencer, which then lets the next pipelined request in.
 */
@Timeout(30)
class RequestPipelineTest {
    static ResourceLeakDetector.Level before;

    @BeforeAll
    static void paranoid() {
        before = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterAll
    static void restore() {
        ResourceLeakDetector.setLevel(before);
    }

    static final EdgeRoute ROUTE = PipelineFixture.route(List.of(new EdgeRoute.Origin("a", URI.create("http://127.0.0.1:9"))),
            List.of(), PipelineFixture.behavior("*", "a"), List.of(), List.of());

    /** Stand-in for the headers stage: marks every response head going out. */
    static final class MarkHeaders extends ChannelDuplexHandler {
        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            if (msg instanceof HttpResponse r) {
                r.headers().set("X-Headers-Stage", "yes");
            }
            ctx.write(msg, promise);
        }
    }

    /** Stand-in for the cache stage: answers every request itself, as a hit does, and drops its body. */
    static final class AnswerEverything extends ChannelDuplexHandler {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest req) {
                ctx.channel().attr(Exchange.CURRENT).get().cacheStatus("edgecert; hit");
                FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("hit " + req.uri(), StandardCharsets.US_ASCII));
                r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                ctx.writeAndFlush(r);
            }
            ReferenceCountUtil.release(msg);
        }
    }

    static RequestPipeline.Context context(Optional<AccessLog> log, RequestPipeline.Stages stages) {
        return new RequestPipeline.Context(() -> RouteTable.of(List.of(ROUTE)), null, 1000, () -> 443, log, stages);
    }

    static List<String> stageNames(EmbeddedChannel ch) {
        List<String> names = new ArrayList<>(ch.pipeline().names());
        names.removeIf(n -> n.contains("TailContext") || n.contains("EmbeddedChannel"));
        return names;
    }

    @Test
    void theStagesAreInstalledInOrderAndOnlyWhenGiven() {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        AccessLog log = new AccessLog(new StringWriter(), true, 16, metrics);
        RequestPipeline.Stages all = RequestPipeline.Stages.NONE.withHeaders(MarkHeaders::new).withCache(AnswerEverything::new)
                .withCompress(MarkHeaders::new);
        EmbeddedChannel h1 = new EmbeddedChannel();
        RequestPipeline.install(h1.pipeline(), context(Optional.of(log), all), true, false);
        assertThat(stageNames(h1)).containsExactly("sequencer", "route", "viewer", "log", "headers", "cache", "compress", "origin");
        EmbeddedChannel h2 = new EmbeddedChannel();
        RequestPipeline.install(h2.pipeline(), context(Optional.empty(), RequestPipeline.Stages.NONE), true, true);
        assertThat(stageNames(h2)).containsExactly("route", "viewer", "origin");
        h1.finishAndReleaseAll();
        h2.finishAndReleaseAll();
        log.close();
    }

    @Test
    void anAnswerFromAStageBeforeTheOriginGoesOutThroughHeadersAndLogAndEndsTheExchange() {
        StringWriter lines = new StringWriter();
        AccessLog log = new AccessLog(lines, true, 16, new SimpleMeterRegistry());
        EmbeddedChannel ch = new EmbeddedChannel();
        RequestPipeline.install(ch.pipeline(), context(Optional.of(log),
                RequestPipeline.Stages.NONE.withHeaders(MarkHeaders::new).withCache(AnswerEverything::new)), true, false);
        for (String path : List.of("/one", "/two", "/three")) { // pipelined: all in before any answer
            HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
            req.headers().set(HttpHeaderNames.HOST, ROUTE.domainName());
            ch.writeInbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        }
        ch.runPendingTasks();
        ch.runPendingTasks();
        List<String> bodies = new ArrayList<>();
        for (Object o; (o = ch.readOutbound()) != null; ) {
            FullHttpResponse r = (FullHttpResponse) o;
            assertThat(r.headers().get("X-Headers-Stage")).isEqualTo("yes");
            bodies.add(r.content().toString(StandardCharsets.US_ASCII));
            r.release();
        }
        assertThat(bodies).containsExactly("hit /one", "hit /two", "hit /three");
        log.close();
        assertThat(lines.toString().lines().toList()).hasSize(3).allSatisfy(l ->
                assertThat(l.split("\t")).containsSubsequence(ROUTE.domainName(), "GET", "200", "edgecert; hit", "-",
                        ROUTE.distributionId()));
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void theRouteStageAnswersUnknownNamesAndPicksTheBehaviorByPathWithoutQuery() {
        EmbeddedChannel ch = new EmbeddedChannel();
        List<Object> behind = new ArrayList<>();
        RequestPipeline.install(ch.pipeline(), context(Optional.empty(), RequestPipeline.Stages.NONE), true, true);
        ch.pipeline().replace(RequestPipeline.ORIGIN, RequestPipeline.ORIGIN, new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                behind.add(msg instanceof HttpRequest ? ctx.channel().attr(Exchange.CURRENT).get() : msg);
                ReferenceCountUtil.release(msg);
            }
        });
        HttpRequest unknown = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/x");
        unknown.headers().set(HttpHeaderNames.HOST, "nobody.example");
        HttpContent body = new io.netty.handler.codec.http.DefaultLastHttpContent(Unpooled.copiedBuffer("data", StandardCharsets.US_ASCII));
        ch.writeInbound(unknown, body);
        FullHttpResponse notFound = ch.readOutbound();
        assertThat(notFound.status().code()).isEqualTo(404);
        notFound.release();
        assertThat(body.refCnt()).as("the refused request's body is released").isZero();
        assertThat(behind).isEmpty();

        HttpRequest known = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/img/a.png?v=1");
        known.headers().set(HttpHeaderNames.HOST, ROUTE.domainName().toUpperCase() + ":443");
        ch.writeInbound(known);
        assertThat(behind).hasSize(1);
        Exchange ex = (Exchange) behind.get(0);
        assertThat(ex.route).isSameAs(ROUTE);
        assertThat(ex.behavior).isSameAs(ROUTE.defaultBehavior());
        assertThat(ex.request).isSameAs(known);
        assertThat(ex.secure).isTrue();
        assertThat(RouteHandler.pathOf("/img/a.png?v=1")).isEqualTo("/img/a.png");
        assertThat(RouteHandler.pathOf("http://h.example/a/b?c")).isEqualTo("/a/b");
        assertThat(RouteHandler.pathOf("/p#frag")).isEqualTo("/p");
        ch.finishAndReleaseAll();
    }
}
