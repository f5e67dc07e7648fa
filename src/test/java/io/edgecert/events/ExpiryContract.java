package io.edgecert.events;

import io.edgecert.testing.MutableClock;
import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.ImportRules;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.store.Database;
import io.edgecert.testing.TestPki;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The expiry watcher against certificates imported through the real certificate service, with a
 * clock the test moves forward day by day. Runs on H2 and on PostgreSQL.
 */
abstract class ExpiryContract {
    static final TestPki.Hierarchy CA = TestPki.hierarchy(TestPki.ec("secp256r1"), "ca-holder.example");

    NotificationsFixture fx;
    // noon UTC: "the next day" is unambiguous whatever the certificates' hours
    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12)));
    CertificateService certificates;

    abstract NotificationsFixture.Store store();

    @BeforeEach
    void open() {
        fx = NotificationsFixture.open(store());
        certificates = new CertificateService(fx.db, new ImportRules(new ChainAnalyzer(TrustStore.jdkDefault()), clock),
                fx.cipher, clock, OptionalLong.empty());
    }

    @AfterEach
    void close() {
        fx.close();
    }

    ExpiryWatcher watcher(Database db, MeterRegistry metrics) {
        return new ExpiryWatcher(db, new EventLog(clock, db.signals()), clock, metrics, Duration.ofDays(1), 45);
    }

    /** A real certificate for domain, expiring that long after the test clock's start. */
    Certificate importExpiringIn(String domain, Duration validFor) {
        TestPki.Issued leaf = TestPki.cert().dns(domain).key(TestPki.ec("secp256r1")).issuedBy(CA.intermediate())
                .validity(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(validFor)).build();
        return certificates.importCertificate(new CertificateService.NewCertificate(Optional.of("cert " + domain),
                new CertificateSubmission(leaf.certificatePem(), leaf.keyPem(), Optional.of(CA.chainPem())), Map.of()));
    }

    List<JsonNode> events(EventType type, String subjectId) {
        return fx.db.withConnection(c -> {
            try (var ps = c.prepareStatement("SELECT payload_json FROM events WHERE type = ? AND subject_id = ? ORDER BY seq")) {
                ps.setString(1, type.name());
                ps.setString(2, subjectId);
                List<JsonNode> out = new ArrayList<>();
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(Json.read(rs.getString(1), JsonNode.class));
                    }
                }
                return out;
            }
        });
    }

    @Test
    void approachingExpirationIsRaisedOncePerCertificatePerDay() {
        Certificate soon = importExpiringIn("soon.example.com", Duration.ofDays(30).plusHours(1));
        Certificate later = importExpiringIn("later.example.com", Duration.ofDays(100));
        ExpiryWatcher w = watcher(fx.db, fx.metrics);

        assertThat(w.check()).isEqualTo(new ExpiryWatcher.Result(1, 0));
        assertThat(w.check()).as("same day, same node").isEqualTo(new ExpiryWatcher.Result(0, 0));
        assertThat(watcher(fx.anotherPool(), fx.metrics).check()).as("same day, another node").isEqualTo(new ExpiryWatcher.Result(0, 0));

        JsonNode first = events(EventType.CertificateApproachingExpiration, soon.id()).get(0);
        assertThat(first.get("certificateId").asText()).isEqualTo(soon.id());
        assertThat(first.get("name").asText()).isEqualTo("cert soon.example.com");
        assertThat(first.get("domainName").asText()).isEqualTo("soon.example.com");
        assertThat(Instant.parse(first.get("notAfter").asText())).isEqualTo(soon.notAfter());
        assertThat(first.get("daysToExpiry").asInt()).isEqualTo(30);

        clock.advance(Duration.ofDays(1));
        assertThat(w.check()).as("the next day").isEqualTo(new ExpiryWatcher.Result(1, 0));
        assertThat(events(EventType.CertificateApproachingExpiration, soon.id()))
                .extracting(e -> e.get("daysToExpiry").asInt()).containsExactly(30, 29);
        assertThat(events(EventType.CertificateApproachingExpiration, later.id())).isEmpty();

        clock.advance(Duration.ofDays(55));
        assertThat(w.check()).as("later enters its 45 days, soon has expired").isEqualTo(new ExpiryWatcher.Result(1, 1));
        assertThat(events(EventType.CertificateApproachingExpiration, later.id()))
                .extracting(e -> e.get("daysToExpiry").asInt()).containsExactly(44);
    }

    @Test
    void expiredIsRaisedOnceAfterExpiry() {
        Certificate c = importExpiringIn("short.example.com", Duration.ofDays(2));
        ExpiryWatcher w = watcher(fx.db, fx.metrics);
        assertThat(w.check()).isEqualTo(new ExpiryWatcher.Result(1, 0));
        assertThat(events(EventType.CertificateApproachingExpiration, c.id()).get(0).get("daysToExpiry").asInt()).isEqualTo(2);

        clock.advance(Duration.ofDays(3));
        assertThat(w.check()).isEqualTo(new ExpiryWatcher.Result(0, 1));
        clock.advance(Duration.ofDays(1));
        assertThat(w.check()).isEqualTo(new ExpiryWatcher.Result(0, 0));
        assertThat(watcher(fx.anotherPool(), fx.metrics).check()).isEqualTo(new ExpiryWatcher.Result(0, 0));

        List<JsonNode> expired = events(EventType.CertificateExpired, c.id());
        assertThat(expired).hasSize(1);
        assertThat(expired.get(0).get("domainName").asText()).isEqualTo("short.example.com");
        assertThat(Instant.parse(expired.get(0).get("notAfter").asText())).isEqualTo(c.notAfter());
        assertThat(expired.get(0).has("daysToExpiry")).isFalse();
    }

    @Test
    void twoNodesCheckingAtOnceRaiseEachEventOnce() {
        List<Certificate> certs = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            certs.add(importExpiringIn("race-" + i + ".example.com", Duration.ofDays(10 + i)));
        }
        ExpiryWatcher a = watcher(fx.db, fx.metrics);
        ExpiryWatcher b = watcher(fx.anotherPool(), fx.metrics);

        var ra = CompletableFuture.supplyAsync(a::check);
        var rb = CompletableFuture.supplyAsync(b::check);
        assertThat(ra.join().approaching() + rb.join().approaching()).isEqualTo(20);
        assertThat(certs).allSatisfy(c -> assertThat(events(EventType.CertificateApproachingExpiration, c.id())).hasSize(1));
    }

    @Test
    void theGaugeShowsSecondsToExpiryPerCertificate() {
        Certificate a = importExpiringIn("a.example.com", Duration.ofDays(30));
        Certificate b = importExpiringIn("b.example.com", Duration.ofDays(100));
        PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        ExpiryWatcher w = watcher(fx.db, prometheus);
        w.refreshGauge();

        assertThat(gauge(prometheus, a)).isCloseTo(Duration.ofDays(30).toSeconds(), within(1.0));
        assertThat(gauge(prometheus, b)).isCloseTo(Duration.ofDays(100).toSeconds(), within(1.0));
        assertThat(prometheus.scrape()).contains("edgecert_certificate_expiry_seconds{certificate_id=\"" + a.id()
                + "\",domain=\"a.example.com\"} 2592000");

        // computed when scraped: no refresh needed for time to pass
        clock.advance(Duration.ofDays(31));
        assertThat(gauge(prometheus, a)).isCloseTo(-Duration.ofDays(1).toSeconds(), within(1.0));

        certificates.delete(b.id());
        w.refreshGauge();
        assertThat(prometheus.find(ExpiryGauge.NAME).tag("certificate_id", b.id()).gauge()).isNull();
        assertThat(prometheus.find(ExpiryGauge.NAME).gauges()).hasSize(1);
    }

    static double gauge(MeterRegistry registry, Certificate c) {
        return registry.get(ExpiryGauge.NAME).tag("certificate_id", c.id()).tag("domain", c.domainName()).gauge().value();
    }
}
