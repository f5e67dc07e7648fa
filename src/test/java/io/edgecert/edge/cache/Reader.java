package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.EventExecutor;

import java.io.ByteArrayOutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A collapsed miss in tests: collects what it is sent, checks every call comes on its own event
 * loop and in the documented order, and releases each chunk as a channel's write would.
 */
final class Reader implements FillReader {
    final EventExecutor loop;
    final CompletableFuture<StoredHead> head = new CompletableFuture<>();
    final CompletableFuture<byte[]> body = new CompletableFuture<>();
    final CompletableFuture<Throwable> error = new CompletableFuture<>();
    final CompletableFuture<Release> released = new CompletableFuture<>();
    final AtomicInteger offLoop = new AtomicInteger();
    final AtomicInteger outOfOrder = new AtomicInteger();
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile int receivedBytes;

    Reader(EventExecutor loop) {
        this.loop = loop;
    }

    int receivedBytes() {
        return receivedBytes;
    }

    private void check(boolean inOrder) {
        if (!loop.inEventLoop()) {
            offLoop.incrementAndGet();
        }
        if (!inOrder) {
            outOfOrder.incrementAndGet();
        }
    }

    @Override
    public void onHead(StoredHead h) {
        check(!head.isDone() && !released.isDone());
        head.complete(h);
    }

    @Override
    public void onChunk(ByteBuf chunk) {
        check(head.isDone() && !body.isDone() && !error.isDone());
        try {
            byte[] b = new byte[chunk.readableBytes()];
            chunk.getBytes(chunk.readerIndex(), b);
            received.writeBytes(b);
            receivedBytes += b.length;
        } finally {
            chunk.release();
        }
    }

    @Override
    public void onComplete() {
        check(head.isDone() && !error.isDone());
        body.complete(received.toByteArray());
    }

    @Override
    public void onError(Throwable cause) {
        check(head.isDone() && !body.isDone());
        error.complete(cause);
    }

    @Override
    public void onReleased(Release why) {
        check(!head.isDone() && !released.isDone());
        released.complete(why);
    }
}
