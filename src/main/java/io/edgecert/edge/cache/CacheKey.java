package io.edgecert.edge.cache;

/**
 * Where a cached object lives: one distribution's key space (two distributions never share an
 * object), the request path without its query string (what invalidation paths match), and the
 * whole primary key as the cache policy builds it (path, the query strings, headers and cookies it
 * selects, the normalised Accept-Encoding). Secondary keys (Vary) are the store's concern.
 */
public record CacheKey(String distributionId, String path, String value) {
}
