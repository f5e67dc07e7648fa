package io.edgecert.web.console;

import io.edgecert.web.console.Views.Badge;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Optional;

/** Formatting shared by the pages: dates in UTC, expiry badges, short lists. */
public final class Fmt {
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private static final DateTimeFormatter MONTH_DAY = DateTimeFormatter.ofPattern("MMM d", java.util.Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private Fmt() {
    }

    public static String date(Instant i) {
        return i == null ? "" : DATE.format(i);
    }

    /** "Dec 8": a chart's axis label. */
    public static String monthDay(Instant i) {
        return MONTH_DAY.format(i);
    }

    public static String time(Instant i) {
        return i == null ? "" : TIME.format(i);
    }

    public static String time(Optional<Instant> i) {
        return i.map(Fmt::time).orElse("");
    }

    /** import-rules D: expired, under 7 days, under 45 days, fine. */
    public static Badge expiry(long daysToExpiry, Instant notAfter, Instant now) {
        if (!notAfter.isAfter(now)) {
            return new Badge("expired", "badge bad");
        }
        if (daysToExpiry < 7) {
            return new Badge(daysToExpiry + (daysToExpiry == 1 ? " day left" : " days left"), "badge bad");
        }
        if (daysToExpiry < 45) {
            return new Badge(daysToExpiry + " days left", "badge warn");
        }
        return new Badge(daysToExpiry + " days left", "badge ok");
    }

    public static Badge status(String status) {
        return switch (status) {
            case "SUCCEEDED", "Deployed", "ISSUED", "DELIVERED", "DISTRIBUTED", "IMPORTED" -> new Badge(status, "badge ok");
            case "FAILED", "EXPIRED" -> new Badge(status, "badge bad");
            case "RUNNING", "InProgress", "PENDING", "NOT_YET_VALID" -> new Badge(status, "badge warn");
            default -> new Badge(status, "badge");
        };
    }

    /** "a, b, c and 4 more". */
    public static String shortList(List<String> items, int shown) {
        if (items.isEmpty()) {
            return "";
        }
        if (items.size() <= shown) {
            return String.join(", ", items);
        }
        return String.join(", ", items.subList(0, shown)) + " and " + (items.size() - shown) + " more";
    }

    public static String stepLabel(String step) {
        return switch (step) {
            case "IMPORT_CERTIFICATES" -> "1. Import certificates";
            case "CREATE_DISTRIBUTIONS" -> "2. Create distributions";
            default -> step;
        };
    }
}
