package io.edgecert.edge;

import io.edgecert.testing.MutableClock;
import io.edgecert.edge.Traffic.Cache;
import io.edgecert.serving.TrafficSeries;
import io.edgecert.serving.TrafficSeries.Point;
import io.edgecert.serving.TrafficSeries.Window;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class TrafficTest {
    private static final Instant START = Instant.parse("2026-12-07T10:00:00Z");

    @Test
    void aRequestLandsInTheBucketOfItsMinuteAndQuarter() {
        MutableClock clock = new MutableClock(START.plusSeconds(30));
        Traffic traffic = new Traffic(clock, 2);
        traffic.record("d1", 200, 1000, Cache.HIT, 0);
        traffic.record("d1", 200, 500, Cache.MISS, 3_000_000);
        traffic.record("d1", 404, 20, Cache.PASS, 1_000_000);
        traffic.record("d1", 502, 10, Cache.MISS, 5_000_000);
        traffic.record("d2", 200, 7, Cache.HIT, 0);

        TrafficSeries hour = traffic.series("d1", Window.HOUR);
        assertThat(hour.points()).hasSize(60);
        assertThat(hour.stepMillis()).isEqualTo(60_000);
        Point last = hour.points().get(59);
        assertThat(last.startMillis()).isEqualTo(START.toEpochMilli());
        assertThat(last).isEqualTo(new Point(START.toEpochMilli(), 4, 1530, 1, 2, 1, 1, 3, 9_000_000));
        assertThat(last.hitRatio()).contains(0.25);
        assertThat(last.meanOriginMillis()).contains(3.0);
        assertThat(hour.points().subList(0, 59)).allMatch(p -> p.requests() == 0 && p.hitRatio().isEmpty());

        TrafficSeries day = traffic.series("d1", Window.DAY);
        assertThat(day.points()).hasSize(96);
        assertThat(day.points().get(95).requests()).isEqualTo(4);
        assertThat(day.points().get(95).startMillis()).isEqualTo(START.toEpochMilli());
        assertThat(traffic.series("d2", Window.HOUR).requests()).isEqualTo(1);
        assertThat(traffic.series("unknown", Window.HOUR).points()).hasSize(60).allMatch(p -> p.requests() == 0);
    }

    @Test
    void bucketsRollOverAsTheClockMoves() {
        MutableClock clock = new MutableClock(START);
        Traffic traffic = new Traffic(clock, 4);
        traffic.record("d", 200, 100, Cache.HIT, 0);
        clock.advance(Duration.ofMinutes(1));
        traffic.record("d", 200, 100, Cache.HIT, 0);
        traffic.record("d", 200, 100, Cache.MISS, 1);

        List<Point> hour = traffic.series("d", Window.HOUR).points();
        assertThat(hour.get(58).requests()).isEqualTo(1);
        assertThat(hour.get(59).requests()).isEqualTo(2);
        assertThat(traffic.series("d", Window.DAY).points().get(95).requests()).isEqualTo(3);

        // 59 minutes later the first minute is the oldest one shown, one more and it is gone
        clock.advance(Duration.ofMinutes(58));
        assertThat(traffic.series("d", Window.HOUR).points().get(0).requests()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(1));
        assertThat(traffic.series("d", Window.HOUR).requests()).isEqualTo(2);
        clock.advance(Duration.ofMinutes(1));
        assertThat(traffic.series("d", Window.HOUR).requests()).isZero();
        // a new request in the slot the first minute used starts from zero, not from the old counts
        traffic.record("d", 200, 5, Cache.PASS, 0);
        Point now = traffic.series("d", Window.HOUR).points().get(59);
        assertThat(now.requests()).isEqualTo(1);
        assertThat(now.bytes()).isEqualTo(5);
        assertThat(traffic.series("d", Window.DAY).requests()).isEqualTo(4);

        // the day keeps them for 24 hours, in quarter-hour buckets
        List<Point> day = traffic.series("d", Window.DAY).points();
        assertThat(day.get(95).requests()).isEqualTo(1);
        assertThat(day.get(91).requests()).isEqualTo(3);
        clock.advance(Duration.ofHours(22)); // 09:01 the next day: the window starts at 09:15 today
        assertThat(traffic.series("d", Window.DAY).requests()).isEqualTo(4);
        clock.advance(Duration.ofHours(2));
        assertThat(traffic.series("d", Window.DAY).requests()).isZero();
    }

    @Test
    void aDistributionIdleForADayIsForgotten() {
        MutableClock clock = new MutableClock(START);
        Traffic traffic = new Traffic(clock, 1);
        traffic.record("old", 200, 1, Cache.HIT, 0);
        traffic.record("busy", 200, 1, Cache.HIT, 0);
        for (int q = 0; q < 100; q++) {
            clock.advance(Duration.ofMinutes(15));
            traffic.record("busy", 200, 1, Cache.HIT, 0);
        }
        assertThat(traffic.tracked()).isEqualTo(1);
        assertThat(traffic.series("old", Window.DAY).requests()).isZero();
        assertThat(traffic.series("busy", Window.DAY).requests()).isEqualTo(96);
    }

    @Test
    void concurrentRecordingSumsExactly() throws Exception {
        MutableClock clock = new MutableClock(START);
        Traffic traffic = new Traffic(clock, 8);
        int threads = 8;
        int perThread = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch go = new CountDownLatch(1);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int id = t;
                done.add(pool.submit(() -> {
                    go.await(10, TimeUnit.SECONDS);
                    for (int i = 0; i < perThread; i++) {
                        traffic.record(i % 2 == 0 ? "a" : "b", i % 10 == 0 ? 503 : 200, 3,
                                i % 4 == 0 ? Cache.HIT : Cache.MISS, 2);
                        if (id == 0 && i == perThread / 2) {
                            clock.advance(Duration.ofMinutes(1)); // the minute rolls over mid-way
                        }
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long total = (long) threads * perThread;
        TrafficSeries a = traffic.series("a", Window.HOUR);
        TrafficSeries b = traffic.series("b", Window.HOUR);
        assertThat(a.requests() + b.requests()).isEqualTo(total);
        assertThat(a.requests()).isEqualTo(total / 2);
        assertThat(a.bytes() + b.bytes()).isEqualTo(3 * total);
        assertThat(a.hits()).isEqualTo(total / 4);
        assertThat(a.points().stream().mapToLong(Point::serverErrors).sum()).isEqualTo(total / 10);
        assertThat(a.points().stream().mapToLong(Point::originNanos).sum() + b.points().stream()
                .mapToLong(Point::originNanos).sum()).isEqualTo(2 * total);
        assertThat(a.points().get(58).requests() + a.points().get(59).requests()).isEqualTo(total / 2);
        assertThat(traffic.series("a", Window.DAY).requests()).isEqualTo(total / 2);
    }

    @Test
    void cacheStatusNamesTheOutcome() {
        assertThat(Cache.ofCacheStatus("edgecert; hit")).isEqualTo(Cache.HIT);
        assertThat(Cache.ofCacheStatus("edgecert; hit; ttl=30")).isEqualTo(Cache.HIT);
        assertThat(Cache.ofCacheStatus("edgecert; fwd=miss; stored")).isEqualTo(Cache.MISS);
        assertThat(Cache.ofCacheStatus("edgecert; fwd=stale; fwd-status=304")).isEqualTo(Cache.MISS);
        assertThat(Cache.ofCacheStatus("edgecert; fwd=bypass")).isEqualTo(Cache.PASS);
        assertThat(Cache.ofCacheStatus("edgecert; fwd=method")).isEqualTo(Cache.PASS);
        assertThat(Cache.ofCacheStatus("")).isEqualTo(Cache.PASS);
        assertThat(Cache.ofCacheStatus(null)).isEqualTo(Cache.PASS);
    }

}
