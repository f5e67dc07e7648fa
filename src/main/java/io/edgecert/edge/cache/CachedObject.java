package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;

import java.util.Optional;

/**
 * One stored variant of a key: its head (what the strategy decides on, its selecting headers
 * included) and a handle on its body. Lookups return these; holding one keeps nothing alive, so
 * take the body with {@link #retainedBody()} and release it when written.
 */
public final class CachedObject {
    /**
     * Heap an object costs besides its body's bytes and its headers: its index entry, head record
     * and buffer objects. With the per-header cost below this weighs a typical object (6 response
     * headers, one selecting header) at about the 1,156 heap bytes measured with a loaded store
     * (bench/cache-store-jmh.sh; docs/caching.md, "The store").
     */
    static final int FIXED_OVERHEAD = 400;
    /** A header entry, its two strings and their arrays, besides the characters (compact strings: 1 byte each). */
    static final int PER_HEADER = 64;

    private final CacheKey key;
    private final StoredHead head;
    private final StoredBody body;
    private final int weight;

    CachedObject(CacheKey key, StoredHead head, StoredBody body) {
        this.key = key;
        this.head = head;
        this.body = body;
        this.weight = (int) Math.min(Integer.MAX_VALUE, body.capacity() + headBytes(key, head));
    }

    private static long headBytes(CacheKey key, StoredHead head) {
        long n = FIXED_OVERHEAD + key.value().length() + key.path().length() + key.distributionId().length();
        for (var h : head.headers()) {
            n += h.getKey().length() + h.getValue().length() + PER_HEADER;
        }
        for (var e : head.selectingHeaders().entrySet()) {
            n += e.getKey().length() + e.getValue().length() + PER_HEADER;
        }
        return n;
    }

    public CacheKey key() {
        return key;
    }

    public StoredHead head() {
        return head;
    }

    /** Bytes of the body (Content-Length of a full response from it). */
    public long length() {
        return body.length();
    }

    /**
     * The whole body, as a buffer the caller owns (write it, or release it); empty when the object
     * was evicted or purged since the lookup (then treat the request as a miss).
     */
    public Optional<ByteBuf> retainedBody() {
        return body.retained();
    }

    /** What eviction weighs: body memory plus the estimated heap of the head and index entry. */
    int weight() {
        return weight;
    }

    StoredBody body() {
        return body;
    }

    CachedObject withHead(StoredHead newHead) {
        return new CachedObject(key, newHead, body);
    }
}
