package io.edgecert.serving;

import java.util.Optional;

/**
 * CloudFront's CustomErrorResponse: an origin status {@code errorCode} (or, for 502/504, a failed
 * origin) answered with the object at {@code responsePagePath} of the same distribution, with
 * {@code responseCode} when given, and the error cached for {@code errorCachingMinTtl} seconds.
 */
public record CustomErrorResponse(int errorCode, Optional<String> responsePagePath, Optional<Integer> responseCode,
                                  long errorCachingMinTtl) {
    /** CloudFront's default ErrorCachingMinTTL. */
    public static final long DEFAULT_ERROR_CACHING_MIN_TTL = 10;
}
