package io.edgecert.distributions.invalidations;

import com.fasterxml.jackson.core.type.TypeReference;
import io.edgecert.json.Json;
import io.edgecert.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL of invalidations; every method runs on the caller's connection and transaction. "Live"
 * means what it means for deployments (DistributionService): an edge_nodes heartbeat within the
 * last {@code liveSeconds} by the database's clock.
 */
final class InvalidationRepository {
    private static final TypeReference<List<String>> PATHS = new TypeReference<>() {
    };

    /** One stored invalidation. */
    record Row(String id, String distributionId, InvalidationStatus status, Instant createdAt,
               Optional<Instant> completedAt, List<String> paths, String callerReference) {
    }

    /** What a node's follower has to purge. */
    record Pending(String id, String distributionId, List<String> paths, Instant createdAt) {
    }

    private static final String SELECT = "SELECT id, distribution_id, status, created_at, completed_at, paths_json, "
            + "caller_reference FROM invalidations";

    private static String live(int liveSeconds) {
        return "n.heartbeat_at > CURRENT_TIMESTAMP - INTERVAL '" + liveSeconds + "' SECOND";
    }

    /** Locks the distribution's row (in-progress limits are checked under it); false when it does not exist. */
    boolean lockDistribution(Connection c, String distributionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM distributions WHERE id = ? FOR UPDATE")) {
            ps.setString(1, distributionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    boolean distributionExists(Connection c, String distributionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM distributions WHERE id = ?")) {
            ps.setString(1, distributionId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    void insert(Connection c, Row r, int filePaths, int wildcardPaths) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invalidations (id, distribution_id, caller_reference, "
                + "paths_json, file_paths, wildcard_paths, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, r.id());
            ps.setString(2, r.distributionId());
            ps.setString(3, r.callerReference());
            ps.setString(4, Json.write(r.paths()));
            ps.setInt(5, filePaths);
            ps.setInt(6, wildcardPaths);
            ps.setString(7, r.status().name());
            ps.setObject(8, Sql.utc(r.createdAt()));
            ps.executeUpdate();
        }
    }

    Optional<Row> find(Connection c, String distributionId, String id) throws SQLException {
        return one(c, SELECT + " WHERE distribution_id = ? AND id = ?", distributionId, id);
    }

    Optional<Row> findByCallerReference(Connection c, String distributionId, String callerReference) throws SQLException {
        return one(c, SELECT + " WHERE distribution_id = ? AND caller_reference = ?", distributionId, callerReference);
    }

    /** A page of a distribution's invalidations, newest first (ids are time-ordered), after {@code before}. */
    List<Row> list(Connection c, String distributionId, Optional<String> before, int limit) throws SQLException {
        String sql = SELECT + " WHERE distribution_id = ?" + (before.isPresent() ? " AND id < ?" : "")
                + " ORDER BY id DESC LIMIT " + limit;
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, distributionId);
            if (before.isPresent()) {
                ps.setString(2, before.get());
            }
            return rows(ps);
        }
    }

    /** File and wildcard paths of the distribution's InProgress invalidations. */
    long[] pathsInProgress(Connection c, String distributionId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(sum(file_paths), 0), coalesce(sum(wildcard_paths), 0) "
                + "FROM invalidations WHERE distribution_id = ? AND status = 'InProgress'")) {
            ps.setString(1, distributionId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new long[]{rs.getLong(1), rs.getLong(2)};
            }
        }
    }

    /** InProgress invalidations this node has not purged yet, oldest first. */
    List<Pending> pendingFor(Connection c, String nodeId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT i.id, i.distribution_id, i.paths_json, i.created_at FROM invalidations i "
                + "WHERE i.status = 'InProgress' AND NOT EXISTS (SELECT 1 FROM invalidation_nodes d "
                + "WHERE d.invalidation_id = i.id AND d.node_id = ?) ORDER BY i.id LIMIT " + limit)) {
            ps.setString(1, nodeId);
            List<Pending> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Pending(rs.getString(1), rs.getString(2), Json.read(rs.getString(3), PATHS),
                            Sql.instant(rs, 4)));
                }
            }
            return out;
        }
    }

    /** This node has purged the invalidation (once: a repeat is a no-op; a deleted invalidation too). */
    void recordPurged(Connection c, String id, String nodeId, long objects, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO invalidation_nodes (invalidation_id, node_id, purged_at, "
                + "objects) SELECT i.id, ?, ?, ? FROM invalidations i WHERE i.id = ? AND NOT EXISTS "
                + "(SELECT 1 FROM invalidation_nodes d WHERE d.invalidation_id = i.id AND d.node_id = ?)")) {
            ps.setString(1, nodeId);
            ps.setObject(2, Sql.utc(now));
            ps.setLong(3, objects);
            ps.setString(4, id);
            ps.setString(5, nodeId);
            ps.executeUpdate();
        }
    }

    /**
     * Marks Completed every InProgress invalidation that no live node still has to purge; returns
     * how many. With no live node at all, none has anything cached: they complete.
     */
    int completeReady(Connection c, int liveSeconds, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE invalidations SET status = 'Completed', completed_at = ? "
                + "WHERE status = 'InProgress' AND NOT EXISTS (SELECT 1 FROM edge_nodes n WHERE " + live(liveSeconds)
                + " AND NOT EXISTS (SELECT 1 FROM invalidation_nodes d WHERE d.invalidation_id = invalidations.id "
                + "AND d.node_id = n.node_id))")) {
            ps.setObject(1, Sql.utc(now));
            return ps.executeUpdate();
        }
    }

    long countInProgress(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM invalidations WHERE status = 'InProgress'");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** For each of these InProgress invalidations, the live nodes that have not purged it, by node id. */
    Map<String, List<String>> waitingFor(Connection c, List<String> ids, int liveSeconds) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT i.id, n.node_id FROM invalidations i JOIN edge_nodes n ON "
                + live(liveSeconds) + " WHERE i.id IN (" + Sql.placeholders(ids.size()) + ") AND NOT EXISTS "
                + "(SELECT 1 FROM invalidation_nodes d WHERE d.invalidation_id = i.id AND d.node_id = n.node_id) "
                + "ORDER BY i.id, n.node_id")) {
            for (int i = 0; i < ids.size(); i++) {
                ps.setString(i + 1, ids.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    private static Optional<Row> one(Connection c, String sql, String a, String b) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, a);
            ps.setString(2, b);
            List<Row> rows = rows(ps);
            return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
        }
    }

    private static List<Row> rows(PreparedStatement ps) throws SQLException {
        List<Row> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.add(new Row(rs.getString("id"), rs.getString("distribution_id"),
                        InvalidationStatus.valueOf(rs.getString("status")), Sql.instant(rs, "created_at"),
                        Optional.ofNullable(rs.getObject("completed_at", OffsetDateTime.class)).map(OffsetDateTime::toInstant),
                        Json.read(rs.getString("paths_json"), PATHS), rs.getString("caller_reference")));
            }
        }
        return out;
    }
}
