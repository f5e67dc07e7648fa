package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.IllegalReferenceCountException;
import io.netty.util.concurrent.EventExecutor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;

/**
 * One response being stored, fed by its filler (the request that fetches it from the origin) on
 * the filler's thread: a head, then {@link #append} per body chunk, then {@link #complete} or
 * {@link #abort}. The bytes are copied into the store's own direct buffers; readers that joined
 * (collapsed misses) get retained slices of them as they arrive, on their own executors, so a
 * large object never waits for its whole body and a slow reader costs no copy. Lookups see the
 * object only once it is complete; until then it is reached through collapsing.
 *
 * <p>A body that outgrows the object cap, or the store's budget for fills in progress, is passed:
 * its readers go on receiving chunks, nothing more is kept, nothing is indexed.
 */
public final class Fill {
    /** With a Content-Length: buffers of up to 1 MiB, exactly sized, so most objects are one buffer. */
    static final int SEGMENT_KNOWN = 1 << 20;
    /** Without one: buffers growing from 8 KiB to 64 KiB; the last is trimmed when the body is whole. */
    static final int SEGMENT_MIN = 8 << 10;
    static final int SEGMENT_UNKNOWN = 64 << 10;

    private enum State { FILLING, PASSING, COMPLETE, ABORTED }

    private final CacheStore store;
    private final CacheKey key;
    private final StoredHead head;
    private final long expectedLength;
    private final Flight flight;
    private final List<ByteBuf> segments = new ArrayList<>();
    private final List<Attached> readers = new ArrayList<>();
    private long length;
    private long reserved;
    private State state = State.FILLING;
    private volatile boolean indexable = true;

    Fill(CacheStore store, CacheKey key, StoredHead head, long expectedLength, Flight flight) {
        this.store = store;
        this.key = key;
        this.head = head;
        this.expectedLength = expectedLength;
        this.flight = flight;
    }

    public CacheKey key() {
        return key;
    }

    public StoredHead head() {
        return head;
    }

    /** Bytes appended so far. */
    public synchronized long length() {
        return length;
    }

    /** Whether the body is still being kept (false once it outgrew the cap: it is passed through). */
    public synchronized boolean storing() {
        return state == State.FILLING;
    }

    /** The next body bytes. The caller keeps its buffer (this copies): release it as usual. */
    public void append(ByteBuf chunk) {
        int n = chunk.readableBytes();
        if (n == 0) {
            return;
        }
        synchronized (this) {
            if (state == State.COMPLETE || state == State.ABORTED) {
                throw new IllegalStateException("fill of " + key + " is " + state);
            }
            if (state == State.FILLING && !keep(n)) {
                pass();
            }
            if (state == State.PASSING) {
                for (Attached a : readers) {
                    a.chunk(chunk.retainedDuplicate());
                }
                length += n;
                return;
            }
            int from = chunk.readerIndex();
            while (n > 0) {
                ByteBuf segment = segments.isEmpty() ? null : segments.get(segments.size() - 1);
                if (segment == null || segment.writableBytes() == 0) {
                    segment = store.allocate(nextSegmentSize());
                    segments.add(segment);
                }
                int w = Math.min(n, segment.writableBytes());
                int start = segment.writerIndex();
                segment.writeBytes(chunk, from, w);
                for (Attached a : readers) {
                    a.chunk(segment.retainedSlice(start, w));
                }
                from += w;
                n -= w;
                length += w;
            }
        }
    }

    /** Whether n more bytes may be kept: within the object cap and the store's budget for fills. */
    private boolean keep(int n) {
        if (length + n > store.settings().maxObjectBytes() || !store.reserveFill(n)) {
            return false;
        }
        reserved += n;
        return true;
    }

    private int nextSegmentSize() {
        if (expectedLength > length) {
            return (int) Math.min(SEGMENT_KNOWN, expectedLength - length);
        }
        return (int) Math.min(SEGMENT_UNKNOWN, Math.max(SEGMENT_MIN, length));
    }

    /** Stops keeping the body (it outgrew what may be kept); readers go on receiving it. */
    private void pass() {
        state = State.PASSING;
        releaseSegments();
        store.fillEnded(this, false);
    }

    /**
     * The body is whole: readers complete, and the object is indexed (replacing the variant with
     * the same selecting headers) unless it was passed, purged meanwhile, or its length is not the
     * Content-Length the head announced (then the fill aborts).
     *
     * @return the stored object, when it was stored
     */
    public Optional<CachedObject> complete() {
        StoredBody body;
        synchronized (this) {
            if (state == State.COMPLETE || state == State.ABORTED) {
                return Optional.empty();
            }
            if (state == State.FILLING && expectedLength >= 0 && length != expectedLength) {
                failLocked(new IOException("body of " + length + " bytes, Content-Length said " + expectedLength));
                return Optional.empty();
            }
            boolean keeping = state == State.FILLING;
            if (keeping) {
                trimLast();
            }
            body = keeping ? new StoredBody(segments) : null;
            state = State.COMPLETE;
            for (Attached a : readers) {
                a.complete();
            }
            readers.clear();
        }
        if (body == null) {
            return Optional.empty();
        }
        return store.completed(this, body);
    }

    /** The origin failed mid-body: readers get the error and cut their responses; nothing is indexed. */
    public void abort(Throwable cause) {
        synchronized (this) {
            if (state == State.COMPLETE || state == State.ABORTED) {
                return;
            }
            failLocked(cause);
        }
    }

    private void failLocked(Throwable cause) {
        boolean wasFilling = state == State.FILLING;
        state = State.ABORTED;
        for (Attached a : readers) {
            a.error(cause);
        }
        readers.clear();
        releaseSegments();
        if (wasFilling) {
            store.fillEnded(this, false);
        }
    }

    /** An unknown-length body's last buffer, copied to its exact size so eviction weighs what is held. */
    private void trimLast() {
        if (segments.isEmpty()) {
            return;
        }
        ByteBuf last = segments.get(segments.size() - 1);
        if (last.writableBytes() > 512) {
            ByteBuf exact = store.allocate(last.readableBytes());
            exact.writeBytes(last, last.readerIndex(), last.readableBytes());
            segments.set(segments.size() - 1, exact);
            last.release(); // readers' slices of it keep it until they are written
        }
    }

    private void releaseSegments() {
        for (ByteBuf s : segments) {
            s.release();
        }
        segments.clear();
        store.releaseFill(reserved);
        reserved = 0;
    }

    /** Called by the store once the body is indexed or dropped: its budget for fills is free again. */
    synchronized void settled() {
        store.releaseFill(reserved);
        reserved = 0;
    }

    boolean indexable() {
        return indexable;
    }

    void purged() {
        indexable = false;
    }

    Flight flight() {
        return flight;
    }

    /**
     * A reader whose request the head matched: it gets the head, every byte so far, then the rest
     * as it arrives; or it is released when there is nothing for it (aborted, passed, evicted).
     */
    Subscription join(EventExecutor executor, FillReader reader) {
        Attached a = new Attached(this, executor, reader);
        synchronized (this) {
            switch (state) {
                case ABORTED -> {
                    a.released(FillReader.Release.FILLER_FAILED);
                    return Subscription.NONE;
                }
                case PASSING -> {
                    a.released(FillReader.Release.NOT_STORABLE);
                    return Subscription.NONE;
                }
                default -> {
                    List<ByteBuf> sofar = new ArrayList<>(segments.size());
                    try {
                        for (ByteBuf s : segments) {
                            if (s.isReadable()) {
                                sofar.add(s.retainedSlice());
                            }
                        }
                    } catch (IllegalReferenceCountException evicted) {
                        sofar.forEach(ByteBuf::release);
                        a.released(FillReader.Release.GONE);
                        return Subscription.NONE;
                    }
                    a.head(head);
                    sofar.forEach(a::chunk);
                    if (state == State.COMPLETE) {
                        a.complete();
                    } else {
                        readers.add(a);
                    }
                    return a;
                }
            }
        }
    }

    synchronized void detach(Attached a) {
        readers.remove(a);
    }

    /** One reader of this fill: every call handed to its executor, in order; chunks released once cancelled. */
    static final class Attached implements Subscription {
        private final Fill fill;
        private final EventExecutor executor;
        private final FillReader reader;
        private volatile boolean cancelled;

        Attached(Fill fill, EventExecutor executor, FillReader reader) {
            this.fill = fill;
            this.executor = executor;
            this.reader = reader;
        }

        @Override
        public void cancel() {
            cancelled = true;
            fill.detach(this);
        }

        void head(StoredHead head) {
            run(() -> reader.onHead(head));
        }

        void chunk(ByteBuf b) {
            try {
                executor.execute(() -> {
                    if (cancelled) {
                        b.release();
                    } else {
                        reader.onChunk(b);
                    }
                });
            } catch (RejectedExecutionException shutDown) {
                b.release();
                cancelled = true;
            }
        }

        void complete() {
            run(reader::onComplete);
        }

        void error(Throwable cause) {
            run(() -> reader.onError(cause));
        }

        void released(FillReader.Release why) {
            run(() -> reader.onReleased(why));
        }

        private void run(Runnable r) {
            try {
                executor.execute(() -> {
                    if (!cancelled) {
                        r.run();
                    }
                });
            } catch (RejectedExecutionException shutDown) {
                cancelled = true;
            }
        }
    }
}
