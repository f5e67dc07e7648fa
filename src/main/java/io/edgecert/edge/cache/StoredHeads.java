package io.edgecert.edge.cache;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Building the head to store from an origin response (RFC 9111 3.1): hop-by-hop fields and those
 * the Connection field lists are not stored; a response without a valid Date gets one, the time
 * it arrived (RFC 9110 6.6.1: a cache adds it), so that its age can be computed later.
 */
public final class StoredHeads {
    /** RFC 9110 7.6.1 and 9111 3.1: never stored. */
    public static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "te",
            "transfer-encoding", "upgrade", "trailer", "proxy-authenticate", "proxy-authentication-info",
            "proxy-authorization");

    private StoredHeads() {
    }

    public static StoredHead of(int status, HttpHeaders response, HttpHeaders request, Instant requestTime,
                                Instant responseTime) {
        Map<String, String> selecting = Vary.selectingHeaders(response, request);
        return new StoredHead(status, forStorage(response, responseTime), requestTime, responseTime, selecting);
    }

    /** The response's header fields as stored. */
    public static HttpHeaders forStorage(HttpHeaders response, Instant responseTime) {
        Set<String> drop = dropped(response);
        HttpHeaders out = new DefaultHttpHeaders();
        for (Map.Entry<String, String> e : response) {
            if (!drop.contains(e.getKey().toLowerCase(Locale.ROOT))) {
                out.add(e.getKey(), e.getValue());
            }
        }
        if (HttpDates.header(out, "Date", responseTime).isEmpty()) {
            out.set("Date", HttpDates.format(responseTime));
        }
        return out;
    }

    /** Hop-by-hop fields plus those named by Connection (lower case). */
    static Set<String> dropped(HttpHeaders headers) {
        Set<String> drop = new HashSet<>(HOP_BY_HOP);
        for (String line : headers.getAll("Connection")) {
            for (String name : line.split(",")) {
                String n = name.strip().toLowerCase(Locale.ROOT);
                if (!n.isEmpty()) {
                    drop.add(n);
                }
            }
        }
        return drop;
    }
}
