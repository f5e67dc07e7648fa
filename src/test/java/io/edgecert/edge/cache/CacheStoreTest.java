package io.edgecert.edge.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.util.ResourceLeakDetector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.edgecert.edge.cache.StoreFixtures.bytes;
import static io.edgecert.edge.cache.StoreFixtures.head;
import static io.edgecert.edge.cache.StoreFixtures.key;
import static io.edgecert.edge.cache.StoreFixtures.read;
import static io.edgecert.edge.cache.StoreFixtures.store;
import static org.assertj.core.api.Assertions.assertThat;

/** The memory tier: lookups, variants, freshening, purges, isolation, the byte bound, and no leaked buffer. */
@Timeout(60)
class CacheStoreTest {
    private final TrackingAllocator allocator = new TrackingAllocator();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private CacheStore store = new CacheStore(CacheSettings.ofMemory(64L << 20), registry, allocator);

    @BeforeAll
    static void paranoid() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }

    @AfterEach
    void nothingLeaks() {
        store.close();
        assertThat(allocator.live()).as("body buffers still referenced after close").isZero();
    }

    @Test
    void aStoredObjectIsFoundWithItsBytes() {
        byte[] body = bytes(100_000, 1);
        assertThat(store.lookup(key("d1", "/a"))).isEmpty();
        CachedObject stored = store(store, key("d1", "/a"), head(), body, 7_000).orElseThrow();
        List<CachedObject> found = store.lookup(key("d1", "/a"));
        assertThat(found).containsExactly(stored);
        assertThat(found.get(0).length()).isEqualTo(100_000);
        assertThat(read(found.get(0))).isEqualTo(body);
        assertThat(store.objectCount()).isEqualTo(1);
        assertThat(store.stats("d1").objects()).isEqualTo(1);
        assertThat(allocator.allocations()).as("a known length fits one exact buffer").isEqualTo(1);
    }

    @Test
    void twoDistributionsNeverShareAnObject() {
        store(store, key("d1", "/same.css"), bytes(1000, 1));
        store(store, key("d2", "/same.css"), bytes(1000, 2));
        assertThat(read(store.lookup(key("d1", "/same.css")).get(0))).isEqualTo(bytes(1000, 1));
        assertThat(read(store.lookup(key("d2", "/same.css")).get(0))).isEqualTo(bytes(1000, 2));
        assertThat(store.purge("d1", List.of("/*"))).isEqualTo(1);
        assertThat(store.lookup(key("d1", "/same.css"))).isEmpty();
        assertThat(store.lookup(key("d2", "/same.css"))).hasSize(1);
    }

    @Test
    void variantsAreKeptApartAndReplacedBySelectingHeaders() {
        CacheKey k = key("d1", "/v");
        store(store, k, head(Map.of("accept-language", "en")), bytes(10, 1), 10);
        store(store, k, head(Map.of("accept-language", "fr")), bytes(10, 2), 10);
        assertThat(store.lookup(k)).hasSize(2);
        store(store, k, head(Map.of("accept-language", "en")), bytes(10, 3), 10);
        List<CachedObject> found = store.lookup(k);
        assertThat(found).hasSize(2);
        Optional<CachedObject> en = store.lookup(k, h -> "en".equals(h.selectingHeaders().get("accept-language")));
        assertThat(read(en.orElseThrow())).isEqualTo(bytes(10, 3));
        assertThat(store.objectCount()).isEqualTo(2);
        assertThat(allocator.live()).as("the replaced variant's buffer is freed").isEqualTo(2);
    }

    @Test
    void aFreshenedHeadKeepsTheBody() {
        CacheKey k = key("d1", "/f");
        CachedObject old = store(store, k, bytes(500, 1)).orElseThrow();
        io.netty.handler.codec.http.HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders().add("etag", "\"2\"");
        StoredHead newer = new StoredHead(200, h, old.head().requestTime().plusSeconds(5),
                old.head().responseTime().plusSeconds(5), Map.of());
        CachedObject fresh = store.freshen(old, newer).orElseThrow();
        assertThat(store.lookup(k)).containsExactly(fresh);
        assertThat(fresh.head().headers().get("etag")).isEqualTo("\"2\"");
        assertThat(read(fresh)).isEqualTo(bytes(500, 1));
        assertThat(store.freshen(old, newer)).as("the old object is no longer stored").isEmpty();
    }

    @Test
    void purgeByPrefixAndExactPathAcrossVariantsAndQueries() {
        store(store, new CacheKey("d1", "/img/a.png", "/img/a.png"), bytes(10, 1));
        store(store, new CacheKey("d1", "/img/b.png", "/img/b.png?w=100"), bytes(10, 1));
        store(store, new CacheKey("d1", "/index.html", "/index.html|en"), head(Map.of("accept-language", "en")), bytes(10, 1), 10);
        store(store, new CacheKey("d1", "/index.html", "/index.html|en"), head(Map.of("accept-language", "fr")), bytes(10, 1), 10);
        store(store, new CacheKey("d1", "/index.html", "/index.html?x=1"), bytes(10, 1));
        store(store, new CacheKey("d1", "/index.htmlx", "/index.htmlx"), bytes(10, 1));
        store(store, new CacheKey("d1", "/css/site.css", "/css/site.css"), bytes(10, 1));
        store(store, new CacheKey("d2", "/img/a.png", "/img/a.png"), bytes(10, 1));

        assertThat(store.purge("d1", List.of("/img/*"))).isEqualTo(2);
        assertThat(store.purge("d1", List.of("index.html"))).as("both variants and both query keys").isEqualTo(3);
        assertThat(store.lookup(new CacheKey("d1", "/index.htmlx", "/index.htmlx"))).hasSize(1);
        assertThat(store.lookup(new CacheKey("d1", "/css/site.css", "/css/site.css"))).hasSize(1);
        assertThat(store.lookup(new CacheKey("d2", "/img/a.png", "/img/a.png"))).hasSize(1);
        store(store, new CacheKey("d1", "/caf%c3%a9 menu.html", "/caf%c3%a9 menu.html"), bytes(10, 1));
        assertThat(store.purge("d1", List.of("/café%20menu.html"))).as("compared URL-encoded, as CloudFront does").isEqualTo(1);
        assertThat(store.dropDistribution("d1")).isEqualTo(2);
        assertThat(store.objectCount()).isEqualTo(1);
    }

    @Test
    void evictionKeepsTheByteBound() {
        store.close();
        long bound = 2L << 20;
        store = new CacheStore(CacheSettings.ofMemory(bound), new SimpleMeterRegistry(), allocator);
        for (int i = 0; i < 500; i++) {
            store(store, key("d1", "/o" + i), bytes(10_000, i));
            assertThat(store.byteCount()).isLessThanOrEqualTo(bound);
            assertThat(allocator.liveBytes()).isLessThanOrEqualTo(bound);
        }
        assertThat(store.objectCount()).isBetween(150L, 210L);
        assertThat(store.stats("d1").evictions()).isEqualTo(500 - store.objectCount());
        assertThat(allocator.live()).isEqualTo(store.objectCount());
    }

    @Test
    void aReaderKeepsAnEvictedBodyUntilItIsDone() {
        CachedObject o = store(store, key("d1", "/r"), bytes(2000, 5)).orElseThrow();
        ByteBuf reading = o.retainedBody().orElseThrow();
        assertThat(store.purge("d1", List.of("/r"))).isEqualTo(1);
        assertThat(o.retainedBody()).as("a later reader sees it gone").isEmpty();
        byte[] out = new byte[reading.readableBytes()];
        reading.readBytes(out);
        assertThat(out).isEqualTo(bytes(2000, 5));
        assertThat(allocator.live()).isEqualTo(1);
        reading.release();
        assertThat(allocator.live()).isZero();
    }

    @Test
    void readersOnManyThreadsWhileObjectsAreEvictedAndPurgedGetWholeBodiesOrNothing() throws Exception {
        store.close();
        store = new CacheStore(CacheSettings.ofMemory(1L << 20), new SimpleMeterRegistry(), allocator);
        int keys = 50;
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(6);
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
        try {
            List<java.util.concurrent.Future<?>> work = new java.util.ArrayList<>();
            for (int t = 0; t < 2; t++) {
                int seed = t;
                work.add(threads.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        int n = (i * 7 + seed) % keys;
                        store(store, key("d1", "/k" + n), bytes(30_000, n));
                        if (i % 13 == 0) {
                            store.purge("d1", List.of("/k" + (n + 1) % keys));
                        }
                    }
                    return null;
                }));
            }
            for (int t = 0; t < 4; t++) {
                work.add(threads.submit(() -> {
                    for (int i = 0; !stop.get(); i++) {
                        int n = i % keys;
                        for (CachedObject o : store.lookup(key("d1", "/k" + n))) {
                            Optional<ByteBuf> b = o.retainedBody();
                            if (b.isPresent()) {
                                byte[] out = new byte[b.get().readableBytes()];
                                b.get().getBytes(0, out);
                                b.get().release();
                                assertThat(out).isEqualTo(bytes(30_000, n));
                                reads.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            Thread.sleep(1500);
            stop.set(true);
            for (java.util.concurrent.Future<?> f : work) {
                f.get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } finally {
            threads.shutdownNow();
        }
        assertThat(reads.get()).isPositive();
        assertThat(store.byteCount()).isLessThanOrEqualTo(1L << 20);
        assertThat(allocator.live()).as("what is live is what is stored").isEqualTo(store.objectCount());
    }
}
