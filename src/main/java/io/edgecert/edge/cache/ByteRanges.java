package io.edgecert.edge.cache;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Range requests on a stored full response (RFC 9110 14): parsing {@code bytes=} range sets
 * against the representation's length, with overlapping or adjacent ranges merged (14.2 allows
 * coalescing) and at most {@link #MAX_PARTS} parts (more is ignored: the whole response is sent,
 * which 14.2 allows and which keeps a request from costing more than the object).
 */
public final class ByteRanges {
    public static final int MAX_PARTS = 16;

    private ByteRanges() {
    }

    /** An inclusive byte range. */
    public record ByteRange(long first, long last) {
        public long length() {
            return last - first + 1;
        }

        /** The Content-Range value for this range of a representation of {@code total} bytes. */
        public String contentRange(long total) {
            return "bytes " + first + "-" + last + "/" + total;
        }
    }

    /** What a Range header asks of a representation. */
    public sealed interface Outcome {
    }

    /** No usable Range (absent, another unit, bad syntax, too many parts): send the whole. */
    public record Whole() implements Outcome {
    }

    /** The satisfiable ranges, merged and in order. */
    public record Partial(List<ByteRange> ranges) implements Outcome {
        public Partial {
            ranges = List.copyOf(ranges);
        }
    }

    /** Valid but no range overlaps the representation: 416 with {@code Content-Range: bytes *}{@code /len}. */
    public record Unsatisfiable() implements Outcome {
    }

    public static Outcome evaluate(Optional<String> range, long length) {
        if (range.isEmpty()) {
            return new Whole();
        }
        String v = range.get().strip();
        int eq = v.indexOf('=');
        if (eq < 0 || !v.substring(0, eq).strip().equalsIgnoreCase("bytes")) {
            return new Whole();
        }
        List<ByteRange> satisfiable = new ArrayList<>();
        int specs = 0;
        for (String spec : v.substring(eq + 1).split(",")) {
            String s = spec.strip();
            if (s.isEmpty()) {
                continue;
            }
            specs++;
            int dash = s.indexOf('-');
            if (dash < 0) {
                return new Whole();
            }
            String a = s.substring(0, dash).strip();
            String b = s.substring(dash + 1).strip();
            if (a.isEmpty()) { // suffix-range
                Optional<Long> suffix = digits(b);
                if (suffix.isEmpty()) {
                    return new Whole();
                }
                if (suffix.get() > 0 && length > 0) {
                    satisfiable.add(new ByteRange(Math.max(0, length - suffix.get()), length - 1));
                }
                continue;
            }
            Optional<Long> first = digits(a);
            Optional<Long> last = b.isEmpty() ? Optional.of(Long.MAX_VALUE) : digits(b);
            if (first.isEmpty() || last.isEmpty() || last.get() < first.get()) {
                return new Whole(); // 14.1.1: an invalid range-spec makes the whole field invalid
            }
            if (first.get() < length) {
                satisfiable.add(new ByteRange(first.get(), Math.min(last.get(), length - 1)));
            }
        }
        if (specs == 0) {
            return new Whole();
        }
        if (satisfiable.isEmpty()) {
            return new Unsatisfiable();
        }
        List<ByteRange> merged = merge(satisfiable);
        return merged.size() > MAX_PARTS ? new Whole() : new Partial(merged);
    }

    private static List<ByteRange> merge(List<ByteRange> ranges) {
        List<ByteRange> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingLong(ByteRange::first));
        List<ByteRange> out = new ArrayList<>();
        ByteRange cur = sorted.get(0);
        for (int i = 1; i < sorted.size(); i++) {
            ByteRange r = sorted.get(i);
            if (r.first() <= cur.last() + 1) {
                cur = new ByteRange(cur.first(), Math.max(cur.last(), r.last()));
            } else {
                out.add(cur);
                cur = r;
            }
        }
        out.add(cur);
        return out;
    }

    private static Optional<Long> digits(String s) {
        if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return Optional.empty();
        }
        return Optional.of(Long.parseLong(s));
    }

    /** The header of one part of a multipart/byteranges body (RFC 9110 14.6), CRLF-framed. */
    public static String partHeader(String boundary, Optional<String> contentType, ByteRange r, long total) {
        StringBuilder b = new StringBuilder("\r\n--").append(boundary).append("\r\n");
        contentType.ifPresent(t -> b.append("Content-Type: ").append(t).append("\r\n"));
        return b.append("Content-Range: ").append(r.contentRange(total)).append("\r\n\r\n").toString();
    }

    public static String closingDelimiter(String boundary) {
        return "\r\n--" + boundary + "--\r\n";
    }

    /** The Content-Length of the multipart/byteranges body for these ranges. */
    public static long multipartLength(String boundary, Optional<String> contentType, List<ByteRange> ranges,
                                       long total) {
        long n = closingDelimiter(boundary).length();
        for (ByteRange r : ranges) {
            n += partHeader(boundary, contentType, r, total).length() + r.length();
        }
        return n;
    }
}
