package io.edgecert.events;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * When to try a failed delivery again: base, then three times longer each time (10 s, 30 s,
 * 1.5 min, 4.5 min, ...), capped, until maxAttempts attempts were made. Up to a fifth is added at
 * random so that deliveries that failed together (a receiver's outage) do not all return at once.
 */
public record Backoff(Duration base, Duration max, int maxAttempts) {
    static final int FACTOR = 3;

    public Backoff {
        if (base.isNegative() || base.isZero() || max.compareTo(base) < 0 || maxAttempts < 1) {
            throw new IllegalArgumentException("backoff needs 0 < base <= max and maxAttempts >= 1");
        }
    }

    /** The wait after the given number of failed attempts, or empty when it was the last one. */
    public Optional<Duration> after(int failedAttempts) {
        if (failedAttempts >= maxAttempts) {
            return Optional.empty();
        }
        Duration d = base;
        for (int i = 1; i < failedAttempts && d.compareTo(max) < 0; i++) {
            d = d.multipliedBy(FACTOR);
        }
        if (d.compareTo(max) > 0) {
            d = max;
        }
        long jitterNanos = ThreadLocalRandom.current().nextLong(d.toNanos() / 5 + 1);
        return Optional.of(d.plusNanos(jitterNanos));
    }
}
