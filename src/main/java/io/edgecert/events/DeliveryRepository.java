package io.edgecert.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.edgecert.json.Json;
import io.edgecert.store.Ids;
import io.edgecert.store.Sql;

import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * SQL of the outbox fan-out and the deliveries table (the retry queue and the delivery log).
 * Callers own the connection and the transaction.
 */
final class DeliveryRepository {
    private static final String COLUMNS = "id, subscription_id, event_id, event_type, status, attempts, last_status_code, "
            + "last_error, last_attempt_at, next_attempt_at, delivered_at, created_at";

    // ---- fan-out -------------------------------------------------------------------------------

    record NewEvent(long seq, String id, String type) {
    }

    /**
     * The oldest events not fanned out yet, locked for this transaction. SKIP LOCKED: a second
     * node fans out the next events instead of waiting for (and then redoing) these.
     */
    List<NewEvent> lockNewEvents(Connection c, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, id, type FROM events WHERE fanned_out = FALSE "
                + "ORDER BY seq LIMIT " + limit + " FOR UPDATE SKIP LOCKED");
             ResultSet rs = ps.executeQuery()) {
            List<NewEvent> out = new ArrayList<>();
            while (rs.next()) {
                out.add(new NewEvent(rs.getLong(1), rs.getString(2), rs.getString(3)));
            }
            return out;
        }
    }

    record NewDelivery(String subscriptionId, String eventId, String eventType) {
    }

    /** Pending deliveries due now; one that exists already (same subscription and event) is left alone. */
    void insertPending(Connection c, List<NewDelivery> deliveries, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (id, subscription_id, event_id, event_type, "
                + "status, attempts, next_attempt_at, created_at) VALUES (?, ?, ?, ?, 'PENDING', 0, ?, ?) ON CONFLICT DO NOTHING")) {
            for (NewDelivery d : deliveries) {
                ps.setString(1, Ids.newId());
                ps.setString(2, d.subscriptionId());
                ps.setString(3, d.eventId());
                ps.setString(4, d.eventType());
                ps.setObject(5, Sql.utc(now));
                ps.setObject(6, Sql.utc(now));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    void markFannedOut(Connection c, List<NewEvent> events) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE events SET fanned_out = TRUE WHERE seq IN ("
                + Sql.placeholders(events.size()) + ")")) {
            for (int i = 0; i < events.size(); i++) {
                ps.setLong(i + 1, events.get(i).seq());
            }
            ps.executeUpdate();
        }
    }

    // ---- claiming ------------------------------------------------------------------------------

    record Due(String id, String subscriptionId) {
    }

    /** Pending deliveries whose time has come and that no live claim holds, oldest due first. */
    List<Due> lockDue(Connection c, Instant now, Collection<String> skipSubscriptions, int limit) throws SQLException {
        String skip = skipSubscriptions.isEmpty() ? ""
                : " AND subscription_id NOT IN (" + Sql.placeholders(skipSubscriptions.size()) + ")";
        try (PreparedStatement ps = c.prepareStatement("SELECT id, subscription_id FROM deliveries "
                + "WHERE status = 'PENDING' AND next_attempt_at <= ? AND (claimed_until IS NULL OR claimed_until < ?)" + skip
                + " ORDER BY next_attempt_at LIMIT " + limit + " FOR UPDATE SKIP LOCKED")) {
            ps.setObject(1, Sql.utc(now));
            ps.setObject(2, Sql.utc(now));
            int i = 3;
            for (String s : skipSubscriptions) {
                ps.setString(i++, s);
            }
            List<Due> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Due(rs.getString(1), rs.getString(2)));
                }
            }
            return out;
        }
    }

    /** The conditions are in the UPDATE itself, so of two nodes racing for a row one wins. */
    boolean claim(Connection c, String id, String token, Instant now, Instant until) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET claim_token = ?, claimed_until = ? "
                + "WHERE id = ? AND status = 'PENDING' AND (claimed_until IS NULL OR claimed_until < ?)")) {
            ps.setString(1, token);
            ps.setObject(2, Sql.utc(until));
            ps.setString(3, id);
            ps.setObject(4, Sql.utc(now));
            return ps.executeUpdate() == 1;
        }
    }

    /** A claimed delivery with what sending it needs. */
    record Work(String deliveryId, int attempts, String subscriptionId, Protocol protocol, String endpoint,
                Optional<byte[]> sealedSecret, Event event) {
    }

    /** Empty when the claim was lost or the subscription deleted meanwhile. */
    Optional<Work> load(Connection c, String id, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT d.attempts, s.id, s.protocol, s.endpoint, s.encrypted_secret, "
                + "e.id, e.type, e.subject_id, e.created_at, e.payload_json FROM deliveries d "
                + "JOIN subscriptions s ON s.id = d.subscription_id JOIN events e ON e.id = d.event_id "
                + "WHERE d.id = ? AND d.claim_token = ?")) {
            ps.setString(1, id);
            ps.setString(2, token);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                Event event = new Event(rs.getString(6), rs.getString(7), rs.getString(8), Sql.instant(rs, 9),
                        readTree(rs.getString(10)));
                return Optional.of(new Work(id, rs.getInt(1), rs.getString(2), Protocol.parse(rs.getString(3)).orElseThrow(),
                        rs.getString(4), Optional.ofNullable(rs.getBytes(5)), event));
            }
        }
    }

    /** Writes an attempt's result and releases the claim; false if the claim was lost meanwhile. */
    boolean recordAttempt(Connection c, String id, String token, Outcome outcome, DeliveryStatus status,
                          Optional<Instant> nextAttempt, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE deliveries SET attempts = attempts + 1, status = ?, "
                + "last_status_code = ?, last_error = ?, last_attempt_at = ?, next_attempt_at = ?, delivered_at = ?, "
                + "claim_token = NULL, claimed_until = NULL WHERE id = ? AND claim_token = ?")) {
            ps.setString(1, status.name());
            setInteger(ps, 2, outcome.statusCode());
            ps.setString(3, outcome.error().orElse(null));
            ps.setObject(4, Sql.utc(now));
            ps.setObject(5, nextAttempt.map(Sql::utc).orElse(null));
            ps.setObject(6, outcome.delivered() ? Sql.utc(now) : null);
            ps.setString(7, id);
            ps.setString(8, token);
            return ps.executeUpdate() == 1;
        }
    }

    // ---- the log -------------------------------------------------------------------------------

    /** A delivery that is over as it is written: the test message, sent while the caller waits. */
    void insertFinished(Connection c, Delivery d) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO deliveries (" + COLUMNS + ") "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?)")) {
            ps.setString(1, d.id());
            ps.setString(2, d.subscriptionId());
            ps.setString(3, d.eventId());
            ps.setString(4, d.eventType());
            ps.setString(5, d.status().name());
            ps.setInt(6, d.attempts());
            setInteger(ps, 7, d.lastStatusCode());
            ps.setString(8, d.lastError().orElse(null));
            ps.setObject(9, d.lastAttemptAt().map(Sql::utc).orElse(null));
            ps.setObject(10, d.deliveredAt().map(Sql::utc).orElse(null));
            ps.setObject(11, Sql.utc(d.createdAt()));
            ps.executeUpdate();
        }
    }

    /** Newest first, before the cursor id. */
    List<Delivery> list(Connection c, String subscriptionId, Optional<String> beforeId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM deliveries WHERE subscription_id = ?"
                + (beforeId.isPresent() ? " AND id < ?" : "") + " ORDER BY id DESC LIMIT " + limit)) {
            ps.setString(1, subscriptionId);
            if (beforeId.isPresent()) {
                ps.setString(2, beforeId.get());
            }
            List<Delivery> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Delivery(rs.getString("id"), rs.getString("subscription_id"), rs.getString("event_id"),
                            rs.getString("event_type"), DeliveryStatus.valueOf(rs.getString("status")), rs.getInt("attempts"),
                            integer(rs, "last_status_code"), Optional.ofNullable(rs.getString("last_error")),
                            instant(rs, "last_attempt_at"), instant(rs, "next_attempt_at"), instant(rs, "delivered_at"),
                            Sql.instant(rs, "created_at")));
                }
            }
            return out;
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    private static com.fasterxml.jackson.databind.JsonNode readTree(String json) {
        try {
            return Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void setInteger(PreparedStatement ps, int index, Optional<Integer> value) throws SQLException {
        if (value.isPresent()) {
            ps.setInt(index, value.get());
        } else {
            ps.setNull(index, Types.INTEGER);
        }
    }

    private static Optional<Integer> integer(ResultSet rs, String column) throws SQLException {
        int v = rs.getInt(column);
        return rs.wasNull() ? Optional.empty() : Optional.of(v);
    }

    private static Optional<Instant> instant(ResultSet rs, String column) throws SQLException {
        return Optional.ofNullable(rs.getObject(column, OffsetDateTime.class)).map(OffsetDateTime::toInstant);
    }
}
