package io.edgecert.edge.cache;

/**
 * One distribution's cache counters on this node since it started (or since the distribution was
 * dropped), and what it holds now.
 *
 * @param stale     responses served from a stale object (stale-while-revalidate, stale-if-error)
 * @param bytes     what its objects weigh (bodies plus estimated heads)
 */
public record CacheStats(long hits, long misses, long stale, long bytesFromCache, long bytesFromOrigin,
                         long evictions, long objects, long bytes) {
    public static final CacheStats EMPTY = new CacheStats(0, 0, 0, 0, 0, 0, 0, 0);
}
