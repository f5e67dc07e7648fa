package io.edgecert.certificates;

import io.edgecert.serving.SealedMaterial;
import io.edgecert.certificates.x509.Warning;
import com.fasterxml.jackson.core.type.TypeReference;
import io.edgecert.json.Json;
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

/**
 * SQL for certificates, shared by H2 and PostgreSQL. Every method takes the connection so the
 * service decides the transaction. The encrypted key is read by its own method only: listing and
 * describing never load it.
 */
final class CertificateRepository {

    /** A certificate row without its key. */
    record Row(String id, String name, String domainName, List<String> sans, String subject, String issuer,
               String serial, KeyType keyType, String signatureAlgorithm, Instant notBefore, Instant notAfter,
               String fingerprintSha256, String certificatePem, String chainPem, boolean trusted,
               String trustStore, Usages usages, List<Warning> warnings, int materialVersion,
               Instant createdAt, Instant updatedAt) {
    }

    record Usages(List<String> keyUsages, List<String> extendedKeyUsages) {
    }

    /** Filters of the list call; all optional. */
    record Query(List<String> names, Optional<Instant> notAfterBefore, Optional<Instant> notAfterAfter,
                 Optional<Instant> notBeforeAfter, Optional<Instant> notBeforeBefore,
                 Optional<String> tagKey, Optional<String> tagValue, Optional<String> afterId, int limit) {
    }

    /** Columns that a reimport replaces, in binding order (see bindMaterial). */
    private static final List<String> MATERIAL_COLUMNS = List.of("domain_name", "sans_json", "subject", "issuer",
            "serial", "key_type", "signature_algorithm", "not_before", "not_after", "fingerprint_sha256",
            "certificate_pem", "chain_pem", "trusted", "trust_store", "usages_json", "warnings_json",
            "encrypted_key", "material_version", "updated_at");

    private static final String COLUMNS = "id, name, domain_name, sans_json, subject, issuer, serial, key_type, "
            + "signature_algorithm, not_before, not_after, fingerprint_sha256, certificate_pem, chain_pem, trusted, "
            + "trust_store, usages_json, warnings_json, material_version, created_at, updated_at";

    private static final String INSERT = "INSERT INTO certificates (" + String.join(", ", MATERIAL_COLUMNS)
            + ", id, name, created_at) VALUES (" + "?, ".repeat(MATERIAL_COLUMNS.size() + 2) + "?)";

    private static final String REPLACE_MATERIAL = "UPDATE certificates SET "
            + String.join(" = ?, ", MATERIAL_COLUMNS) + " = ? WHERE id = ? AND material_version = ?";

    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };
    private static final TypeReference<List<Warning>> WARNINGS = new TypeReference<>() { };

    void insert(Connection c, Row r, byte[] encryptedKey, List<String> names, Map<String, String> tags)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            int i = bindMaterial(ps, r, encryptedKey);
            ps.setString(i++, r.id());
            ps.setString(i++, r.name());
            ps.setObject(i, Sql.utc(r.createdAt()));
            ps.executeUpdate();
        }
        insertNames(c, r.id(), names);
        insertTags(c, r.id(), tags, 0);
    }

    /**
     * Binds MATERIAL_COLUMNS in order and returns the next parameter index. Insert and reimport
     * both use it, so the two cannot disagree on a column.
     */
    private static int bindMaterial(PreparedStatement ps, Row r, byte[] encryptedKey) throws SQLException {
        int i = 1;
        ps.setString(i++, r.domainName());
        ps.setString(i++, Json.write(r.sans()));
        ps.setString(i++, r.subject());
        ps.setString(i++, r.issuer());
        ps.setString(i++, r.serial());
        ps.setString(i++, r.keyType().name());
        ps.setString(i++, r.signatureAlgorithm());
        ps.setObject(i++, Sql.utc(r.notBefore()));
        ps.setObject(i++, Sql.utc(r.notAfter()));
        ps.setString(i++, r.fingerprintSha256());
        ps.setString(i++, r.certificatePem());
        ps.setString(i++, r.chainPem());
        ps.setBoolean(i++, r.trusted());
        ps.setString(i++, r.trustStore());
        ps.setString(i++, Json.write(r.usages()));
        ps.setString(i++, Json.write(r.warnings()));
        ps.setBytes(i++, encryptedKey);
        ps.setInt(i++, r.materialVersion());
        ps.setObject(i++, Sql.utc(r.updatedAt()));
        return i;
    }

    private static void insertNames(Connection c, String id, List<String> names) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO certificate_names (certificate_id, name) VALUES (?, ?)")) {
            for (String n : names) {
                ps.setString(1, id);
                ps.setString(2, n);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static void insertTags(Connection c, String id, Map<String, String> tags, int firstPosition)
            throws SQLException {
        if (tags.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO certificate_tags (certificate_id, tag_key, tag_value, position) VALUES (?, ?, ?, ?)")) {
            int pos = firstPosition;
            for (Map.Entry<String, String> t : tags.entrySet()) {
                ps.setString(1, id);
                ps.setString(2, t.getKey());
                ps.setString(3, t.getValue());
                ps.setInt(4, pos++);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * Replaces the material of a certificate (reimport), moving the old public parts to history.
     * The caller holds the row lock ({@link #lockForUpdate}), so {@code previous} is current; the
     * version check stays as a guard, and comes first so that a stale caller never writes history.
     * Returns false when the row had moved on.
     */
    boolean replaceMaterial(Connection c, Row previous, Row next, byte[] encryptedKey, List<String> names)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(REPLACE_MATERIAL)) {
            int i = bindMaterial(ps, next, encryptedKey);
            ps.setString(i++, next.id());
            ps.setInt(i, previous.materialVersion());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO certificate_history (certificate_id, "
                + "material_version, serial, fingerprint_sha256, domain_name, sans_json, issuer, not_before, not_after, "
                + "certificate_pem, replaced_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)")) {
            ps.setString(1, previous.id());
            ps.setInt(2, previous.materialVersion());
            ps.setString(3, previous.serial());
            ps.setString(4, previous.fingerprintSha256());
            ps.setString(5, previous.domainName());
            ps.setString(6, Json.write(previous.sans()));
            ps.setString(7, previous.issuer());
            ps.setObject(8, Sql.utc(previous.notBefore()));
            ps.setObject(9, Sql.utc(previous.notAfter()));
            ps.setString(10, previous.certificatePem());
            ps.setObject(11, Sql.utc(next.updatedAt()));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM certificate_names WHERE certificate_id = ?")) {
            ps.setString(1, next.id());
            ps.executeUpdate();
        }
        insertNames(c, next.id(), names);
        return true;
    }

    /**
     * Locks the certificate's row until the transaction ends and reads it. Everything that must
     * not interleave with a reimport (another reimport, a distribution choosing this certificate)
     * takes this lock first: {@code SELECT ... FROM certificates WHERE id = ? FOR UPDATE}, which
     * H2 and PostgreSQL both honour, across nodes on PostgreSQL.
     */
    Optional<Row> lockForUpdate(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates WHERE id = ? FOR UPDATE")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /**
     * Serialises quota checks (A14): the count and the insert that follows run one at a time,
     * on every node, while the caller's transaction holds this single row (V7__certificate_quota.sql).
     */
    void lockQuota(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM certificate_quota_lock WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new SQLException("certificate_quota_lock has lost its row (V7__certificate_quota.sql)");
            }
        }
    }

    Optional<Row> find(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM certificates WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        }
    }

    /** Sealed serving material (chain PEM and key ciphertext) of many certificates, read in chunks. */
    List<SealedMaterial> sealed(Connection c, Collection<String> ids) throws SQLException {
        List<String> all = List.copyOf(ids);
        List<SealedMaterial> out = new ArrayList<>(all.size());
        for (int from = 0; from < all.size(); from += 500) {
            List<String> chunk = all.subList(from, Math.min(all.size(), from + 500));
            try (PreparedStatement ps = c.prepareStatement("SELECT id, material_version, key_type, certificate_pem, "
                    + "chain_pem, encrypted_key FROM certificates WHERE id IN (" + Sql.placeholders(chunk.size()) + ")")) {
                for (int i = 0; i < chunk.size(); i++) {
                    ps.setString(i + 1, chunk.get(i));
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new SealedMaterial(rs.getString(1), rs.getInt(2),
                                rs.getString(3), rs.getString(4), rs.getString(5), rs.getBytes(6)));
                    }
                }
            }
        }
        return out;
    }

    List<Row> list(Connection c, Query q) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT ").append(COLUMNS).append(" FROM certificates WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (!q.names().isEmpty()) {
            sql.append(" AND id IN (SELECT certificate_id FROM certificate_names WHERE name IN (")
                    .append("?,".repeat(q.names().size() - 1)).append("?))");
            args.addAll(q.names());
        }
        q.notAfterBefore().ifPresent(t -> { sql.append(" AND not_after <= ?"); args.add(Sql.utc(t)); });
        q.notAfterAfter().ifPresent(t -> { sql.append(" AND not_after > ?"); args.add(Sql.utc(t)); });
        q.notBeforeAfter().ifPresent(t -> { sql.append(" AND not_before > ?"); args.add(Sql.utc(t)); });
        q.notBeforeBefore().ifPresent(t -> { sql.append(" AND not_before <= ?"); args.add(Sql.utc(t)); });
        if (q.tagKey().isPresent()) {
            sql.append(" AND id IN (SELECT certificate_id FROM certificate_tags WHERE tag_key = ?");
            args.add(q.tagKey().get());
            q.tagValue().ifPresent(v -> { sql.append(" AND tag_value = ?"); args.add(v); });
            sql.append(")");
        }
        q.afterId().ifPresent(id -> { sql.append(" AND id > ?"); args.add(id); });
        sql.append(" ORDER BY id LIMIT ").append(q.limit());
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
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

    /** Tags of several certificates at once, in their stored order. */
    Map<String, Map<String, String>> tags(Connection c, Collection<String> ids) throws SQLException {
        Map<String, Map<String, String>> out = new LinkedHashMap<>();
        if (ids.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT certificate_id, tag_key, tag_value FROM certificate_tags "
                + "WHERE certificate_id IN (" + "?,".repeat(ids.size() - 1) + "?) ORDER BY certificate_id, position")) {
            int i = 1;
            for (String id : ids) {
                ps.setString(i++, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new LinkedHashMap<>()).put(rs.getString(2), rs.getString(3));
                }
            }
        }
        return out;
    }

    /** Sets the whole tag set of one certificate (add and remove both end here). */
    void replaceTags(Connection c, String id, Map<String, String> tags) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM certificate_tags WHERE certificate_id = ?")) {
            ps.setString(1, id);
            ps.executeUpdate();
        }
        insertTags(c, id, tags, 0);
        touch(c, id);
    }

    private static void touch(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE certificates SET updated_at = ? WHERE id = ?")) {
            ps.setObject(1, Sql.utc(Instant.now()));
            ps.setString(2, id);
            ps.executeUpdate();
        }
    }

    List<Certificate.PreviousMaterial> history(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT material_version, serial, fingerprint_sha256, "
                + "domain_name, sans_json, issuer, not_before, not_after, replaced_at FROM certificate_history "
                + "WHERE certificate_id = ? ORDER BY material_version")) {
            ps.setString(1, id);
            List<Certificate.PreviousMaterial> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new Certificate.PreviousMaterial(rs.getInt(1), rs.getString(2), rs.getString(3),
                            rs.getString(4), Json.read(rs.getString(5), STRINGS), rs.getString(6), Sql.instant(rs, 7),
                            Sql.instant(rs, 8), Sql.instant(rs, 9)));
                }
            }
            return out;
        }
    }

    boolean delete(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM certificates WHERE id = ?")) {
            ps.setString(1, id);
            return ps.executeUpdate() == 1;
        }
    }

    /** Certificates whose not_after is in (after, atOrBefore], with no lower bound when after is empty. */
    long countNotAfter(Connection c, Optional<Instant> after, Instant atOrBefore) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificates WHERE not_after <= ?"
                + (after.isPresent() ? " AND not_after > ?" : ""))) {
            ps.setObject(1, Sql.utc(atOrBefore));
            if (after.isPresent()) {
                ps.setObject(2, Sql.utc(after.get()));
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /**
     * Counts by not_after in one pass over the not_after index up to the last bound: [0] at or
     * before bounds[0] (expired), [k] in (bounds[k-1], bounds[k]]. Conditional counts rather than a
     * computed bucket number: the same SQL on H2 and PostgreSQL, and no date arithmetic in either.
     */
    long[] countByExpiry(Connection c, List<Instant> bounds) throws SQLException {
        int n = bounds.size();
        StringBuilder sql = new StringBuilder("SELECT COUNT(CASE WHEN not_after <= ? THEN 1 END)");
        for (int k = 1; k < n; k++) {
            sql.append(", COUNT(CASE WHEN not_after > ? AND not_after <= ? THEN 1 END)");
        }
        sql.append(" FROM certificates WHERE not_after <= ?");
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            int i = 1;
            ps.setObject(i++, Sql.utc(bounds.get(0)));
            for (int k = 1; k < n; k++) {
                ps.setObject(i++, Sql.utc(bounds.get(k - 1)));
                ps.setObject(i++, Sql.utc(bounds.get(k)));
            }
            ps.setObject(i, Sql.utc(bounds.get(n - 1)));
            long[] counts = new long[n];
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                for (int k = 0; k < n; k++) {
                    counts[k] = rs.getLong(k + 1);
                }
            }
            return counts;
        }
    }

    long count(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM certificates");
             ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Row row(ResultSet rs) throws SQLException {
        return new Row(rs.getString("id"), rs.getString("name"), rs.getString("domain_name"),
                Json.read(rs.getString("sans_json"), STRINGS), rs.getString("subject"), rs.getString("issuer"),
                rs.getString("serial"), KeyType.valueOf(rs.getString("key_type")), rs.getString("signature_algorithm"),
                Sql.instant(rs, "not_before"), Sql.instant(rs, "not_after"), rs.getString("fingerprint_sha256"),
                rs.getString("certificate_pem"), rs.getString("chain_pem"), rs.getBoolean("trusted"),
                rs.getString("trust_store"), Json.read(rs.getString("usages_json"), Usages.class),
                Json.read(rs.getString("warnings_json"), WARNINGS), rs.getInt("material_version"),
                Sql.instant(rs, "created_at"), Sql.instant(rs, "updated_at"));
    }
}
