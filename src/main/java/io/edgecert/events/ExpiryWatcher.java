package io.edgecert.events;

import io.edgecert.store.Database;
import io.edgecert.store.Sql;
import io.edgecert.store.StoreException;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Raises CertificateApproachingExpiration (from N days before expiry, at most once per certificate
 * per UTC day) and CertificateExpired (once per expiry). Each event is written in one transaction
 * with its row in expiry_notices, whose primary key makes a second node, a restart or a second check
 * on the same day raise nothing. Also keeps the expiry gauge up to date.
 */
public final class ExpiryWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ExpiryWatcher.class);
    /** New and deleted certificates show in the gauge within this time even with a daily check. */
    static final Duration GAUGE_REFRESH = Duration.ofMinutes(5);
    private static final int CHUNK = 100;
    private static final String APPROACHING = "APPROACHING";
    private static final String EXPIRED = "EXPIRED";

    private final Database db;
    private final EventLog events;
    private final Clock clock;
    private final ExpiryGauge gauge;
    private final Duration interval;
    private final int warningDays;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "edgecert-expiry");
        t.setDaemon(true);
        return t;
    });

    public ExpiryWatcher(Database db, EventLog events, Clock clock, MeterRegistry metrics, Duration interval, int warningDays) {
        this.db = db;
        this.events = events;
        this.clock = clock;
        this.gauge = new ExpiryGauge(metrics, clock);
        this.interval = interval;
        this.warningDays = warningDays;
    }

    /** Checks now (a node that restarts daily still checks daily), then every interval. */
    public ExpiryWatcher start() {
        scheduler.scheduleWithFixedDelay(() -> quietly(this::check), 0, interval.toMillis(), TimeUnit.MILLISECONDS);
        long refresh = Math.min(interval.toMillis(), GAUGE_REFRESH.toMillis());
        scheduler.scheduleWithFixedDelay(() -> quietly(this::refreshGauge), refresh, refresh, TimeUnit.MILLISECONDS);
        return this;
    }

    /** How many events one check raised. */
    public record Result(int approaching, int expired) {
    }

    record Candidate(String id, String name, String domainName, Instant notAfter) {
    }

    public Result check() {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        db.inTransaction(c -> {
            forgetRenewed(c, now);
            dropOldNotices(c, today);
            return null;
        });
        int approaching = raise(APPROACHING, db.withConnection(c -> approaching(c, now, today)), now, today);
        int expired = raise(EXPIRED, db.withConnection(c -> expired(c, now)), now, today);
        refreshGauge();
        if (approaching + expired > 0) {
            log.info("Expiry check: {} certificate(s) approaching expiration, {} newly expired", approaching, expired);
        }
        return new Result(approaching, expired);
    }

    public void refreshGauge() {
        gauge.update(db.withConnection(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT id, domain_name, not_after FROM certificates");
                 ResultSet rs = ps.executeQuery()) {
                List<ExpiryGauge.Certificate> out = new ArrayList<>();
                while (rs.next()) {
                    out.add(new ExpiryGauge.Certificate(rs.getString(1), rs.getString(2), Sql.instant(rs, 3)));
                }
                return out;
            }
        }));
    }

    // ---- raising -------------------------------------------------------------------------------

    /** In chunks; a chunk that fails (a certificate deleted meanwhile) is retried one by one. */
    private int raise(String kind, List<Candidate> candidates, Instant now, LocalDate today) {
        int raised = 0;
        for (int i = 0; i < candidates.size(); i += CHUNK) {
            List<Candidate> chunk = candidates.subList(i, Math.min(candidates.size(), i + CHUNK));
            try {
                raised += raiseAll(kind, chunk, now, today);
            } catch (StoreException e) {
                for (Candidate one : chunk) {
                    try {
                        raised += raiseAll(kind, List.of(one), now, today);
                    } catch (StoreException gone) {
                        log.debug("Expiry notice for {} skipped: {}", one.id(), gone.toString());
                    }
                }
            }
        }
        return raised;
    }

    private int raiseAll(String kind, List<Candidate> chunk, Instant now, LocalDate today) {
        return db.inTransaction(c -> {
            int raised = 0;
            for (Candidate cert : chunk) {
                LocalDate day = kind.equals(EXPIRED) ? LocalDate.ofInstant(cert.notAfter(), ZoneOffset.UTC) : today;
                if (claimNotice(c, cert.id(), kind, day)) {
                    events.append(c, kind.equals(EXPIRED) ? EventType.CertificateExpired : EventType.CertificateApproachingExpiration,
                            cert.id(), payload(cert, kind, now));
                    raised++;
                }
            }
            return raised;
        });
    }

    private static Map<String, Object> payload(Candidate cert, String kind, Instant now) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("certificateId", cert.id());
        p.put("name", cert.name());
        p.put("domainName", cert.domainName());
        p.put("notAfter", cert.notAfter());
        if (kind.equals(APPROACHING)) {
            // as the certificates API counts it: whole days left, rounded down
            p.put("daysToExpiry", Math.floorDiv(Duration.between(now, cert.notAfter()).toSeconds(), 86_400L));
        }
        return p;
    }

    /** False when this notice was raised already, by this node or another. */
    private static boolean claimNotice(Connection c, String certificateId, String kind, LocalDate day) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO expiry_notices (certificate_id, kind, notice_day) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
            ps.setString(1, certificateId);
            ps.setString(2, kind);
            ps.setObject(3, day);
            return ps.executeUpdate() == 1;
        }
    }

    // ---- queries -------------------------------------------------------------------------------

    private List<Candidate> approaching(Connection c, Instant now, LocalDate today) throws SQLException {
        return candidates(c, "not_after > ? AND not_after <= ? AND NOT EXISTS (SELECT 1 FROM expiry_notices n "
                + "WHERE n.certificate_id = certificates.id AND n.kind = 'APPROACHING' AND n.notice_day = ?)",
                Sql.utc(now), Sql.utc(now.plus(Duration.ofDays(warningDays))), today);
    }

    private static List<Candidate> expired(Connection c, Instant now) throws SQLException {
        return candidates(c, "not_after <= ? AND NOT EXISTS (SELECT 1 FROM expiry_notices n "
                + "WHERE n.certificate_id = certificates.id AND n.kind = 'EXPIRED')", Sql.utc(now));
    }

    private static List<Candidate> candidates(Connection c, String where, Object... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id, name, domain_name, not_after FROM certificates WHERE "
                + where + " ORDER BY not_after, id")) {
            for (int i = 0; i < args.length; i++) {
                ps.setObject(i + 1, args[i]);
            }
            List<Candidate> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Candidate(rs.getString(1), rs.getString(2), rs.getString(3), Sql.instant(rs, 4)));
                }
            }
            return out;
        }
    }

    /** A certificate reimported with renewed material can expire again: forget its old expiry. */
    private static void forgetRenewed(Connection c, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM expiry_notices WHERE kind = 'EXPIRED' AND EXISTS "
                + "(SELECT 1 FROM certificates WHERE certificates.id = expiry_notices.certificate_id AND certificates.not_after > ?)")) {
            ps.setObject(1, Sql.utc(now));
            ps.executeUpdate();
        }
    }

    /** Only today's approaching notices matter; older ones would only pile up. */
    private static void dropOldNotices(Connection c, LocalDate today) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM expiry_notices WHERE kind = 'APPROACHING' AND notice_day < ?")) {
            ps.setObject(1, today.minusDays(1));
            ps.executeUpdate();
        }
    }

    private static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("Expiry watcher: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            // let a running check end before the database closes under it
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
