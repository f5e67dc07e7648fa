package io.edgecert.config;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one reader of edgecert's environment: typed, bounded settings, and a bad value turned into a
 * {@link ConfigException} whose message names the variable, its value and what is allowed. Every
 * settings record of a part reads through this, so messages stay alike and no number is cast
 * unbounded.
 */
public record Env(Map<String, String> env) {
    public Optional<String> get(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    public long number(String name, long min, long max, long defaultValue) {
        return get(name).map(v -> {
            try {
                long n = Long.parseLong(v);
                if (n >= min && n <= max) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw new ConfigException(name + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
        }).orElse(defaultValue);
    }

    /** A whole number that fits an int, within [min, max]. */
    public int integer(String name, int min, int max, int defaultValue) {
        return (int) number(name, min, max, defaultValue);
    }

    /** A number that has no default: absent means "not set" (a quota that is unlimited, say). */
    public OptionalLong optionalNumber(String name, long min, long max) {
        return get(name).isPresent() ? OptionalLong.of(number(name, min, max, min)) : OptionalLong.empty();
    }

    /** A TCP or UDP port; 0 asks the system for a free one. */
    public int port(String name, int defaultPort) {
        return integer(name, 0, 65535, defaultPort);
    }

    public String text(String name, String defaultValue) {
        return get(name).orElse(defaultValue);
    }

    public boolean flag(String name, boolean defaultValue) {
        return get(name).map(v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "1", "on" -> true;
            case "false", "no", "0", "off" -> false;
            default -> throw new ConfigException(name + " must be true or false, got '" + v + "'");
        }).orElse(defaultValue);
    }

    /** An ISO-8601 duration (PT12H, P1D, PT0.5S) or a number of seconds. */
    public Duration duration(String name, Duration defaultValue) {
        return get(name).map(v -> {
            Duration d;
            try {
                d = v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
            } catch (DateTimeParseException | NumberFormatException e) {
                throw new ConfigException(name + " must be an ISO-8601 duration such as PT30S, or a number of seconds, got '" + v + "'");
            }
            if (d.isNegative() || d.isZero()) {
                throw new ConfigException(name + " must be longer than zero, got '" + v + "'");
            }
            return d;
        }).orElse(defaultValue);
    }

    /**
     * One of a fixed set of words, case-insensitive, each meaning a value: {@code choice("X",
     * AUTO, entry("auto", AUTO), entry("off", OFF))}. The message lists the words in this order.
     */
    @SafeVarargs
    public final <T> T choice(String name, T defaultValue, Map.Entry<String, T>... words) {
        return get(name).map(v -> {
            for (Map.Entry<String, T> w : words) {
                if (w.getKey().equalsIgnoreCase(v)) {
                    return w.getValue();
                }
            }
            StringBuilder allowed = new StringBuilder();
            for (int i = 0; i < words.length; i++) {
                allowed.append(i == 0 ? "" : i == words.length - 1 ? " or " : ", ").append(words[i].getKey());
            }
            throw new ConfigException(name + " must be " + allowed + ", got '" + v + "'");
        }).orElse(defaultValue);
    }

    public Optional<Path> file(String name) {
        return get(name).map(v -> {
            Path p = Path.of(v);
            if (!java.nio.file.Files.isReadable(p)) {
                throw new ConfigException(name + " names a file that cannot be read: " + v);
            }
            return p;
        });
    }
}
