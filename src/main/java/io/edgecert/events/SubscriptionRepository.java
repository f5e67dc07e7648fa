package io.edgecert.events;

import io.edgecert.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** SQL of the subscriptions table. Callers own the connection and the transaction. */
final class SubscriptionRepository {
    private static final String COLUMNS = "id, name, protocol, endpoint, event_types, created_at";

    void insert(Connection c, Subscription s, Optional<byte[]> sealedSecret) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO subscriptions (" + COLUMNS + ", encrypted_secret) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, s.id());
            ps.setString(2, s.name().orElse(null));
            ps.setString(3, s.protocol().wireName());
            ps.setString(4, s.endpoint());
            ps.setString(5, s.eventTypes().map(types -> types.stream().map(Enum::name).collect(Collectors.joining(","))).orElse(null));
            ps.setObject(6, Sql.utc(s.createdAt()));
            ps.setBytes(7, sealedSecret.orElse(null));
            ps.executeUpdate();
        }
    }

    Optional<Subscription> find(Connection c, String id) throws SQLException {
        List<Subscription> found = query(c, "SELECT " + COLUMNS + " FROM subscriptions WHERE id = ?", id);
        return found.stream().findFirst();
    }

    /** In creation order (ids are time-ordered), after the cursor id. */
    List<Subscription> list(Connection c, Optional<String> afterId, int limit) throws SQLException {
        return afterId.isPresent()
                ? query(c, "SELECT " + COLUMNS + " FROM subscriptions WHERE id > ? ORDER BY id LIMIT " + limit, afterId.get())
                : query(c, "SELECT " + COLUMNS + " FROM subscriptions ORDER BY id LIMIT " + limit);
    }

    /** Every subscription: the fan-out matches each event against all of them (their number is capped). */
    List<Subscription> all(Connection c) throws SQLException {
        return query(c, "SELECT " + COLUMNS + " FROM subscriptions ORDER BY id");
    }

    Optional<byte[]> sealedSecret(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT encrypted_secret FROM subscriptions WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(rs.getBytes(1)) : Optional.empty();
            }
        }
    }

    boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM subscriptions WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM subscriptions");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static List<Subscription> query(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                ps.setString(i + 1, args[i]);
            }
            List<Subscription> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Subscription(rs.getString("id"), Optional.ofNullable(rs.getString("name")),
                            Protocol.parse(rs.getString("protocol")).orElseThrow(),
                            rs.getString("endpoint"), eventTypes(rs.getString("event_types")),
                            Sql.instant(rs, "created_at"), Optional.empty()));
                }
            }
            return out;
        }
    }

    /** Names this version does not know (written by a newer one) are skipped, not fatal. */
    private static Optional<List<EventType>> eventTypes(String column) {
        if (column == null) {
            return Optional.empty();
        }
        return Optional.of(Arrays.stream(column.split(","))
                .flatMap(n -> Arrays.stream(EventType.values()).filter(t -> t.name().equals(n)))
                .toList());
    }
}
