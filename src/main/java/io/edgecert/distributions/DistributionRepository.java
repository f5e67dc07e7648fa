package io.edgecert.distributions;

import io.edgecert.json.Json;
import io.edgecert.serving.RoutesFingerprint;
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

/** SQL of the distributions part; every method runs on the caller's connection and transaction. */
final class DistributionRepository {
    /** The current row of a distribution with its current config. */
    record Row(String id, String domainName, int version, DistributionConfig config, long changeSeq,
               Instant createdAt, Instant updatedAt) {
    }

    /** One distribution as the edge sees it; disabled ones are listed so the edge can drop them. */
    record Served(String id, int version, String domainName, DistributionConfig config, int certificateVersion,
                  long changeSeq, boolean enabled) {
    }

    /** Written by an insert until {@link #stampChange} gives the row its number, in the same transaction. */
    private static final long UNSTAMPED = 0;

    private static final String SELECT_CURRENT = "SELECT d.id, d.domain_name, d.current_version, d.change_seq, "
            + "d.created_at, d.updated_at, v.config_json FROM distributions d JOIN distribution_versions v "
            + "ON v.distribution_id = d.id AND v.version = d.current_version";

    void insert(Connection c, String id, String domainName, DistributionConfig config, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO distributions (id, domain_name, current_version, "
                + "certificate_id, enabled, change_seq, created_at, updated_at) "
                + "VALUES (?, ?, 1, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, domainName);
            ps.setString(3, config.certificateId().orElse(null));
            ps.setBoolean(4, config.enabled());
            ps.setLong(5, UNSTAMPED);
            ps.setObject(6, Sql.utc(now));
            ps.setObject(7, Sql.utc(now));
            ps.executeUpdate();
        }
        insertVersion(c, id, 1, config, now);
        insertAliases(c, id, config.aliases());
        insertPolicyRefs(c, id, config);
    }

    /**
     * Moves a distribution to the next version if it is still at {@code expectedVersion}; the
     * caller then stamps the change ({@link #stampChange}).
     */
    boolean update(Connection c, String id, int expectedVersion, DistributionConfig config, Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE distributions SET current_version = ?, certificate_id = ?, "
                + "enabled = ?, updated_at = ? WHERE id = ? AND current_version = ?")) {
            ps.setInt(1, expectedVersion + 1);
            ps.setString(2, config.certificateId().orElse(null));
            ps.setBoolean(3, config.enabled());
            ps.setObject(4, Sql.utc(now));
            ps.setString(5, id);
            ps.setInt(6, expectedVersion);
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        insertVersion(c, id, expectedVersion + 1, config, now);
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM distribution_aliases WHERE distribution_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        insertAliases(c, id, config.aliases());
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM distribution_policy_refs WHERE distribution_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        insertPolicyRefs(c, id, config);
        return true;
    }

    /** The policies the current config names (managed ones too), for in-use checks and redeploys. */
    private static void insertPolicyRefs(Connection c, String id, DistributionConfig config) throws SQLException {
        List<String> ids = CdnRules.policyRefs(config).stream().map(CdnRules.PolicyRef::id).distinct().toList();
        if (ids.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO distribution_policy_refs (distribution_id, policy_id) "
                + "VALUES (?, ?)")) {
            for (String p : ids) {
                ps.setString(1, id);
                ps.setString(2, p);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Distributions whose current config names the policy, their rows locked (before the change counter). */
    List<String> lockUsersOfPolicy(Connection c, String policyId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM distributions WHERE id IN (SELECT distribution_id "
                + "FROM distribution_policy_refs WHERE policy_id = ?) ORDER BY id FOR UPDATE")) {
            ps.setString(1, policyId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    private static void insertVersion(Connection c, String id, int version, DistributionConfig config, Instant now)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO distribution_versions (distribution_id, version, "
                + "config_json, created_at) VALUES (?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setInt(2, version);
            ps.setString(3, Json.write(config));
            ps.setObject(4, Sql.utc(now));
            ps.executeUpdate();
        }
    }

    private static void insertAliases(Connection c, String id, List<String> aliases) throws SQLException {
        if (aliases.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO distribution_aliases (alias, distribution_id) VALUES (?, ?)")) {
            for (String a : aliases) {
                ps.setString(1, a);
                ps.setString(2, id);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** Which distribution holds each of these aliases, if any. */
    Map<String, String> aliasOwners(Connection c, Collection<String> aliases) throws SQLException {
        Map<String, String> owners = new LinkedHashMap<>();
        List<String> all = new ArrayList<>(aliases);
        // Chunks keep every statement under PostgreSQL's bind-parameter limit, whatever the caller asks.
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT alias, distribution_id FROM distribution_aliases "
                    + "WHERE alias IN (" + Sql.placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
        }
        return owners;
    }

    Optional<Row> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(SELECT_CURRENT + " WHERE d.id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** A page in id order (ids are time-ordered UUIDv7), optionally only users of one certificate. */
    List<Row> list(Connection c, Optional<String> after, Optional<String> certificateId, Optional<String> alias, int limit)
            throws SQLException {
        StringBuilder sql = new StringBuilder(SELECT_CURRENT).append(" WHERE 1 = 1");
        List<String> args = new ArrayList<>();
        after.ifPresent(a -> { sql.append(" AND d.id > ?"); args.add(a); });
        certificateId.ifPresent(id -> { sql.append(" AND d.certificate_id = ?"); args.add(id); });
        alias.ifPresent(a -> {
            sql.append(" AND d.id IN (SELECT distribution_id FROM distribution_aliases WHERE alias = ?)");
            args.add(a);
        });
        sql.append(" ORDER BY d.id LIMIT ").append(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setString(i + 1, args.get(i));
            }
            List<Row> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(row(rs));
                }
            }
            return rows;
        }
    }

    List<DistributionVersion> versions(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT version, config_json, created_at FROM distribution_versions "
                + "WHERE distribution_id = ? ORDER BY version")) {
            ps.setString(1, id);
            List<DistributionVersion> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new DistributionVersion(rs.getInt(1), Json.read(rs.getString(2), DistributionConfig.class),
                            Sql.instant(rs, 3)));
                }
            }
            return out;
        }
    }

    boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM distributions WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Distribution ids per certificate, for the certificates part (C6, inUseBy). */
    Map<String, List<String>> usersOf(Connection c, Collection<String> certificateIds) throws SQLException {
        Map<String, List<String>> users = new LinkedHashMap<>();
        if (certificateIds.isEmpty()) {
            return users;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT certificate_id, id FROM distributions WHERE certificate_id IN ("
                + Sql.placeholders(certificateIds.size()) + ") ORDER BY id")) {
            int i = 1;
            for (String id : certificateIds) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    users.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return users;
    }

    /** Aliases of every distribution using the certificate (rule B7). */
    Map<String, List<String>> aliasesOfUsers(Connection c, String certificateId) throws SQLException {
        Map<String, List<String>> out = new LinkedHashMap<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT a.distribution_id, a.alias FROM distribution_aliases a "
                + "JOIN distributions d ON d.id = a.distribution_id WHERE d.certificate_id = ? ORDER BY a.distribution_id, a.alias")) {
            ps.setString(1, certificateId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                }
            }
        }
        return out;
    }

    /**
     * A reimport changes what the users of the certificate serve: their rows are locked here
     * (before the change counter, the order every writer keeps) and stamped by the caller.
     */
    List<String> lockUsersOf(Connection c, String certificateId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM distributions WHERE certificate_id = ? FOR UPDATE")) {
            ps.setString(1, certificateId);
            List<String> ids = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
            return ids;
        }
    }

    /**
     * Gives these distributions (written, hence locked, earlier in this transaction) the next
     * change number. Must be the transaction's last work: the counter row stays locked until
     * commit, so numbers are taken in commit order and a rolled-back one is taken again. The
     * rows are already this transaction's, so nothing here waits but the counter itself.
     */
    long stampChange(Connection c, Collection<String> ids) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE edge_change_counter SET last_seq = last_seq + 1 WHERE id = 1")) {
            ps.executeUpdate();
        }
        long seq;
        try (PreparedStatement ps = c.prepareStatement("SELECT last_seq FROM edge_change_counter WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            seq = rs.getLong(1);
        }
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("UPDATE distributions SET change_seq = ? WHERE id IN ("
                    + Sql.placeholders(chunk.size()) + ")")) {
                ps.setLong(1, seq);
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 2, chunk.get(i));
                }
                ps.executeUpdate();
            }
        }
        return seq;
    }

    /** The newest change among these distributions (0 when none exists). */
    long maxChangeSeq(Connection c, Collection<String> ids) throws SQLException {
        long max = 0;
        List<String> all = new ArrayList<>(ids);
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT coalesce(max(change_seq), 0) FROM distributions WHERE id IN ("
                    + Sql.placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    max = Math.max(max, rs.getLong(1));
                }
            }
        }
        return max;
    }

    /** All distributions, and those with a change after {@code appliedByAll} (InProgress, as view() says). */
    DistributionService.Counts counts(Connection c, long appliedByAll) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT count(*), count(CASE WHEN change_seq > ? THEN 1 END) FROM distributions")) {
            ps.setLong(1, appliedByAll);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new DistributionService.Counts(rs.getLong(1), rs.getLong(2));
            }
        }
    }

    // ---- what the edge serves ------------------------------------------------------------------

    /**
     * Cheap summary that changes whenever anything an edge serves changes: every change takes a
     * new, larger change_seq (in commit order, see {@link #stampChange}), so max and sum move.
     */
    RoutesFingerprint fingerprint(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(max(change_seq), 0), "
                + "coalesce(sum(change_seq), 0) FROM distributions");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return new RoutesFingerprint(rs.getLong(1), rs.getLong(2), rs.getLong(3));
        }
    }

    /**
     * Distributions changed after {@code afterSeq} (all of them for -1), disabled ones included so
     * the edge can drop them. Ordered by change_seq.
     */
    List<Served> changedSince(Connection c, long afterSeq) throws SQLException {
        return served(c, "SELECT d.id, d.current_version, d.domain_name, v.config_json, "
                + "coalesce(cert.material_version, 0), d.change_seq, d.enabled FROM distributions d "
                + "JOIN distribution_versions v ON v.distribution_id = d.id AND v.version = d.current_version "
                + "LEFT JOIN certificates cert ON cert.id = d.certificate_id WHERE d.change_seq > ? ORDER BY d.change_seq",
                afterSeq);
    }

    /**
     * Every distribution with certificate version 0, for a node's first load: that load reads every
     * certificate's material, version included, anyway, and each certificate row holds its PEM and
     * key (H2, 10,000 distributions: the join to certificates was 200-500 of a 350-660 ms read).
     */
    List<Served> allForFirstLoad(Connection c) throws SQLException {
        return served(c, "SELECT d.id, d.current_version, d.domain_name, v.config_json, 0, d.change_seq, d.enabled "
                + "FROM distributions d JOIN distribution_versions v ON v.distribution_id = d.id AND v.version = d.current_version "
                + "WHERE d.change_seq > ? ORDER BY d.change_seq", -1);
    }

    private static List<Served> served(Connection c, String sql, long afterSeq) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setLong(1, afterSeq);
            ps.setFetchSize(1000);
            List<Served> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Served(rs.getString(1), rs.getInt(2), rs.getString(3),
                            Json.read(rs.getString(4), DistributionConfig.class), rs.getInt(5), rs.getLong(6),
                            rs.getBoolean(7)));
                }
            }
            return out;
        }
    }

    // ---- edge nodes ------------------------------------------------------------------------------

    /** Returns true when the node's applied change moved (or the node is new), false for a mere heartbeat. */
    boolean heartbeat(Connection c, String nodeId, String host, long appliedSeq) throws SQLException {
        // the usual case first: nothing applied since the last beat, one statement
        try (PreparedStatement ps = c.prepareStatement("UPDATE edge_nodes SET heartbeat_at = CURRENT_TIMESTAMP "
                + "WHERE node_id = ? AND applied_seq = ?")) {
            ps.setString(1, nodeId);
            ps.setLong(2, appliedSeq);
            if (ps.executeUpdate() == 1) {
                return false;
            }
        }
        try (PreparedStatement ps = c.prepareStatement(
                "UPDATE edge_nodes SET applied_seq = ?, heartbeat_at = CURRENT_TIMESTAMP WHERE node_id = ?")) {
            ps.setLong(1, appliedSeq);
            ps.setString(2, nodeId);
            if (ps.executeUpdate() == 1) {
                return true;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO edge_nodes (node_id, host, applied_seq, started_at, "
                + "heartbeat_at) VALUES (?, ?, ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)")) {
            ps.setString(1, nodeId);
            ps.setString(2, host);
            ps.setLong(3, appliedSeq);
            ps.executeUpdate();
        }
        return true;
    }

    /** True when the node was known. */
    boolean forgetNode(Connection c, String nodeId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM edge_nodes WHERE node_id = ?")) {
            ps.setString(1, nodeId);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The oldest change every live node has applied, or -1 when no node is alive. A node is alive
     * when it reported within {@code liveSeconds} by the database's clock.
     */
    long appliedByAllLiveNodes(Connection c, int liveSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT count(*), coalesce(min(applied_seq), -1) FROM edge_nodes "
                + "WHERE heartbeat_at > CURRENT_TIMESTAMP - INTERVAL '" + liveSeconds + "' SECOND");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1) == 0 ? -1 : rs.getLong(2);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("domain_name"), rs.getInt("current_version"),
                Json.read(rs.getString("config_json"), DistributionConfig.class), rs.getLong("change_seq"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
