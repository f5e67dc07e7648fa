package io.edgecert.serving;

/**
 * A cache policy as the edge applies it: the TTL bounds (seconds) and what goes into the cache key
 * besides the distribution, the method and the path. {@code maxTtl == 0} means nothing is stored
 * (CloudFront's CachingDisabled).
 */
public record CachePolicy(String id, String name, long minTtl, long defaultTtl, long maxTtl,
                          Selection headers, Selection cookies, Selection queryStrings,
                          boolean acceptEncodingGzip, boolean acceptEncodingBrotli) {
    public boolean cachingDisabled() {
        return maxTtl == 0;
    }
}
