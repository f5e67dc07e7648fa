package io.edgecert.edge.cache;

import io.edgecert.edge.cache.ByteRanges.ByteRange;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * How a stored response answers a request (the head of the answer; the body is the stored
 * content, or ranges of it): a HEAD gets the GET's head without content (RFC 9110 9.3.2); a
 * client's If-None-Match (weak comparison, 13.1.2) or, without it, If-Modified-Since (13.1.3;
 * against Last-Modified, or Date when there is none, RFC 9111 4.3.2) gets a 304; a Range gets a
 * 206 (one part, or multipart/byteranges) or a 416, subject to If-Range (13.1.5, strong
 * comparison). Conditionals and Range apply only to a stored 200 (13.2.1, 14.2). Every answer
 * carries the stored fields, an Age (RFC 9111 5.1) and Cache-Status.
 */
public final class CachedAnswer {
    /** The 304's fields taken from the stored response (RFC 9110 15.4.5). */
    private static final List<String> NOT_MODIFIED_FIELDS = List.of("Cache-Control", "Content-Location", "Date",
            "ETag", "Expires", "Vary", "Last-Modified", "CDN-Cache-Control");

    private CachedAnswer() {
    }

    public sealed interface Answer {
        int status();

        HttpHeaders headers();
    }

    /** The stored response whole; {@code withBody} false for HEAD. */
    public record Full(int status, HttpHeaders headers, boolean withBody) implements Answer {
    }

    public record NotModified(HttpHeaders headers) implements Answer {
        @Override
        public int status() {
            return 304;
        }
    }

    /**
     * 206: {@code ranges} of the stored content; one range is sent as is, several as
     * multipart/byteranges with {@code boundary} ({@link ByteRanges#partHeader}).
     */
    public record Partial(HttpHeaders headers, List<ByteRange> ranges, Optional<String> boundary, boolean withBody)
            implements Answer {
        @Override
        public int status() {
            return 206;
        }
    }

    public record RangeNotSatisfiable(HttpHeaders headers) implements Answer {
        @Override
        public int status() {
            return 416;
        }
    }

    /**
     * @param contentLength the stored content's length
     * @param boundary      the multipart boundary to use if one is needed (the caller's randomness)
     */
    public static Answer plan(String method, HttpHeaders request, StoredHead stored, Freshness freshness,
                              long contentLength, CacheStatus cacheStatus, String boundary, Instant now) {
        boolean head = method.equals("HEAD");
        HttpHeaders h = stored.headers().copy();
        h.set("Age", Long.toString(freshness.ageSeconds()));
        h.set(CacheStatus.HEADER, cacheStatus.toString());
        boolean ok200 = stored.status() == 200;
        boolean conditionable = stored.status() >= 200 && stored.status() < 300 && (head || method.equals("GET"));
        if (conditionable && notModified(request, stored, now)) {
            HttpHeaders nm = new DefaultHttpHeaders();
            for (String name : NOT_MODIFIED_FIELDS) {
                List<String> values = h.getAll(name);
                if (!values.isEmpty()) {
                    nm.set(name, values);
                }
            }
            nm.set("Age", h.get("Age"));
            nm.set(CacheStatus.HEADER, h.get(CacheStatus.HEADER));
            return new NotModified(nm);
        }
        h.set("Content-Length", Long.toString(contentLength));
        h.remove("Transfer-Encoding");
        if (!ok200 || !(head || method.equals("GET"))) {
            return new Full(stored.status(), h, !head);
        }
        h.set("Accept-Ranges", "bytes");
        Optional<String> range = Optional.ofNullable(request.get("Range"));
        if (range.isEmpty() || !ifRangeHolds(request.get("If-Range"), stored, now)) {
            return new Full(200, h, !head);
        }
        ByteRanges.Outcome outcome = ByteRanges.evaluate(range, contentLength);
        if (outcome instanceof ByteRanges.Unsatisfiable) {
            HttpHeaders r = new DefaultHttpHeaders();
            for (String name : List.of("Date", "ETag", "Last-Modified", "Age", CacheStatus.HEADER)) {
                if (h.contains(name)) {
                    r.set(name, h.get(name));
                }
            }
            r.set("Content-Range", "bytes */" + contentLength);
            r.set("Content-Length", "0");
            return new RangeNotSatisfiable(r);
        }
        if (!(outcome instanceof ByteRanges.Partial p)) {
            return new Full(200, h, !head);
        }
        if (p.ranges().size() == 1) {
            ByteRange r = p.ranges().get(0);
            h.set("Content-Range", r.contentRange(contentLength));
            h.set("Content-Length", Long.toString(r.length()));
            return new Partial(h, p.ranges(), Optional.empty(), !head);
        }
        Optional<String> type = Optional.ofNullable(h.get("Content-Type"));
        h.set("Content-Type", "multipart/byteranges; boundary=" + boundary);
        h.set("Content-Length", Long.toString(ByteRanges.multipartLength(boundary, type, p.ranges(), contentLength)));
        return new Partial(h, p.ranges(), Optional.of(boundary), !head);
    }

    /** RFC 9110 13.2.2 steps 3 and 4 for GET/HEAD: If-None-Match, else If-Modified-Since. */
    public static boolean notModified(HttpHeaders request, StoredHead stored, Instant now) {
        List<String> inm = request.getAll("If-None-Match");
        if (!inm.isEmpty()) {
            String etag = stored.headers().get("ETag");
            for (String line : inm) {
                for (String tag : ETags.list(line)) {
                    if (tag.equals("*") || (etag != null && ETags.weakMatch(tag, etag.strip()))) {
                        return true;
                    }
                }
            }
            return false;
        }
        String ims = request.get("If-Modified-Since");
        if (ims == null) {
            return false;
        }
        Optional<Instant> since = HttpDates.parse(ims, now);
        if (since.isEmpty()) {
            return false; // 13.1.3: an invalid date is ignored
        }
        Optional<Instant> modified = HttpDates.header(stored.headers(), "Last-Modified", now)
                .or(() -> HttpDates.header(stored.headers(), "Date", now));
        return modified.isPresent() && !modified.get().isAfter(since.get());
    }

    /** 13.1.5: an entity-tag must match strongly; a date must equal Last-Modified. */
    static boolean ifRangeHolds(String ifRange, StoredHead stored, Instant now) {
        if (ifRange == null) {
            return true;
        }
        String v = ifRange.strip();
        if (v.startsWith("\"") || v.startsWith("W/")) {
            String etag = stored.headers().get("ETag");
            return etag != null && ETags.strongMatch(v, etag.strip());
        }
        Optional<Instant> date = HttpDates.parse(v, now);
        Optional<Instant> lm = HttpDates.header(stored.headers(), "Last-Modified", now);
        return date.isPresent() && date.equals(lm);
    }
}
