package io.edgecert.edge.cache;

import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A 304 that answers a revalidation (RFC 9111 4.3.3, 4.3.4): which stored response it is about,
 * and the stored head it freshens into.
 */
public final class Revalidation {
    /**
     * Fields of a 304 that do not replace the stored ones (3.2): hop-by-hop and Connection-listed
     * fields (never stored), Content-Length (the 304 has no content; its length is not the stored
     * one), and the fields describing the stored bytes as they are (Content-Encoding,
     * Content-Range, Content-Type: updating them would make the stored content be read as
     * something it is not).
     */
    public static final Set<String> NOT_UPDATED = Set.of("content-length", "content-encoding", "content-range",
            "content-type");

    private Revalidation() {
    }

    /**
     * The stored response a 304 refers to (4.3.4): the one with its strong ETag; else, when the 304
     * has a Last-Modified, the one with that Last-Modified; else, when the 304 has no validator and
     * there is one stored response, that one. {@code candidates} are the stored variants of the key
     * (the one a {@link CacheStrategy.Revalidate} named first).
     */
    public static Optional<StoredHead> select(List<StoredHead> candidates, HttpHeaders notModified) {
        String etag = notModified.get("ETag");
        if (etag != null && !ETags.isWeak(etag.strip())) {
            return candidates.stream().filter(c -> {
                String s = c.headers().get("ETag");
                return s != null && ETags.strongMatch(s.strip(), etag.strip());
            }).findFirst();
        }
        String lm = notModified.get("Last-Modified");
        if (lm != null) {
            return candidates.stream().filter(c -> lm.strip().equals(strip(c.headers().get("Last-Modified"))))
                    .findFirst();
        }
        if (etag != null) { // a weak ETag: the one with the same (weakly equal) tag
            return candidates.stream().filter(c -> {
                String s = c.headers().get("ETag");
                return s != null && ETags.weakMatch(s.strip(), etag.strip());
            }).findFirst();
        }
        if (candidates.size() == 1) {
            return Optional.of(candidates.get(0));
        }
        // several candidates and nothing to tell them apart: the one we revalidated
        return candidates.isEmpty() ? Optional.empty() : Optional.of(candidates.get(0));
    }

    private static String strip(String s) {
        return s == null ? null : s.strip();
    }

    /**
     * The stored head freshened by a 304 (4.3.4, 3.2): each field of the 304, except those in
     * {@link #NOT_UPDATED} and hop-by-hop ones, replaces the stored field of that name; Age is
     * the 304's (or none: the stored Age described the old response); the request and response
     * times become the revalidation's, so the age starts over. A 304 without Date gets the time it
     * arrived, as a stored response would.
     */
    public static StoredHead merge(StoredHead stored, HttpHeaders notModified, Instant requestTime,
                                   Instant responseTime) {
        HttpHeaders h = stored.headers().copy();
        Set<String> skip = new HashSet<>(StoredHeads.dropped(notModified));
        skip.addAll(NOT_UPDATED);
        h.remove("Age");
        Set<String> replaced = new HashSet<>();
        for (Map.Entry<String, String> e : notModified) {
            String name = e.getKey().toLowerCase(Locale.ROOT);
            if (skip.contains(name)) {
                continue;
            }
            if (replaced.add(name)) {
                h.remove(e.getKey());
            }
            h.add(e.getKey(), e.getValue());
        }
        if (HttpDates.header(notModified, "Date", responseTime).isEmpty()) {
            h.set("Date", HttpDates.format(responseTime));
        }
        return new StoredHead(stored.status(), h, requestTime, responseTime, stored.selectingHeaders());
    }
}
