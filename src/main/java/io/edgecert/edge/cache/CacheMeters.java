package io.edgecert.edge.cache;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * The cache's meters per distribution (issue 14, "Seen and steered"), registered when a
 * distribution is first seen and removed when it is dropped. Counters are LongAdders read by
 * function counters, so the hot path adds without a registry look-up.
 */
final class CacheMeters {
    private final MeterRegistry registry;
    private final ConcurrentHashMap<String, Distribution> byDistribution = new ConcurrentHashMap<>();

    CacheMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    Distribution of(String distributionId) {
        Distribution d = byDistribution.get(distributionId);
        return d != null ? d : byDistribution.computeIfAbsent(distributionId, id -> new Distribution(registry, id));
    }

    CacheStats stats(String distributionId) {
        Distribution d = byDistribution.get(distributionId);
        return d == null ? CacheStats.EMPTY : d.stats();
    }

    /** Distributions seen since they were last forgotten (recorded, or with objects stored). */
    java.util.Set<String> known() {
        return java.util.Set.copyOf(byDistribution.keySet());
    }

    void forget(String distributionId) {
        Distribution d = byDistribution.remove(distributionId);
        if (d != null) {
            d.meters.forEach(registry::remove);
        }
    }

    static final class Distribution {
        final LongAdder hits = new LongAdder();
        final LongAdder misses = new LongAdder();
        final LongAdder stale = new LongAdder();
        final LongAdder bytesFromCache = new LongAdder();
        final LongAdder bytesFromOrigin = new LongAdder();
        final LongAdder evictions = new LongAdder();
        final AtomicLong objects = new AtomicLong();
        final AtomicLong bytes = new AtomicLong();
        private final List<Meter> meters;

        Distribution(MeterRegistry registry, String id) {
            Tags tags = Tags.of("distribution", id);
            meters = List.of(
                    FunctionCounter.builder("edgecert_cache_requests", hits, LongAdder::sum).tags(tags).tag("result", "hit")
                            .description("responses by cache result").register(registry),
                    FunctionCounter.builder("edgecert_cache_requests", misses, LongAdder::sum).tags(tags).tag("result", "miss")
                            .description("responses by cache result").register(registry),
                    FunctionCounter.builder("edgecert_cache_requests", stale, LongAdder::sum).tags(tags).tag("result", "stale")
                            .description("responses by cache result").register(registry),
                    FunctionCounter.builder("edgecert_cache_response_bytes", bytesFromCache, LongAdder::sum).tags(tags)
                            .tag("source", "cache").description("body bytes sent, by where they came from").register(registry),
                    FunctionCounter.builder("edgecert_cache_response_bytes", bytesFromOrigin, LongAdder::sum).tags(tags)
                            .tag("source", "origin").description("body bytes sent, by where they came from").register(registry),
                    FunctionCounter.builder("edgecert_cache_evictions", evictions, LongAdder::sum).tags(tags)
                            .description("objects evicted to keep the memory bound").register(registry),
                    Gauge.builder("edgecert_cache_objects", objects, AtomicLong::get).tags(tags)
                            .description("objects stored").register(registry),
                    Gauge.builder("edgecert_cache_size_bytes", bytes, AtomicLong::get).tags(tags)
                            .description("bytes stored (bodies plus estimated heads)").register(registry));
        }

        void stored(CachedObject o) {
            objects.incrementAndGet();
            bytes.addAndGet(o.weight());
        }

        void dropped(CachedObject o) {
            objects.decrementAndGet();
            bytes.addAndGet(-o.weight());
        }

        CacheStats stats() {
            return new CacheStats(hits.sum(), misses.sum(), stale.sum(), bytesFromCache.sum(), bytesFromOrigin.sum(),
                    evictions.sum(), objects.get(), bytes.get());
        }
    }
}
