package io.edgecert.serving;

import java.util.Set;

/**
 * CloudFront's origin group: requests go to the primary; a status in {@code failoverStatusCodes},
 * a refused connection or a timeout sends the request to the secondary instead.
 */
public record OriginGroup(String id, String primaryOriginId, String secondaryOriginId, Set<Integer> failoverStatusCodes) {
    /** CloudFront's choice of failover codes plus 429, which its users ask for. */
    public static final Set<Integer> FAILOVER_CODES = Set.of(403, 404, 416, 429, 500, 502, 503, 504);

    public OriginGroup {
        failoverStatusCodes = Set.copyOf(failoverStatusCodes);
    }
}
