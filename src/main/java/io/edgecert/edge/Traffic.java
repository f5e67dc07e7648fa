package io.edgecert.edge;

import io.edgecert.serving.TrafficSeries;
import io.edgecert.serving.TrafficSeries.Point;
import io.edgecert.serving.TrafficSeries.Window;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * What this node's edge served, per distribution: requests, bytes, cache hits and misses, errors
 * and origin time, for the last hour by minute and the last day by quarter hour (the console's
 * charts). The request path calls {@link #record} once per finished request: no lock, two
 * buckets found by index, eight counters striped by thread so that event loops do not fight over
 * one cache line. Memory per distribution is bounded (at most 60 + 96 buckets, made when first
 * written); a distribution that served nothing for a day is dropped.
 */
public final class Traffic implements TrafficSeries.Source {
    /** Counters per stripe: exactly one 64-byte cache line of longs. */
    private static final int FIELDS = 8;
    private static final int REQUESTS = 0;
    private static final int BYTES = 1;
    private static final int HITS = 2;
    private static final int MISSES = 3;
    private static final int CLIENT_ERRORS = 4;
    private static final int SERVER_ERRORS = 5;
    private static final int ORIGIN_REQUESTS = 6;
    private static final int ORIGIN_NANOS = 7;

    /** What the cache did for a request; RFC 9211's Cache-Status says it, {@link #ofCacheStatus} reads it. */
    public enum Cache {
        /** answered from the cache without asking the origin */
        HIT,
        /** cacheable, but the origin was asked (absent, stale, or a secondary key missed) */
        MISS,
        /** the cache had no say: not cacheable, caching off for the behavior, or the edge answered itself */
        PASS;

        /**
         * From a Cache-Status value as the cache stage writes it ("edgecert; hit", "edgecert;
         * fwd=miss; stored", ...): {@code hit} is a HIT, {@code fwd=bypass|method|request} a PASS,
         * any other {@code fwd} a MISS, an empty value (the cache had no say) a PASS.
         */
        public static Cache ofCacheStatus(String cacheStatus) {
            if (cacheStatus == null || cacheStatus.isEmpty()) {
                return PASS;
            }
            Cache result = PASS;
            for (String part : cacheStatus.split(";")) {
                String p = part.strip();
                if (p.equals("hit")) {
                    return HIT;
                }
                if (p.startsWith("fwd=")) {
                    String why = p.substring(4);
                    result = why.equals("bypass") || why.equals("method") || why.equals("request") ? PASS : MISS;
                }
            }
            return result;
        }
    }

    private final Clock clock;
    private final int stripes;
    private final Map<String, Counters> byDistribution = new ConcurrentHashMap<>();
    private final AtomicLong sweptQuarter = new AtomicLong(Long.MIN_VALUE);

    public Traffic(Clock clock) {
        this(clock, Runtime.getRuntime().availableProcessors());
    }

    Traffic(Clock clock, int threads) {
        this.clock = clock;
        this.stripes = Integer.highestOneBit(Math.max(1, Math.min(threads, 8)) * 2 - 1); // a power of two ≥ threads, ≤ 8
    }

    /**
     * One finished request.
     *
     * @param bytesSent   the response's bytes as sent to the viewer (body, after compression)
     * @param originNanos the time the origin took; 0 when it was not asked
     */
    public void record(String distributionId, int status, long bytesSent, Cache cache, long originNanos) {
        long now = clock.millis();
        Counters c = byDistribution.get(distributionId); // no bin lock when it is there, as it mostly is
        if (c == null) {
            c = byDistribution.computeIfAbsent(distributionId, id -> new Counters());
        }
        long quarter = Math.floorDiv(now, Window.DAY.stepMillis);
        if (c.lastQuarter != quarter) {
            c.lastQuarter = quarter;
            sweep(quarter);
        }
        int stripe = (int) (Thread.currentThread().getId() & (stripes - 1)) * FIELDS;
        add(c.minutes.bucket(Math.floorDiv(now, Window.HOUR.stepMillis)).cells, stripe, status, bytesSent, cache, originNanos);
        add(c.quarters.bucket(quarter).cells, stripe, status, bytesSent, cache, originNanos);
    }

    private static void add(AtomicLongArray cells, int at, int status, long bytes, Cache cache, long originNanos) {
        cells.getAndIncrement(at + REQUESTS);
        if (bytes > 0) {
            cells.getAndAdd(at + BYTES, bytes);
        }
        if (cache == Cache.HIT) {
            cells.getAndIncrement(at + HITS);
        } else if (cache == Cache.MISS) {
            cells.getAndIncrement(at + MISSES);
        }
        if (status >= 500) {
            cells.getAndIncrement(at + SERVER_ERRORS);
        } else if (status >= 400) {
            cells.getAndIncrement(at + CLIENT_ERRORS);
        }
        if (originNanos > 0) {
            cells.getAndIncrement(at + ORIGIN_REQUESTS);
            cells.getAndAdd(at + ORIGIN_NANOS, originNanos);
        }
    }

    /** At most once per quarter hour: forget distributions that served nothing for a whole day. */
    private void sweep(long quarter) {
        long last = sweptQuarter.get();
        if (quarter <= last || !sweptQuarter.compareAndSet(last, quarter)) {
            return;
        }
        byDistribution.values().removeIf(c -> c.lastQuarter <= quarter - Window.DAY.buckets);
    }

    @Override
    public TrafficSeries series(String distributionId, Window window) {
        long now = clock.millis();
        Counters c = byDistribution.get(distributionId);
        if (c == null) {
            return TrafficSeries.empty(distributionId, window, now);
        }
        Ring ring = window == Window.HOUR ? c.minutes : c.quarters;
        long last = Math.floorDiv(now, window.stepMillis);
        long first = last - window.buckets + 1;
        List<Point> points = new ArrayList<>(window.buckets);
        long[] sum = new long[FIELDS];
        for (long b = first; b <= last; b++) {
            java.util.Arrays.fill(sum, 0);
            Bucket bucket = ring.peek(b);
            if (bucket != null) {
                for (int s = 0; s < stripes; s++) {
                    for (int f = 0; f < FIELDS; f++) {
                        sum[f] += bucket.cells.get(s * FIELDS + f);
                    }
                }
            }
            points.add(new Point(b * window.stepMillis, sum[REQUESTS], sum[BYTES], sum[HITS], sum[MISSES],
                    sum[CLIENT_ERRORS], sum[SERVER_ERRORS], sum[ORIGIN_REQUESTS], sum[ORIGIN_NANOS]));
        }
        return new TrafficSeries(distributionId, window, first * window.stepMillis, window.stepMillis, points);
    }

    /** How many distributions have counters (tests check that idle ones go). */
    int tracked() {
        return byDistribution.size();
    }

    private final class Counters {
        final Ring minutes = new Ring(Window.HOUR.buckets);
        final Ring quarters = new Ring(Window.DAY.buckets);
        volatile long lastQuarter = Long.MIN_VALUE;
    }

    /** A fixed ring of buckets; slot {@code index mod size} holds the bucket of that index or an older one. */
    private final class Ring {
        private final AtomicReferenceArray<Bucket> slots;

        Ring(int size) {
            slots = new AtomicReferenceArray<>(size);
        }

        Bucket bucket(long index) {
            int slot = (int) Math.floorMod(index, (long) slots.length());
            while (true) {
                Bucket b = slots.get(slot);
                if (b != null && b.index >= index) {
                    // a newer bucket can be here only when the clock went back more than a ring: count it there
                    return b;
                }
                Bucket fresh = new Bucket(index, stripes);
                if (slots.compareAndSet(slot, b, fresh)) {
                    return fresh;
                }
                // another thread rolled the slot over first: use its bucket
            }
        }

        Bucket peek(long index) {
            Bucket b = slots.get((int) Math.floorMod(index, (long) slots.length()));
            return b != null && b.index == index ? b : null;
        }
    }

    private static final class Bucket {
        final long index;
        final AtomicLongArray cells;

        Bucket(long index, int stripes) {
            this.index = index;
            this.cells = new AtomicLongArray(stripes * FIELDS);
        }
    }
}
