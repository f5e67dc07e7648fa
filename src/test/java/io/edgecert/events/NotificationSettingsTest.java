package io.edgecert.events;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NotificationSettingsTest {
    @Test
    void defaultsWithoutAnyVariable() {
        NotificationSettings s = NotificationSettings.from(Map.of());
        assertThat(s.smtp()).isEmpty();
        assertThat(s.expiryCheckInterval()).isEqualTo(Duration.ofDays(1));
        assertThat(s.expiryWarningDays()).isEqualTo(45);
        assertThat(s.backoff()).isEqualTo(new Backoff(Duration.ofSeconds(10), Duration.ofHours(1), 8));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void everyVariableIsRead() {
        NotificationSettings s = NotificationSettings.from(Map.of(
                "EDGECERT_SMTP_HOST", "smtp.example.com",
                "EDGECERT_SMTP_USER", "apikey",
                "EDGECERT_SMTP_PASSWORD", "hunter2",
                "EDGECERT_SMTP_FROM", "edgecert@example.com",
                "EDGECERT_SMTP_TLS", "tls",
                "EDGECERT_EXPIRY_CHECK_INTERVAL", "PT6H",
                "EDGECERT_EXPIRY_WARNING_DAYS", "30",
                "EDGECERT_DELIVERY_RETRY_BASE", "PT0.5S",
                "EDGECERT_DELIVERY_MAX_ATTEMPTS", "5",
                "EDGECERT_DELIVERY_THREADS", "4"));
        assertThat(s.smtp()).contains(new SmtpSettings("smtp.example.com", 465, Optional.of("apikey"), Optional.of("hunter2"),
                "edgecert@example.com", SmtpSettings.Security.TLS));
        assertThat(s.smtp().orElseThrow().toString()).doesNotContain("hunter2");
        assertThat(s.expiryCheckInterval()).isEqualTo(Duration.ofHours(6));
        assertThat(s.expiryWarningDays()).isEqualTo(30);
        assertThat(s.backoff()).isEqualTo(new Backoff(Duration.ofMillis(500), Duration.ofHours(1), 5));
        assertThat(s.deliveryThreads()).isEqualTo(4);
        assertThat(NotificationSettings.from(Map.of("EDGECERT_EXPIRY_CHECK_INTERVAL", "3600")).expiryCheckInterval())
                .isEqualTo(Duration.ofHours(1));
        assertThat(NotificationSettings.from(Map.of("EDGECERT_SMTP_HOST", "h", "EDGECERT_SMTP_FROM", "a@b.example"))
                .smtp().orElseThrow()).satisfies(smtp -> {
                    assertThat(smtp.security()).isEqualTo(SmtpSettings.Security.STARTTLS);
                    assertThat(smtp.port()).isEqualTo(587);
                });
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_EXPIRY_WARNING_DAYS", "0")))
                .hasMessageContaining("EDGECERT_EXPIRY_WARNING_DAYS").hasMessageContaining("1 and 365");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_EXPIRY_WARNING_DAYS", "366")))
                .hasMessageContaining("EDGECERT_EXPIRY_WARNING_DAYS");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_EXPIRY_CHECK_INTERVAL", "daily")))
                .hasMessageContaining("EDGECERT_EXPIRY_CHECK_INTERVAL").hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_EXPIRY_CHECK_INTERVAL", "PT0S")))
                .hasMessageContaining("longer than zero");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_SMTP_HOST", "smtp.example.com")))
                .hasMessageContaining("EDGECERT_SMTP_FROM");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_SMTP_HOST", "h", "EDGECERT_SMTP_FROM", "a@b",
                "EDGECERT_SMTP_TLS", "ssl"))).hasMessageContaining("EDGECERT_SMTP_TLS");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_SMTP_HOST", "h", "EDGECERT_SMTP_FROM", "a@b",
                "EDGECERT_SMTP_PORT", "70000"))).hasMessageContaining("EDGECERT_SMTP_PORT");
        assertThatThrownBy(() -> NotificationSettings.from(Map.of("EDGECERT_DELIVERY_RETRY_BASE", "P1D")))
                .hasMessageContaining("EDGECERT_DELIVERY_RETRY_BASE");
    }

    @Test
    void backoffGrowsThreefoldUpToTheCapThenStops() {
        Backoff b = new Backoff(Duration.ofSeconds(10), Duration.ofMinutes(30), 8);
        long[] expected = {10, 30, 90, 270, 810, 1800, 1800};
        for (int attempt = 1; attempt <= 7; attempt++) {
            Duration wait = b.after(attempt).orElseThrow();
            assertThat(wait).isBetween(Duration.ofSeconds(expected[attempt - 1]),
                    Duration.ofSeconds(expected[attempt - 1]).plus(Duration.ofSeconds(expected[attempt - 1]).dividedBy(5)));
        }
        assertThat(b.after(8)).isEmpty();
    }
}
