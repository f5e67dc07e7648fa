package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.util.IllegalReferenceCountException;

import java.util.List;
import java.util.Optional;

/**
 * The bytes of one stored object: direct buffers the store allocated (not the origin's pooled
 * ones, which must go back to their pool), each holding one reference owned by the store. A reader
 * takes a retained duplicate and releases it when written; the store's release on eviction frees
 * the memory only once the last reader is done.
 */
final class StoredBody {
    private final List<ByteBuf> segments;
    private final long length;
    private final long capacity;
    /** Set when the store drops it: later readers see it gone even while earlier ones still hold it. */
    private volatile boolean dropped;

    StoredBody(List<ByteBuf> segments) {
        this.segments = List.copyOf(segments);
        long n = 0;
        long c = 0;
        for (ByteBuf s : this.segments) {
            n += s.readableBytes();
            c += s.capacity();
        }
        this.length = n;
        this.capacity = c;
    }

    long length() {
        return length;
    }

    /** The memory it holds (what eviction weighs). */
    long capacity() {
        return capacity;
    }

    /**
     * A buffer over the whole body that the caller owns (releases, or writes and so releases), or
     * empty when the store dropped it meanwhile.
     */
    Optional<ByteBuf> retained() {
        if (dropped) {
            return Optional.empty();
        }
        if (segments.isEmpty()) {
            return Optional.of(Unpooled.EMPTY_BUFFER);
        }
        if (segments.size() == 1) {
            try {
                return Optional.of(segments.get(0).retainedDuplicate());
            } catch (IllegalReferenceCountException dropped) {
                return Optional.empty();
            }
        }
        CompositeByteBuf all = Unpooled.compositeBuffer(segments.size());
        try {
            for (ByteBuf s : segments) {
                all.addComponent(true, s.retainedDuplicate());
            }
            return Optional.of(all);
        } catch (IllegalReferenceCountException dropped) {
            all.release(); // releases the duplicates retained so far
            return Optional.empty();
        }
    }

    /** The store's own references: called once, when the store drops the object. */
    void release() {
        dropped = true;
        for (ByteBuf s : segments) {
            s.release();
        }
    }
}
