package io.edgecert.edge.cache;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-date (RFC 9110 5.6.7): IMF-fixdate, and the obsolete RFC 850 and asctime forms a recipient
 * has to accept. Strict about the layout (one space, a comma after the day name, two-digit hours,
 * "GMT") and lenient only about the case of the names, as the RFC's "case-sensitive" is there for
 * senders; anything else is not a date (for Expires that means "already expired", RFC 9111 5.3).
 */
public final class HttpDates {
    private static final String DAY = "(Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
    private static final String LONG_DAY = "(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)";
    private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
    private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";
    private static final Pattern IMF = Pattern.compile(DAY + ", (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern RFC850 = Pattern.compile(LONG_DAY + ", (\\d{2})-" + MONTH + "-(\\d{2}) " + TIME + " GMT",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern ASCTIME = Pattern.compile(DAY + " " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})",
            Pattern.CASE_INSENSITIVE);
    private static final List<String> MONTHS = List.of("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep",
            "oct", "nov", "dec");
    private static final DateTimeFormatter IMF_OUT = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.ROOT).withZone(ZoneOffset.UTC);

    private HttpDates() {
    }

    /**
     * Parses an HTTP-date; {@code now} decides the century of an RFC 850 two-digit year (a year more
     * than 50 years ahead is the most recent past one with those digits).
     */
    public static Optional<Instant> parse(String value, Instant now) {
        String v = value.strip();
        Optional<Instant> fast = imfFixdate(v);
        if (fast.isPresent()) {
            return fast;
        }
        try {
            Matcher m = IMF.matcher(v);
            if (m.matches()) {
                return Optional.of(at(Integer.parseInt(m.group(4)), m.group(3), m.group(2), m, 5));
            }
            m = RFC850.matcher(v);
            if (m.matches()) {
                int yy = Integer.parseInt(m.group(4));
                int thisYear = LocalDateTime.ofInstant(now, ZoneOffset.UTC).getYear();
                int year = thisYear / 100 * 100 + yy;
                if (year > thisYear + 50) {
                    year -= 100;
                }
                return Optional.of(at(year, m.group(3), m.group(2), m, 5));
            }
            m = ASCTIME.matcher(v);
            if (m.matches()) {
                return Optional.of(at(Integer.parseInt(m.group(7)), m.group(2), m.group(3).strip(), m, 4));
            }
        } catch (DateTimeException e) {
            return Optional.empty(); // 31 Feb, 25:00:00
        }
        return Optional.empty();
    }

    /** The common case without a regex: "Sun, 06 Nov 1994 08:49:37 GMT", names in their usual case. */
    private static Optional<Instant> imfFixdate(String v) {
        if (v.length() != 29 || v.charAt(3) != ',' || v.charAt(4) != ' ' || v.charAt(7) != ' ' || v.charAt(11) != ' '
                || v.charAt(16) != ' ' || v.charAt(19) != ':' || v.charAt(22) != ':' || v.charAt(25) != ' '
                || !v.endsWith("GMT") || !DAYS.contains(v.substring(0, 3))) {
            return Optional.empty();
        }
        int month = MONTHS_CASED.indexOf(v.substring(8, 11)) + 1;
        int day = num(v, 5, 7);
        int year = num(v, 12, 16);
        int h = num(v, 17, 19);
        int m = num(v, 20, 22);
        int sec = num(v, 23, 25);
        if (month == 0 || day < 0 || year < 0 || h < 0 || m < 0 || sec < 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalDateTime.of(year, month, day, h, m, sec).toInstant(ZoneOffset.UTC));
        } catch (DateTimeException e) {
            return Optional.empty();
        }
    }

    private static final List<String> DAYS = List.of("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun");
    private static final List<String> MONTHS_CASED = List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
            "Sep", "Oct", "Nov", "Dec");

    private static int num(String s, int from, int to) {
        int n = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            n = n * 10 + (c - '0');
        }
        return n;
    }

    private static Instant at(int year, String month, String day, Matcher m, int timeGroup) {
        int mon = MONTHS.indexOf(month.toLowerCase(Locale.ROOT)) + 1;
        return LocalDateTime.of(year, mon, Integer.parseInt(day), Integer.parseInt(m.group(timeGroup)),
                Integer.parseInt(m.group(timeGroup + 1)), Integer.parseInt(m.group(timeGroup + 2)))
                .toInstant(ZoneOffset.UTC);
    }

    /** A header's date: empty when absent, repeated (two field lines) or not a date. */
    public static Optional<Instant> header(io.netty.handler.codec.http.HttpHeaders headers, String name, Instant now) {
        List<String> all = headers.getAll(name);
        return all.size() == 1 ? parse(all.get(0), now) : Optional.empty();
    }

    public static String format(Instant instant) {
        return IMF_OUT.format(instant);
    }
}
