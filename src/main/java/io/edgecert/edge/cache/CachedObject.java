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
     * Heap an object costs besides its body's bytes: its index entry, head and buffers (measured:
     * docs/caching.md, "The store"), plus its headers' characters.
     */
    static final int FIXED_OVERHEAD = 800;

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
        long n = FIXED_OVERHEAD + 2L * (key.value().length() + key.path().length());
        for (var h : head.headers()) {
            n += 2L * (h.getKey().length() + h.getValue().length()) + 64;
        }
        for (var e : head.selectingHeaders().entrySet()) {
            n += 2L * (e.getKey().length() + e.getValue().length()) + 64;
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
