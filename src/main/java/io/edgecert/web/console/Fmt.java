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
            case "SUCCEEDED", "Deployed", "Completed", "ISSUED", "DELIVERED", "DISTRIBUTED", "IMPORTED" -> new Badge(status, "badge ok");
            case "FAILED", "EXPIRED" -> new Badge(status, "badge bad");
            case "RUNNING", "InProgress", "PENDING", "NOT_YET_VALID" -> new Badge(status, "badge warn");
            default -> new Badge(status, "badge");
        };
    }

    /** "1.5 MB": bytes in powers of 1000, as the charts label them. */
    public static String bytes(long n) {
        if (n < 1000) {
            return n + " B";
        }
        String[] units = {"kB", "MB", "GB", "TB", "PB"};
        double v = n;
        int u = -1;
        while (v >= 1000 && u < units.length - 1) {
            v /= 1000;
            u++;
        }
        return String.format(java.util.Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }

    /** "87.5 %", or "–" when there is nothing to divide. */
    public static String percent(Optional<Double> ratio) {
        return ratio.map(r -> String.format(java.util.Locale.ROOT, "%.1f %%", r * 100)).orElse("–");
    }

    /** "86400 s (1 d)": a TTL as given, with a rounder reading where there is one. */
    public static String seconds(long s) {
        String round = s >= 86_400 && s % 86_400 == 0 ? s / 86_400 + " d" : s >= 3600 && s % 3600 == 0 ? s / 3600 + " h"
                : s >= 60 && s % 60 == 0 ? s / 60 + " min" : null;
        return s + " s" + (round == null ? "" : " (" + round + ")");
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
