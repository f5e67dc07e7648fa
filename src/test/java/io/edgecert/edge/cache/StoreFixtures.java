package io.edgecert.edge.cache;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** Test material: keys, heads, bodies, and a fill made whole in one call. */
final class StoreFixtures {
    private StoreFixtures() {
    }

    static CacheKey key(String distribution, String path) {
        return new CacheKey(distribution, path, path);
    }

    static StoredHead head(Map<String, String> selecting) {
        HttpHeaders h = new DefaultHttpHeaders().add("content-type", "text/plain").add("cache-control", "max-age=60");
        Instant now = Instant.now();
        return new StoredHead(200, h, now, now, selecting);
    }

    static StoredHead head() {
        return head(Map.of());
    }

    static byte[] bytes(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + seed);
        }
        return b;
    }

    /** Stores an object of {@code body} through a lead, in chunks of {@code chunk} bytes. */
    static Optional<CachedObject> store(CacheStore store, CacheKey key, StoredHead head, byte[] body, int chunk) {
        Fill fill = store.lead(key).begin(head, OptionalLong.of(body.length)).orElseThrow();
        for (int i = 0; i < body.length; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(body, i, Math.min(chunk, body.length - i));
            fill.append(b);
            b.release();
        }
        return fill.complete();
    }

    static Optional<CachedObject> store(CacheStore store, CacheKey key, byte[] body) {
        return store(store, key, head(), body, 16 * 1024);
    }

    /** The body of a stored object, read and released. */
    static byte[] read(CachedObject o) {
        ByteBuf b = o.retainedBody().orElseThrow();
        try {
            byte[] out = new byte[b.readableBytes()];
            b.getBytes(b.readerIndex(), out);
            return out;
        } finally {
            b.release();
        }
    }

    static String text(ByteBuf b) {
        return b.toString(StandardCharsets.UTF_8);
    }
}
