package io.edgecert.edge.cache;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.concurrent.EventExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static io.edgecert.edge.cache.StoreFixtures.bytes;
import static io.edgecert.edge.cache.StoreFixtures.head;
import static io.edgecert.edge.cache.StoreFixtures.key;
import static io.edgecert.edge.cache.StoreFixtures.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Request collapsing and streaming fills: one lead among many concurrent misses, readers on real
 * netty event loops that receive the body while it is being filled, and every way a fill ends
 * without serving them (abort, pass, timeout, Vary, too large, purge).
 */
@Timeout(60)
class CollapsingTest {
    private static EventLoopGroup loops;
    private final TrackingAllocator allocator = new TrackingAllocator();
    private CacheStore store = new CacheStore(CacheSettings.ofMemory(64L << 20), new SimpleMeterRegistry(), allocator);

    @BeforeAll
    static void start() {
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        loops = new MultiThreadIoEventLoopGroup(4, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws Exception {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void nothingLeaks() {
        store.close();
        assertThat(allocator.live()).as("body buffers still referenced").isZero();
    }

    private static EventExecutor loop(int i) {
        List<EventExecutor> all = new ArrayList<>();
        loops.iterator().forEachRemaining(all::add);
        return all.get(i % all.size());
    }

    private static void append(Fill fill, byte[] body, int from, int to, int chunk) {
        for (int i = from; i < to; i += chunk) {
            ByteBuf b = Unpooled.wrappedBuffer(body, i, Math.min(chunk, to - i));
            fill.append(b);
            b.release();
        }
    }

    @Test
    void concurrentMissesMakeOneLeadAndAllReadTheFillWhileItArrives() throws Exception {
        int n = 32;
        CacheKey k = key("d1", "/big.bin");
        ExecutorService threads = Executors.newFixedThreadPool(n);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Miss>> misses = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                misses.add(threads.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    return store.miss(k);
                }));
            }
            go.countDown();
            List<Miss.Lead> leads = new ArrayList<>();
            List<Reader> readers = new ArrayList<>();
            for (Future<Miss> f : misses) {
                Miss m = f.get(10, TimeUnit.SECONDS);
                if (m instanceof Miss.Lead lead) {
                    leads.add(lead);
                } else if (m instanceof Miss.Join join) {
                    Reader r = new Reader(loop(readers.size()));
                    readers.add(r);
                    join.await(r.loop, h -> true, r);
                }
            }
            assertThat(leads).as("exactly one origin fetch").hasSize(1);
            assertThat(readers).hasSize(n - 1);

            byte[] body = bytes(3_000_000, 7);
            Fill fill = leads.get(0).begin(head(), OptionalLong.of(body.length)).orElseThrow();
            append(fill, body, 0, 1_000_000, 16_384);
            // the readers have the first third before the rest exists: nobody waits for the whole body
            await().atMost(Duration.ofSeconds(10)).until(() -> readers.stream().allMatch(r -> r.receivedBytes() == 1_000_000));
            assertThat(store.lookup(k)).as("not visible to lookups while filling").isEmpty();
            Reader late = new Reader(loop(1));
            assertThat(store.miss(k)).isInstanceOf(Miss.Join.class);
            ((Miss.Join) store.miss(k)).await(late.loop, h -> true, late);
            append(fill, body, 1_000_000, body.length, 16_384);
            assertThat(fill.complete()).isPresent();
            readers.add(late);
            for (Reader r : readers) {
                assertThat(r.body.get(10, TimeUnit.SECONDS)).isEqualTo(body);
                assertThat(r.offLoop.get()).as("calls off the reader's event loop").isZero();
                assertThat(r.outOfOrder.get()).isZero();
            }
            assertThat(read(store.lookup(k).get(0))).isEqualTo(body);
            assertThat(store.miss(k)).as("once stored, a new miss leads again").isInstanceOf(Miss.Lead.class);
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void anAbortedFillFailsItsReadersAndIsNotStored() throws Exception {
        CacheKey k = key("d1", "/abort");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        Fill fill = lead.begin(head(), OptionalLong.empty()).orElseThrow();
        append(fill, bytes(100_000, 1), 0, 100_000, 10_000);
        fill.abort(new IOException("origin reset"));
        assertThat(r.error.get(10, TimeUnit.SECONDS)).hasMessage("origin reset");
        assertThat(r.head).isDone();
        assertThat(store.lookup(k)).isEmpty();
        assertThat(fill.complete()).isEmpty();
        assertThat(store.miss(k)).isInstanceOf(Miss.Lead.class);
        assertThat(allocator.live()).isZero();
    }

    @Test
    void aShortBodyAbortsTheFill() throws Exception {
        CacheKey k = key("d1", "/short");
        Fill fill = store.lead(k).begin(head(), OptionalLong.of(1000)).orElseThrow();
        append(fill, bytes(999, 1), 0, 999, 100);
        assertThat(fill.complete()).isEmpty();
        assertThat(store.lookup(k)).isEmpty();
    }

    @Test
    void waitersAreReleasedWhenTheResponseIsNotStorable() throws Exception {
        CacheKey k = key("d1", "/private");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        lead.pass();
        assertThat(r.released.get(10, TimeUnit.SECONDS)).isEqualTo(FillReader.Release.NOT_STORABLE);
        assertThat(store.miss(k)).isInstanceOf(Miss.Lead.class);
    }

    @Test
    void waitersAreReleasedWhenTheFillerFails() throws Exception {
        CacheKey k = key("d1", "/down");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        lead.fail(new IOException("connection refused"));
        assertThat(r.released.get(10, TimeUnit.SECONDS)).isEqualTo(FillReader.Release.FILLER_FAILED);
    }

    @Test
    void aWaiterGivesUpAfterTheCollapseTimeoutAndTheNextMissLeads() throws Exception {
        store.close();
        store = new CacheStore(new CacheSettings(64L << 20, 1 << 20, Duration.ofMillis(200), 16, Optional.empty()),
                new SimpleMeterRegistry(), allocator);
        CacheKey k = key("d1", "/slow");
        Miss.Lead lost = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(2));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        assertThat(r.released.get(10, TimeUnit.SECONDS)).isEqualTo(FillReader.Release.TIMEOUT);
        await().atMost(Duration.ofSeconds(5)).until(() -> store.miss(k) instanceof Miss.Lead);
        lost.pass(); // the lost lead settling late disturbs nobody
    }

    @Test
    void aWaiterWhoseVaryDoesNotMatchFetchesItself() throws Exception {
        CacheKey k = key("d1", "/vary");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader fr = new Reader(loop(0));
        Reader en = new Reader(loop(1));
        ((Miss.Join) store.miss(k)).await(fr.loop, h -> "fr".equals(h.selectingHeaders().get("accept-language")), fr);
        ((Miss.Join) store.miss(k)).await(en.loop, h -> "en".equals(h.selectingHeaders().get("accept-language")), en);
        Fill fill = lead.begin(head(Map.of("accept-language", "en")), OptionalLong.of(10)).orElseThrow();
        append(fill, bytes(10, 1), 0, 10, 10);
        fill.complete();
        assertThat(fr.released.get(10, TimeUnit.SECONDS)).isEqualTo(FillReader.Release.NO_MATCH);
        assertThat(en.body.get(10, TimeUnit.SECONDS)).isEqualTo(bytes(10, 1));
    }

    @Test
    void aBodyLargerThanTheCapIsNotStoredButStillStreamed() throws Exception {
        store.close();
        store = new CacheStore(new CacheSettings(64L << 20, 100_000, Duration.ofSeconds(10), 16, Optional.empty()),
                new SimpleMeterRegistry(), allocator);
        CacheKey k = key("d1", "/huge");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        Fill fill = lead.begin(head(), OptionalLong.empty()).orElseThrow();
        byte[] body = bytes(300_000, 3);
        append(fill, body, 0, body.length, 8192);
        assertThat(fill.storing()).isFalse();
        assertThat(fill.complete()).isEmpty();
        assertThat(r.body.get(10, TimeUnit.SECONDS)).as("the reader that joined gets it all").isEqualTo(body);
        assertThat(store.lookup(k)).isEmpty();

        CacheKey k2 = key("d1", "/huge-known");
        Miss.Lead lead2 = (Miss.Lead) store.miss(k2);
        Reader r2 = new Reader(loop(1));
        ((Miss.Join) store.miss(k2)).await(r2.loop, h -> true, r2);
        assertThat(lead2.begin(head(), OptionalLong.of(300_000))).isEmpty();
        assertThat(r2.released.get(10, TimeUnit.SECONDS)).isEqualTo(FillReader.Release.NOT_STORABLE);
    }

    @Test
    void aPurgeDuringAFillKeepsItOutOfTheIndex() throws Exception {
        CacheKey k = key("d1", "/img/logo.png");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        Fill fill = lead.begin(head(), OptionalLong.of(1000)).orElseThrow();
        append(fill, bytes(1000, 1), 0, 500, 100);
        store.purge("d1", List.of("/img/*"));
        assertThat(store.miss(k)).as("after the purge a miss fetches anew").isInstanceOf(Miss.Lead.class);
        append(fill, bytes(1000, 1), 500, 1000, 100);
        assertThat(fill.complete()).isEmpty();
        assertThat(r.body.get(10, TimeUnit.SECONDS)).as("its reader is still served").isEqualTo(bytes(1000, 1));
        assertThat(store.lookup(k)).isEmpty();

        CacheKey k2 = key("d1", "/img/before-head.png");
        Miss.Lead early = (Miss.Lead) store.miss(k2);
        store.purge("d1", List.of("/img/before-head.png"));
        Fill f2 = early.begin(head(), OptionalLong.of(10)).orElseThrow();
        append(f2, bytes(10, 1), 0, 10, 10);
        assertThat(f2.complete()).as("purged before its head came").isEmpty();
    }

    @Test
    void aCancelledReaderStopsReceivingAndLeaksNothing() throws Exception {
        CacheKey k = key("d1", "/cancel");
        Miss.Lead lead = (Miss.Lead) store.miss(k);
        Reader r = new Reader(loop(0));
        Subscription s = ((Miss.Join) store.miss(k)).await(r.loop, h -> true, r);
        Fill fill = lead.begin(head(), OptionalLong.of(200_000)).orElseThrow();
        append(fill, bytes(200_000, 1), 0, 100_000, 10_000);
        await().atMost(Duration.ofSeconds(10)).until(() -> r.receivedBytes() == 100_000);
        s.cancel();
        append(fill, bytes(200_000, 1), 100_000, 200_000, 10_000);
        fill.complete();
        Thread.sleep(100);
        assertThat(r.receivedBytes()).isEqualTo(100_000);
        assertThat(r.body).isNotDone();
        assertThat(store.lookup(k)).hasSize(1);
    }
}
