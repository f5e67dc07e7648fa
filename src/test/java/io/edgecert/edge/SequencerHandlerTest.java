package io.edgecert.edge;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sequencer stage alone, on an EmbeddedChannel: pipelined requests wait for the previous response's end. */
@Timeout(30)
class SequencerHandlerTest {
    /** Stands for the stages behind: records what reaches it. */
    static final class Recorder extends ChannelInboundHandlerAdapter {
        final List<String> seen = new ArrayList<>();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            seen.add(msg instanceof HttpRequest r ? r.uri() : msg instanceof LastHttpContent ? "last" : "part");
            ReferenceCountUtil.release(msg);
        }
    }

    static HttpRequest get(String uri) {
        return new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
    }

    @Test
    void pipelinedRequestsWaitUntilTheLastPartOfTheResponseIsWritten() {
        Recorder behind = new Recorder();
        SequencerHandler sequencer = new SequencerHandler();
        EmbeddedChannel ch = new EmbeddedChannel(sequencer, behind);
        ch.writeInbound(get("/1"), LastHttpContent.EMPTY_LAST_CONTENT, get("/2"), LastHttpContent.EMPTY_LAST_CONTENT,
                get("/3"), new DefaultHttpContent(Unpooled.copiedBuffer("x", StandardCharsets.US_ASCII)),
                LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(behind.seen).containsExactly("/1", "last");
        assertThat(sequencer.queuedMessages()).isEqualTo(5);

        // the head of the response is not its end; a 100 Continue is not either
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
        ch.writeOutbound(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.runPendingTasks();
        assertThat(behind.seen).containsExactly("/1", "last");

        ch.writeOutbound(LastHttpContent.EMPTY_LAST_CONTENT);
        ch.runPendingTasks();
        assertThat(behind.seen).containsExactly("/1", "last", "/2", "last");

        // a stage before the origin (a cache hit, a refusal) answering with one full response ends it too
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        ch.runPendingTasks();
        assertThat(behind.seen).containsExactly("/1", "last", "/2", "last", "/3", "part", "last");
        assertThat(sequencer.queuedMessages()).isZero();
        releaseAll(ch);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void readingStopsWhileTooMuchIsQueuedAndResumesWhenTheQueueDrains() {
        Recorder behind = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new SequencerHandler(), behind);
        ch.writeInbound(get("/0"), LastHttpContent.EMPTY_LAST_CONTENT);
        for (int i = 1; i <= SequencerHandler.MAX_QUEUED / 2; i++) {
            ch.writeInbound(get("/" + i), LastHttpContent.EMPTY_LAST_CONTENT);
        }
        assertThat(ch.config().isAutoRead()).isFalse();
        for (int i = 0; i <= SequencerHandler.MAX_QUEUED / 2; i++) {
            ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
            ch.runPendingTasks();
        }
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(behind.seen.stream().filter(s -> s.startsWith("/")).toList())
                .containsExactly("/0", "/1", "/2", "/3", "/4");
        releaseAll(ch);
        ch.finish();
    }

    @Test
    void requestBodiesAfterAnEarlyResponsePassAndQueuedMessagesAreReleasedOnClose() {
        Recorder behind = new Recorder();
        EmbeddedChannel ch = new EmbeddedChannel(new SequencerHandler(), behind);
        ch.writeInbound(get("/upload"));
        ch.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.FORBIDDEN)); // answered early
        var part = new DefaultHttpContent(Unpooled.copiedBuffer("body", StandardCharsets.US_ASCII));
        ch.writeInbound(part, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(behind.seen).containsExactly("/upload", "part", "last");
        ch.writeInbound(get("/next"));
        var held = new DefaultHttpContent(Unpooled.copiedBuffer("held", StandardCharsets.US_ASCII));
        ch.writeInbound(get("/queued"), held);
        ch.close();
        assertThat(held.refCnt()).isZero();
        releaseAll(ch);
    }

    static void releaseAll(EmbeddedChannel ch) {
        for (Object o; (o = ch.readOutbound()) != null; ) {
            ReferenceCountUtil.release(o);
        }
    }
}
