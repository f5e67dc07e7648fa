package io.edgecert.edge.cache;

import io.edgecert.config.ByteSize;
import io.edgecert.config.Env;
import io.netty.util.internal.PlatformDependent;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * How big the edge's cache is (docs/caching.md, "The store").
 *
 * @param memoryBytes     bytes of bodies (off-heap) plus the estimated heap of their heads and index
 *                        entries the memory tier holds; the bound eviction keeps
 * @param maxObjectBytes  the largest body stored; a larger response is passed through (streamed to
 *                        its readers, not stored)
 * @param collapseTimeout how long a collapsed miss waits for the filler's response head before it
 *                        fetches from the origin itself
 * @param maxVariants     Vary variants kept per primary key (the oldest goes first)
 * @param diskBytes       the disk tier, when set (not implemented yet: refused at start)
 */
public record CacheSettings(long memoryBytes, long maxObjectBytes, Duration collapseTimeout, int maxVariants,
                            Optional<Long> diskBytes) {
    /** Bodies larger than this are never stored in memory, whatever the settings (Caffeine weighs in ints). */
    public static final long MAX_OBJECT_LIMIT = 1L << 30;
    /** A default that leaves the rest of the direct memory to the sockets' and TLS's buffers. */
    static final int DEFAULT_SHARE_OF_DIRECT_MEMORY = 4;
    static final long DEFAULT_MAX_OBJECT = 64L << 20;

    public CacheSettings {
        if (memoryBytes < 0 || maxObjectBytes < 1 || maxObjectBytes > MAX_OBJECT_LIMIT || maxVariants < 1) {
            throw new IllegalArgumentException("memory " + memoryBytes + ", max object " + maxObjectBytes
                    + ", variants " + maxVariants);
        }
    }

    /** Tests and benchmarks: a memory tier of this size, everything else the default. */
    public static CacheSettings ofMemory(long memoryBytes) {
        return new CacheSettings(memoryBytes, defaultMaxObject(memoryBytes), Duration.ofSeconds(10), 16, Optional.empty());
    }

    public static CacheSettings from(Map<String, String> environment) {
        return from(new Env(environment));
    }

    public static CacheSettings from(Env env) {
        long memory = ByteSize.read(env, "EDGECERT_CACHE_MEMORY", 0, Long.MAX_VALUE / 2, defaultMemory());
        return new CacheSettings(memory,
                ByteSize.read(env, "EDGECERT_CACHE_MAX_OBJECT", 1, MAX_OBJECT_LIMIT, defaultMaxObject(memory)),
                env.duration("EDGECERT_CACHE_COLLAPSE_TIMEOUT", Duration.ofSeconds(10)),
                env.integer("EDGECERT_CACHE_MAX_VARIANTS", 1, 1024, 16),
                ByteSize.readOptional(env, "EDGECERT_CACHE_DISK", 1, Long.MAX_VALUE / 2));
    }

    /**
     * A quarter of the direct memory the JVM allows (netty's view: -XX:MaxDirectMemorySize, else
     * the max heap), since bodies are kept off-heap.
     */
    public static long defaultMemory() {
        return PlatformDependent.maxDirectMemory() / DEFAULT_SHARE_OF_DIRECT_MEMORY;
    }

    /** An eighth of the memory tier, at most 64 MiB: one object never pushes out most of the cache. */
    static long defaultMaxObject(long memory) {
        return Math.max(1, Math.min(DEFAULT_MAX_OBJECT, memory / 8));
    }
}
