package io.edgecert.distributions.policies;

import io.edgecert.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** SQL of the custom policies; every method runs on the caller's connection and transaction. */
final class PolicyRepository {
    record Row(String id, String kind, int version, String configJson, Instant createdAt, Instant updatedAt) {
    }

    private static final String SELECT = "SELECT id, kind, version, config_json, created_at, updated_at FROM policies";

    void insert(Connection c, String id, String kind, String name, String json, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO policies (id, kind, name, version, config_json, "
                + "created_at, updated_at) VALUES (?, ?, ?, 1, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            ps.setString(3, name);
            ps.setString(4, json);
            ps.setObject(5, Sql.utc(now));
            ps.setObject(6, Sql.utc(now));
            ps.executeUpdate();
        }
    }

    /** Replaces the config if the policy is still at {@code expectedVersion}; the row stays locked until commit. */
    boolean update(Connection c, String id, String kind, int expectedVersion, String name, String json, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE policies SET version = ?, name = ?, config_json = ?, "
                + "updated_at = ? WHERE id = ? AND kind = ? AND version = ?")) {
            ps.setInt(1, expectedVersion + 1);
            ps.setString(2, name);
            ps.setString(3, json);
            ps.setObject(4, Sql.utc(now));
            ps.setString(5, id);
            ps.setString(6, kind);
            ps.setInt(7, expectedVersion);
            return ps.executeUpdate() == 1;
        }
    }

    boolean delete(Connection c, String id, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM policies WHERE id = ? AND kind = ?")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            return ps.executeUpdate() == 1;
        }
    }

    Optional<Row> find(Connection c, String kind, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE id = ? AND kind = ?")) {
            ps.setString(1, id);
            ps.setString(2, kind);
            List<Row> rows = rows(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    Optional<String> idNamed(Connection c, String kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM policies WHERE kind = ? AND name = ?")) {
            ps.setString(1, kind);
            ps.setString(2, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        }
    }

    /** Every custom policy of a kind (null: of every kind), oldest first. */
    List<Row> list(Connection c, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT + (kind == null ? "" : " WHERE kind = ?") + " ORDER BY id")) {
            if (kind != null) {
                ps.setString(1, kind);
            }
            return rows(ps);
        }
    }

    int count(Connection c, String kind) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM policies WHERE kind = ?")) {
            ps.setString(1, kind);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * The kind of each of these policies that exists, their rows locked until commit: a
     * distribution that names them is written before a delete can see it unused.
     */
    Map<String, String> lockKinds(Connection c, Collection<String> ids) throws SQLException {
        Map<String, String> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        List<String> sorted = ids.stream().distinct().sorted().toList(); // one lock order for every writer
        try (PreparedStatement ps = c.prepareStatement("SELECT id, kind FROM policies WHERE id IN ("
                + Sql.placeholders(sorted.size()) + ") ORDER BY id FOR UPDATE")) {
            for (int i = 0; i < sorted.size(); i++) {
                ps.setString(i + 1, sorted.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
        }
        return out;
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getString(4), Sql.instant(rs, 5),
                        Sql.instant(rs, 6)));
            }
        }
        return out;
    }
}
