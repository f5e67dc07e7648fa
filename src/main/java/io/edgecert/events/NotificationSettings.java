package io.edgecert.events;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Optional;

/**
 * Configuration of events and notifications. {@link #from} reads the environment variables
 * (README, "Notifications"); the fields without a variable are there for tests, which need
 * milliseconds where production waits seconds.
 *
 * @param smtp                 empty: email subscriptions are refused
 * @param expiryCheckInterval  how often certificates are checked for expiry
 * @param expiryWarningDays    CertificateApproachingExpiration is raised from this many days before expiry
 * @param backoff              retries of failed deliveries
 * @param deliveryThreads      deliveries in flight at once on this node
 * @param pollInterval         how often the outbox and the retry queue are looked at
 * @param connectTimeout       webhook connection timeout (SMTP uses it too)
 * @param requestTimeout       webhook: the whole request, from connecting to the end of the response
 */
public record NotificationSettings(Optional<SmtpSettings> smtp, Duration expiryCheckInterval, int expiryWarningDays,
                                   Backoff backoff, int deliveryThreads, Duration pollInterval,
                                   Duration connectTimeout, Duration requestTimeout) {

    public static final Duration DEFAULT_EXPIRY_CHECK_INTERVAL = Duration.ofDays(1);
    public static final int DEFAULT_EXPIRY_WARNING_DAYS = 45;
    public static final Backoff DEFAULT_BACKOFF = new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), 8);

    public NotificationSettings {
        if (expiryWarningDays < 1 || expiryWarningDays > 365) {
            throw new IllegalArgumentException("EDGECERT_EXPIRY_WARNING_DAYS must be between 1 and 365, got " + expiryWarningDays);
        }
        if (deliveryThreads < 1) {
            throw new IllegalArgumentException("EDGECERT_DELIVERY_THREADS must be at least 1");
        }
    }

    public static NotificationSettings defaults() {
        return new NotificationSettings(Optional.empty(), DEFAULT_EXPIRY_CHECK_INTERVAL, DEFAULT_EXPIRY_WARNING_DAYS,
                DEFAULT_BACKOFF, 8, Duration.ofMillis(500), Duration.ofSeconds(5), Duration.ofSeconds(10));
    }

    public NotificationSettings withSmtp(SmtpSettings s) {
        return new NotificationSettings(Optional.of(s), expiryCheckInterval, expiryWarningDays, backoff, deliveryThreads,
                pollInterval, connectTimeout, requestTimeout);
    }

    public NotificationSettings withBackoff(Backoff b) {
        return new NotificationSettings(smtp, expiryCheckInterval, expiryWarningDays, b, deliveryThreads,
                pollInterval, connectTimeout, requestTimeout);
    }

    public NotificationSettings withTimeouts(Duration connect, Duration request) {
        return new NotificationSettings(smtp, expiryCheckInterval, expiryWarningDays, backoff, deliveryThreads,
                pollInterval, connect, request);
    }

    public NotificationSettings withPollInterval(Duration poll) {
        return new NotificationSettings(smtp, expiryCheckInterval, expiryWarningDays, backoff, deliveryThreads,
                poll, connectTimeout, requestTimeout);
    }

    public NotificationSettings withExpiry(Duration interval, int warningDays) {
        return new NotificationSettings(smtp, interval, warningDays, backoff, deliveryThreads,
                pollInterval, connectTimeout, requestTimeout);
    }

    /** Reads the EDGECERT_SMTP_*, EDGECERT_EXPIRY_* and EDGECERT_DELIVERY_* variables. */
    public static NotificationSettings from(Map<String, String> env) {
        NotificationSettings d = defaults();
        Optional<SmtpSettings> smtp = get(env, "EDGECERT_SMTP_HOST").map(host -> {
            SmtpSettings.Security security = get(env, "EDGECERT_SMTP_TLS").map(v -> SmtpSettings.Security.parse(v)
                    .orElseThrow(() -> new IllegalArgumentException("EDGECERT_SMTP_TLS must be starttls, tls or none, got '" + v + "'")))
                    .orElse(SmtpSettings.Security.STARTTLS);
            int port = get(env, "EDGECERT_SMTP_PORT").map(v -> (int) number("EDGECERT_SMTP_PORT", v, 1, 65535))
                    .orElse(security.defaultPort());
            String from = get(env, "EDGECERT_SMTP_FROM").orElseThrow(() -> new IllegalArgumentException(
                    "EDGECERT_SMTP_FROM (the sender address of notification emails) is needed with EDGECERT_SMTP_HOST"));
            return new SmtpSettings(host, port, get(env, "EDGECERT_SMTP_USER"), get(env, "EDGECERT_SMTP_PASSWORD"), from, security);
        });
        Duration interval = get(env, "EDGECERT_EXPIRY_CHECK_INTERVAL")
                .map(v -> duration("EDGECERT_EXPIRY_CHECK_INTERVAL", v)).orElse(d.expiryCheckInterval());
        int warningDays = get(env, "EDGECERT_EXPIRY_WARNING_DAYS")
                .map(v -> (int) number("EDGECERT_EXPIRY_WARNING_DAYS", v, 1, 365)).orElse(d.expiryWarningDays());
        Duration retryBase = get(env, "EDGECERT_DELIVERY_RETRY_BASE").map(v -> duration("EDGECERT_DELIVERY_RETRY_BASE", v))
                .orElse(DEFAULT_BACKOFF.base());
        if (retryBase.compareTo(DEFAULT_BACKOFF.max()) > 0) {
            throw new IllegalArgumentException("EDGECERT_DELIVERY_RETRY_BASE must be at most " + DEFAULT_BACKOFF.max());
        }
        Backoff backoff = new Backoff(retryBase, DEFAULT_BACKOFF.max(),
                get(env, "EDGECERT_DELIVERY_MAX_ATTEMPTS").map(v -> (int) number("EDGECERT_DELIVERY_MAX_ATTEMPTS", v, 1, 100))
                        .orElse(DEFAULT_BACKOFF.maxAttempts()));
        int threads = get(env, "EDGECERT_DELIVERY_THREADS").map(v -> (int) number("EDGECERT_DELIVERY_THREADS", v, 1, 256))
                .orElse(d.deliveryThreads());
        return new NotificationSettings(smtp, interval, warningDays, backoff, threads, d.pollInterval(),
                d.connectTimeout(), d.requestTimeout());
    }

    private static Optional<String> get(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.strip());
    }

    private static long number(String name, String v, long min, long max) {
        try {
            long n = Long.parseLong(v);
            if (n < min || n > max) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a whole number between " + min + " and " + max + ", got '" + v + "'");
        }
    }

    /** An ISO-8601 duration (PT12H, P1D, PT0.5S) or a number of seconds. */
    static Duration duration(String name, String v) {
        Duration d;
        try {
            d = v.chars().allMatch(Character::isDigit) ? Duration.ofSeconds(Long.parseLong(v)) : Duration.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an ISO-8601 duration such as PT12H or P1D, or a number of seconds, got '" + v + "'");
        }
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be longer than zero, got '" + v + "'");
        }
        return d;
    }
}
