package io.edgecert.edge;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;

import java.util.ArrayDeque;

/**
 * Stage "sequencer" (HTTP/1.1 only; an HTTP/2 stream carries one exchange): one exchange at a
 * time. A request that arrives while the previous response is still being written (pipelining)
 * waits here, with the rest of its messages, until the last part of that response has gone by
 * on its way to the client, whichever stage wrote it; then the queue is replayed in order.
 * Reading the client stops while too much is queued.
 */
final class SequencerHandler extends ChannelDuplexHandler {
    /**
     * Messages of pipelined requests held before the client is no longer read: a GET is two
     * messages, a body part at most 64 KB (the codec's chunk limit).
     */
    static final int MAX_QUEUED = 8;

    private final ArrayDeque<Object> queued = new ArrayDeque<>();
    /** A request has gone in and the last part of its response has not yet come out. */
    private boolean inFlight;
    private boolean replayScheduled;
    private ChannelHandlerContext ctx;
    /** Replays outside the write that ended the exchange, so that no stage is re-entered mid-write. */
    private final Runnable replay = this::replay;

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (inFlight && msg instanceof HttpRequest || !queued.isEmpty()) {
            queued.add(msg); // pipelined: decoded from the same read as the current request
            if (queued.size() >= MAX_QUEUED) {
                ClientReads.hold(ctx.channel(), ClientReads.QUEUE_FULL, true);
            }
            return;
        }
        if (msg instanceof HttpRequest) {
            inFlight = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        boolean last = msg instanceof LastHttpContent && inFlight
                && !(msg instanceof HttpResponse r && r.status().code() < 200);
        ctx.write(msg, promise);
        if (last) {
            inFlight = false;
            if (!queued.isEmpty() && !replayScheduled) {
                replayScheduled = true;
                ctx.executor().execute(replay);
            }
        }
    }

    private void replay() {
        replayScheduled = false;
        boolean any = false;
        while (!queued.isEmpty() && !(inFlight && queued.peek() instanceof HttpRequest)) {
            Object msg = queued.poll();
            if (msg instanceof HttpRequest) {
                inFlight = true;
            }
            any = true;
            ctx.fireChannelRead(msg);
        }
        if (queued.size() < MAX_QUEUED) {
            ClientReads.hold(ctx.channel(), ClientReads.QUEUE_FULL, false);
        }
        if (any) {
            ctx.fireChannelReadComplete(); // the stages behind flush what the replay gave them
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        while (!queued.isEmpty()) {
            ReferenceCountUtil.release(queued.poll());
        }
        ctx.fireChannelInactive();
    }

    /** For tests: messages waiting. */
    int queuedMessages() {
        return queued.size();
    }
}
