package io.edgecert.serving;

import java.util.List;
import java.util.Optional;

/**
 * What this node's edge served for one distribution, bucket by bucket, oldest first: the read side
 * of the edge's traffic counters, in the serving model so that the console (web) can read it
 * without depending on the edge. Counts are this node's only: nodes do not share them.
 *
 * @param stepMillis the width of a bucket; {@code startMillis} is the start of the first one
 */
public record TrafficSeries(String distributionId, Window window, long startMillis, long stepMillis,
                            List<Point> points) {
    public TrafficSeries {
        points = List.copyOf(points);
    }

    /** The spans a chart can show: the last hour by minute, the last day by quarter hour. */
    public enum Window {
        HOUR(60, 60_000L), DAY(96, 15 * 60_000L);

        public final int buckets;
        public final long stepMillis;

        Window(int buckets, long stepMillis) {
            this.buckets = buckets;
            this.stepMillis = stepMillis;
        }

        public static Optional<Window> parse(String s) {
            for (Window w : values()) {
                if (w.name().equalsIgnoreCase(s)) {
                    return Optional.of(w);
                }
            }
            return Optional.empty();
        }
    }

    /**
     * One bucket. {@code hits}: answered from the cache; {@code misses}: cacheable but fetched from
     * the origin; the rest of {@code requests} passed by the cache (not cacheable, caching off).
     * {@code originNanos} sums the origin's time over the {@code originRequests} that went there.
     */
    public record Point(long startMillis, long requests, long bytes, long hits, long misses, long clientErrors,
                        long serverErrors, long originRequests, long originNanos) {
        /** Hits over all requests (CloudFront's "cache hit rate"); empty for a bucket without requests. */
        public Optional<Double> hitRatio() {
            return requests == 0 ? Optional.empty() : Optional.of((double) hits / requests);
        }

        public Optional<Double> meanOriginMillis() {
            return originRequests == 0 ? Optional.empty() : Optional.of(originNanos / 1e6 / originRequests);
        }
    }

    public long requests() {
        return points.stream().mapToLong(Point::requests).sum();
    }

    public long bytes() {
        return points.stream().mapToLong(Point::bytes).sum();
    }

    public long hits() {
        return points.stream().mapToLong(Point::hits).sum();
    }

    public Optional<Double> hitRatio() {
        long r = requests();
        return r == 0 ? Optional.empty() : Optional.of((double) hits() / r);
    }

    /** The read API the edge's counters offer; {@link #NONE} where no edge runs. */
    public interface Source {
        Source NONE = (id, window) -> empty(id, window, System.currentTimeMillis());

        TrafficSeries series(String distributionId, Window window);
    }

    /** A series of zeros ending with the bucket that holds {@code nowMillis}. */
    public static TrafficSeries empty(String distributionId, Window window, long nowMillis) {
        long last = Math.floorDiv(nowMillis, window.stepMillis);
        long first = last - window.buckets + 1;
        List<Point> zeros = new java.util.ArrayList<>(window.buckets);
        for (long b = first; b <= last; b++) {
            zeros.add(new Point(b * window.stepMillis, 0, 0, 0, 0, 0, 0, 0, 0));
        }
        return new TrafficSeries(distributionId, window, first * window.stepMillis, window.stepMillis, zeros);
    }
}
