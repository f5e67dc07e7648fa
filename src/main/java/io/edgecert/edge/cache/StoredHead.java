package io.edgecert.edge.cache;

import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.Map;

/**
 * The head of a stored response: what the cache's decisions read (RFC 9111). Never mutated once
 * built (a 304 that freshens it makes a new head); the headers are the cache's own copy.
 *
 * @param requestTime  when the request that produced it was sent (RFC 9111 4.2.3 request_time)
 * @param responseTime when its head arrived (response_time)
 * @param selectingHeaders the values, in the request that produced it, of the request headers its
 *                         Vary names (lower-case names; an absent header is absent from the map)
 */
public record StoredHead(int status, HttpHeaders headers, Instant requestTime, Instant responseTime,
                         Map<String, String> selectingHeaders) {
    public StoredHead {
        headers = headers.copy();
        selectingHeaders = Map.copyOf(selectingHeaders);
    }
}
