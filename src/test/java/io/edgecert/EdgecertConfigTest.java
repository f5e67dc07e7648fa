package io.edgecert;

import io.edgecert.config.ConfigException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EdgecertConfigTest {
    @Test
    void numbersPastWhatAnIntHoldsAreRefusedNotWrapped() {
        // (int) 4294967298L is 2: the old reader started two workers for this value
        assertThatThrownBy(() -> EdgecertConfig.from(Map.of("EDGECERT_JOB_WORKERS", "4294967298")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("EDGECERT_JOB_WORKERS must be a whole number between 0 and 256, got '4294967298'");
        assertThatThrownBy(() -> EdgecertConfig.from(Map.of("EDGECERT_MAX_JOB_ITEMS", "0")))
                .hasMessage("EDGECERT_MAX_JOB_ITEMS must be a whole number between 1 and 1000000, got '0'");
    }

    @Test
    void everyPartReadsThroughTheSameReader() {
        assertThatThrownBy(() -> EdgecertConfig.from(Map.of("EDGECERT_EDGE_HTTPS_PORT", "70000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("EDGECERT_EDGE_HTTPS_PORT must be a whole number between 0 and 65535, got '70000'");
        assertThatThrownBy(() -> EdgecertConfig.from(Map.of("EDGECERT_SMTP_HOST", "mail", "EDGECERT_SMTP_FROM", "a@b",
                "EDGECERT_SMTP_TLS", "maybe")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("EDGECERT_SMTP_TLS must be starttls, tls or none, got 'maybe'");
        assertThatThrownBy(() -> EdgecertConfig.from(Map.of("EDGECERT_EDGE_THREADS", "-1")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("EDGECERT_EDGE_THREADS");
    }

    @Test
    void unsetMeansTheDocumentedDefaults() {
        EdgecertConfig c = EdgecertConfig.from(Map.of());
        assertThat(c.apiPort()).isEqualTo(8080);
        assertThat(c.edgeHttpsPort()).isEqualTo(8443);
        assertThat(c.jobWorkers()).isEqualTo(2);
        assertThat(c.maxJobItems()).isEqualTo(10_000);
        assertThat(c.maxCertificates()).isEmpty();
        assertThat(EdgecertConfig.from(Map.of("EDGECERT_MAX_CERTIFICATES", "5")).maxCertificates()).hasValue(5);
    }
}
