package io.edgecert.bench;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.edgecert.edge.cache.CacheKey;
import io.edgecert.edge.cache.CacheSettings;
import io.edgecert.edge.cache.CacheStore;
import io.edgecert.edge.cache.CachedObject;
import io.edgecert.edge.cache.Fill;
import io.edgecert.edge.cache.StoredHead;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The store's hit path (docs/caching.md, "The store"): a lookup of one of {@code objects} keys
 * and a read of its body, for 1 KB and 100 KB objects, run on several threads ({@code -t}).
 * <ul>
 *   <li>{@code hit}: what the cache handler does, lookup + a retained duplicate of the direct body
 *       (then netty writes it to the socket or TLS engine straight from that memory) + release;</li>
 *   <li>{@code hitHeapArray}: the alternative design, bodies as byte[] in the same Caffeine index:
 *       lookup + the copy into a direct buffer that netty makes of every heap buffer it writes to
 *       a socket or to OpenSSL + release; the difference is what keeping bodies off-heap saves.</li>
 * </ul>
 * {@link #main} measures the heap a loaded store costs per object (bench/cache-store-jmh.sh).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CacheStoreBenchmark {
    @Param({"1024", "102400"})
    public int size;

    @Param({"1000"})
    public int objects;

    private CacheStore store;
    private CacheKey[] keys;
    private Cache<CacheKey, byte[]> heapIndex;

    static StoredHead head(int length) {
        HttpHeaders h = new DefaultHttpHeaders()
                .add("content-type", "text/html; charset=utf-8")
                .add("content-length", Integer.toString(length))
                .add("cache-control", "public, max-age=3600")
                .add("etag", "\"5f3e1a2b-" + length + "\"")
                .add("last-modified", "Mon, 07 Dec 2026 10:00:00 GMT")
                .add("date", "Mon, 07 Dec 2026 22:00:00 GMT");
        Instant now = Instant.now();
        return new StoredHead(200, h, now, now, Map.of("accept-encoding", "gzip"));
    }

    static void put(CacheStore store, CacheKey key, byte[] body) {
        Fill fill = store.lead(key).begin(head(body.length), OptionalLong.of(body.length)).orElseThrow();
        ByteBuf b = Unpooled.wrappedBuffer(body);
        fill.append(b);
        b.release();
        fill.complete().orElseThrow();
    }

    static CacheKey key(int i) {
        String path = "/assets/app-" + i + ".js";
        return new CacheKey("0b1c2d3e-4f50-6172-8394-a5b6c7d8e9f0", path, path + "|gzip");
    }

    @Setup(Level.Trial)
    public void setUp() {
        store = new CacheStore(CacheSettings.ofMemory((long) objects * (size + 4096) * 2), new SimpleMeterRegistry());
        heapIndex = Caffeine.newBuilder().maximumWeight((long) objects * (size + 4096) * 2)
                .weigher((CacheKey k, byte[] v) -> v.length).executor(Runnable::run).build();
        keys = new CacheKey[objects];
        byte[] body = new byte[size];
        ThreadLocalRandom.current().nextBytes(body);
        for (int i = 0; i < objects; i++) {
            keys[i] = key(i);
            put(store, keys[i], body);
            heapIndex.put(keys[i], body.clone());
        }
        if (store.objectCount() != objects) {
            throw new IllegalStateException("stored " + store.objectCount() + " of " + objects);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public int hit() {
        CacheKey k = keys[ThreadLocalRandom.current().nextInt(objects)];
        CachedObject o = store.lookup(k).get(0);
        ByteBuf body = o.retainedBody().orElseThrow();
        int n = body.readableBytes();
        body.release();
        return n;
    }

    @Benchmark
    public int hitHeapArray() {
        CacheKey k = keys[ThreadLocalRandom.current().nextInt(objects)];
        byte[] body = heapIndex.getIfPresent(k);
        ByteBuf direct = PooledByteBufAllocator.DEFAULT.directBuffer(body.length);
        direct.writeBytes(body);
        int n = direct.readableBytes();
        direct.release();
        return n;
    }

    /** Heap per stored object: {@code java ... CacheStoreBenchmark [objects] [body bytes]}. */
    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int size = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
        CacheKey[] ks = new CacheKey[n];
        for (int i = 0; i < n; i++) {
            ks[i] = key(i);
        }
        byte[] body = new byte[size];
        long before = usedHeap();
        CacheStore store = new CacheStore(CacheSettings.ofMemory(Long.MAX_VALUE / 4), new SimpleMeterRegistry());
        for (int i = 0; i < n; i++) {
            put(store, ks[i], body);
        }
        long after = usedHeap();
        long perObject = (after - before) / n;
        System.out.printf("objects %d, body %d bytes: heap %.1f MiB, %d bytes per object (estimate weighed: %d); "
                        + "bodies off-heap %.1f MiB%n", store.objectCount(), size, (after - before) / 1048576.0,
                perObject, store.byteCount() / n - size, (double) store.objectCount() * size / 1048576.0);
        store.close();
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
