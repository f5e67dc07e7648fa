package io.edgecert.events;

import io.edgecert.config.ConfigException;
import io.edgecert.config.Env;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static java.util.Map.entry;

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
 * @param pollInterval         the safety poll of the outbox and the retry queue: the outbox signal wakes
 *                             delivery at once, this only catches what a signal missed (another node's retry)
 * @param connectTimeout       webhook connection timeout (SMTP uses it too)
 * @param requestTimeout       webhook: the whole request, from connecting to the end of the response
 */
public record NotificationSettings(Optional<SmtpSettings> smtp, Duration expiryCheckInterval, int expiryWarningDays,
                                   Backoff backoff, int deliveryThreads, Duration pollInterval,
                                   Duration connectTimeout, Duration requestTimeout) {

    public static final Duration DEFAULT_EXPIRY_CHECK_INTERVAL = Duration.ofDays(1);
    public static final int DEFAULT_EXPIRY_WARNING_DAYS = 45;
    /** Slow on purpose: an idle node's delivery worker costs one look per poll (bench/idle). */
    public static final Duration SAFETY_POLL = Duration.ofSeconds(5);
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
                DEFAULT_BACKOFF, 8, SAFETY_POLL, Duration.ofSeconds(5), Duration.ofSeconds(10));
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
        return from(new Env(env));
    }

    public static NotificationSettings from(Env env) {
        NotificationSettings d = defaults();
        Optional<SmtpSettings> smtp = env.get("EDGECERT_SMTP_HOST").map(host -> {
            SmtpSettings.Security security = env.choice("EDGECERT_SMTP_TLS", SmtpSettings.Security.STARTTLS,
                    entry("starttls", SmtpSettings.Security.STARTTLS), entry("tls", SmtpSettings.Security.TLS),
                    entry("none", SmtpSettings.Security.NONE));
            int port = env.integer("EDGECERT_SMTP_PORT", 1, 65535, security.defaultPort());
            String from = env.get("EDGECERT_SMTP_FROM").orElseThrow(() -> new ConfigException(
                    "EDGECERT_SMTP_FROM (the sender address of notification emails) is needed with EDGECERT_SMTP_HOST"));
            return new SmtpSettings(host, port, env.get("EDGECERT_SMTP_USER"), env.get("EDGECERT_SMTP_PASSWORD"), from, security);
        });
        Duration interval = env.duration("EDGECERT_EXPIRY_CHECK_INTERVAL", d.expiryCheckInterval());
        int warningDays = env.integer("EDGECERT_EXPIRY_WARNING_DAYS", 1, 365, d.expiryWarningDays());
        Duration retryBase = env.duration("EDGECERT_DELIVERY_RETRY_BASE", DEFAULT_BACKOFF.base());
        if (retryBase.compareTo(DEFAULT_BACKOFF.max()) > 0) {
            throw new ConfigException("EDGECERT_DELIVERY_RETRY_BASE must be at most " + DEFAULT_BACKOFF.max()
                    + ", got '" + env.get("EDGECERT_DELIVERY_RETRY_BASE").orElse("") + "'");
        }
        Backoff backoff = new Backoff(retryBase, DEFAULT_BACKOFF.max(),
                env.integer("EDGECERT_DELIVERY_MAX_ATTEMPTS", 1, 100, DEFAULT_BACKOFF.maxAttempts()));
        int threads = env.integer("EDGECERT_DELIVERY_THREADS", 1, 256, d.deliveryThreads());
        return new NotificationSettings(smtp, interval, warningDays, backoff, threads, d.pollInterval(),
                d.connectTimeout(), d.requestTimeout());
    }
}
