package io.edgecert.serving;

/**
 * What reaches the origin beyond the cache key. Headers {@code ALL} is CloudFront's allViewer;
 * {@code ALL_EXCEPT [host]} is AllViewerExceptHostHeader (the origin's own host is sent instead).
 */
public record OriginRequestPolicy(String id, String name, Selection headers, Selection cookies, Selection queryStrings) {
}
