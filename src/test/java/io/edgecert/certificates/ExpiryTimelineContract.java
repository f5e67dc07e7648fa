package io.edgecert.certificates;

import io.edgecert.testing.MutableClock;
import io.edgecert.certificates.CertificateService.ExpiryTimeline;
import io.edgecert.certificates.CertificateService.ListQuery;
import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.crypto.MasterKey;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.edgecert.store.Sql;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dashboard's expiry timeline: counted in SQL by the certificate service, on H2 and
 * PostgreSQL; its bars agree with the list they link to, and it holds at 100,000 certificates.
 */
@Timeout(180)
abstract class ExpiryTimelineContract {
    static final TestPki.Hierarchy CA = TestPki.hierarchy(TestPki.ec("secp256r1"), "timeline-ca.example");

    final MutableClock clock = new MutableClock(Instant.now().truncatedTo(ChronoUnit.DAYS).plus(Duration.ofHours(12)));
    Path dir;
    Database db;
    CertificateService certificates;

    abstract Database open(Path dir);

    abstract void dropDatabase();

    @BeforeEach
    void start() throws Exception {
        dir = Files.createTempDirectory("edgecert-timeline");
        db = open(dir);
        certificates = new CertificateService(db, new ImportRules(new ChainAnalyzer(TrustStore.jdkDefault()), clock),
                new KeyCipher(MasterKey.fromBase64(MasterKey.generateBase64())), clock, OptionalLong.empty());
    }

    @AfterEach
    void stop() {
        db.close();
        dropDatabase();
    }

    Certificate importExpiringIn(String domain, Duration validFor) {
        TestPki.Issued leaf = TestPki.cert().dns(domain).key(TestPki.ec("secp256r1")).issuedBy(CA.intermediate())
                .validity(clock.instant().minus(Duration.ofDays(1)), clock.instant().plus(validFor)).build();
        return certificates.importCertificate(new CertificateService.NewCertificate(Optional.of(domain),
                new CertificateSubmission(leaf.certificatePem(), leaf.keyPem(), Optional.of(CA.chainPem())), Map.of()));
    }

    static List<Long> weekCounts(ExpiryTimeline t) {
        return t.weeks().stream().map(ExpiryTimeline.Week::count).toList();
    }

    @Test
    void countsPerWeekAndExpiredAsTheClockMoves() {
        importExpiringIn("three.example", Duration.ofDays(3));
        importExpiringIn("ten-a.example", Duration.ofDays(10));
        importExpiringIn("ten-b.example", Duration.ofDays(10));
        importExpiringIn("twenty.example", Duration.ofDays(20));
        importExpiringIn("eighty.example", Duration.ofDays(80));
        importExpiringIn("far.example", Duration.ofDays(200));

        ExpiryTimeline now = certificates.expiryTimeline(13);
        assertThat(now.expired()).isZero();
        assertThat(now.weeks()).hasSize(13);
        assertThat(now.weeks().get(0).from()).isEqualTo(clock.instant());
        assertThat(now.weeks().get(12).toDay()).isEqualTo(91);
        assertThat(weekCounts(now)).containsExactly(1L, 2L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 0L);
        assertThat(now.max()).isEqualTo(2);

        clock.advance(Duration.ofDays(5));
        ExpiryTimeline later = certificates.expiryTimeline(13);
        assertThat(later.expired()).isEqualTo(1);
        // 10 days - 5 = 5 (week 0), 20 - 5 = 15 (week 2), 80 - 5 = 75 (week 10)
        assertThat(weekCounts(later)).containsExactly(2L, 0L, 1L, 0L, 0L, 0L, 0L, 0L, 0L, 0L, 1L, 0L, 0L);

        // what a bar counts is what its link lists
        assertThat(certificates.list(new ListQuery(Optional.empty(), Optional.of(7), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(100), Optional.of(0))).items())
                .extracting(Certificate::name).containsExactlyInAnyOrder("ten-a.example", "ten-b.example");
        assertThat(certificates.list(new ListQuery(Optional.empty(), Optional.of(21), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(100), Optional.of(14))).items())
                .extracting(Certificate::name).containsExactly("twenty.example");
        assertThat(certificates.list(new ListQuery(Optional.empty(), Optional.of(14), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.of(100), Optional.of(7))).items()).isEmpty();
    }

    @Test
    void aBadRangeIsAFieldProblem() {
        assertThatThrownBy(() -> certificates.list(new ListQuery(Optional.empty(), Optional.of(7), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(10), Optional.of(7))))
                .isInstanceOfSatisfying(ProblemException.class,
                        e -> assertThat(e.errors()).anySatisfy(v -> assertThat(v.field()).isEqualTo("expiringAfterDays")));
        assertThatThrownBy(() -> certificates.expiryTimeline(0)).isInstanceOf(ProblemException.class);
    }

    /** 100,000 rows written straight into the table (importing them would take minutes): one query counts them. */
    @Test
    void holdsAtOneHundredThousandCertificates() {
        int n = 100_000;
        Instant start = clock.instant().minus(Duration.ofDays(30));
        long spanMillis = Duration.ofDays(150).toMillis();
        long[] expected = new long[14];
        Instant now = clock.instant();
        db.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificates (id, name, domain_name, subject, "
                    + "issuer, serial, key_type, signature_algorithm, not_before, not_after, fingerprint_sha256, "
                    + "certificate_pem, chain_pem, encrypted_key, trusted, trust_store, sans_json, usages_json, "
                    + "warnings_json, material_version, created_at, updated_at) "
                    + "VALUES (?, 'bulk', 'bulk.example', 'CN=bulk', 'CN=ca', '01', 'EC_prime256v1', 'SHA256withECDSA', "
                    + "?, ?, 'ff', '', '', ?, FALSE, 'test', '[]', '{}', '[]', 1, ?, ?)")) {
                for (int i = 0; i < n; i++) {
                    Instant notAfter = start.plusMillis(spanMillis * i / n);
                    ps.setString(1, UUID.randomUUID().toString());
                    ps.setObject(2, Sql.utc(start.minus(Duration.ofDays(400))));
                    ps.setObject(3, Sql.utc(notAfter));
                    ps.setBytes(4, new byte[] {1});
                    ps.setObject(5, Sql.utc(now));
                    ps.setObject(6, Sql.utc(now));
                    ps.addBatch();
                    if (!notAfter.isAfter(now)) {
                        expected[0]++;
                    } else {
                        long ms = Duration.between(now, notAfter).toMillis();
                        long week = (ms - 1) / Duration.ofDays(7).toMillis(); // (7k days, 7k + 7 days]
                        if (week < 13) {
                            expected[(int) week + 1]++;
                        }
                    }
                    if (i % 5_000 == 4_999) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            return null;
        });
        certificates.expiryTimeline(13); // warm: the first query also plans and loads pages
        long t0 = System.nanoTime();
        ExpiryTimeline t = certificates.expiryTimeline(13);
        long millis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("expiry timeline over %d certificates on %s: %d ms%n", n, getClass().getSimpleName(), millis);
        assertThat(t.expired()).isEqualTo(expected[0]).isEqualTo(20_001); // one expires at this very instant: expired, as status=EXPIRED says
        for (int k = 0; k < 13; k++) {
            assertThat(t.weeks().get(k).count()).as("week %d", k).isEqualTo(expected[k + 1]);
        }
    }

}
