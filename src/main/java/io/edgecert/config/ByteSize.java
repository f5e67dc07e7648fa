package io.edgecert.config;

import java.util.Locale;
import java.util.Optional;

/**
 * A size in bytes as people write it in an environment: {@code 1048576}, {@code 64k}, {@code 512m},
 * {@code 2g} (binary multiples, case-insensitive, an optional trailing {@code b}: {@code 512MB}).
 */
public final class ByteSize {
    private ByteSize() {
    }

    /** The size named by {@code name} in {@code env}, within [min, max]; absent means the default. */
    public static long read(Env env, String name, long min, long max, long defaultValue) {
        return env.get(name).map(v -> parse(v).filter(n -> n >= min && n <= max).orElseThrow(() ->
                new ConfigException(name + " must be a size between " + format(min) + " and " + format(max)
                        + " (a number of bytes, or with k, m or g: 512m, 2g), got '" + v + "'"))).orElse(defaultValue);
    }

    /** Present if an optional size is set ({@code EDGECERT_CACHE_DISK}: off when absent). */
    public static Optional<Long> readOptional(Env env, String name, long min, long max) {
        return env.get(name).map(v -> read(env, name, min, max, min));
    }

    public static Optional<Long> parse(String text) {
        String s = text.strip().toLowerCase(Locale.ROOT);
        if (s.endsWith("b")) {
            s = s.substring(0, s.length() - 1);
        }
        int shift = 0;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> shift = 10;
                case 'm' -> shift = 20;
                case 'g' -> shift = 30;
                case 't' -> shift = 40;
                default -> shift = -1;
            }
            if (shift >= 0) {
                s = s.substring(0, s.length() - 1);
            } else {
                shift = 0;
            }
        }
        if (s.isEmpty() || !s.chars().allMatch(Character::isDigit) || s.length() > 18) {
            return Optional.empty();
        }
        long n = Long.parseLong(s);
        if (n > (Long.MAX_VALUE >> shift)) {
            return Optional.empty();
        }
        return Optional.of(n << shift);
    }

    /** The shortest exact way to write a size: 512m, 1536k, 100. */
    public static String format(long bytes) {
        String[] units = {"", "k", "m", "g", "t"};
        int u = 0;
        while (u < units.length - 1 && bytes != 0 && bytes % 1024 == 0) {
            bytes /= 1024;
            u++;
        }
        return bytes + units[u];
    }
}
