package io.edgecert.jobs;

import com.fasterxml.jackson.core.type.TypeReference;
import io.edgecert.certificates.SealedSubmission;
import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import io.edgecert.store.Sql;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** SQL of the jobs part; every method runs on the caller's connection and transaction. */
final class JobRepository {
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    record JobRow(String id, String type, JobStatus status, JobOptions options, int itemCount, Optional<String> error,
                  Instant createdAt, Optional<Instant> startedAt, Optional<Instant> finishedAt, Optional<String> claimedBy,
                  boolean rollbackPending) {
        JobRow withError(String e) {
            return new JobRow(id, type, status, options, itemCount, Optional.of(e), createdAt, startedAt, finishedAt,
                    claimedBy, rollbackPending);
        }
    }

    record StepRow(int position, StepName name, StepStatus status) {
    }

    /** One item; material columns are filled only when the runner asks for them. */
    record ItemRow(int index, Optional<String> name, ItemStatus status, String keySummary, String certificateId,
                   Optional<String> distributionId, Optional<String> distributionDomainName, List<String> aliases,
                   Optional<Job.ItemError> error, int attempts, Optional<Material> material) {
    }

    /** What an item was submitted with, sealed; empty once the item left PENDING (the key is gone then). */
    record Material(Optional<SealedSubmission> sealed) {
    }

    /** An item as submitted, ready to be written. */
    record NewItem(int index, Optional<String> name, SealedSubmission sealed,
                   String keySummary, List<String> aliases, String certificateId,
                   Optional<String> distributionId) {
    }

    private static final String JOB_COLUMNS = "id, type, status, options_json, item_count, error, created_at, started_at, "
            + "finished_at, claimed_by, rollback_pending";
    private static final String ITEM_COLUMNS = "idx, name, status, key_summary, certificate_id, distribution_id, "
            + "distribution_domain_name, aliases_json, error_step, error_code, error_message, attempts";

    void insertJob(Connection c, String id, String type, JobOptions options, List<StepName> steps, List<NewItem> items,
                   Instant now) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO jobs (id, type, status, options_json, item_count, created_at) "
                + "VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setString(1, id);
            ps.setString(2, type);
            ps.setString(3, JobStatus.PENDING.name());
            ps.setString(4, Json.write(options));
            ps.setInt(5, items.size());
            ps.setObject(6, Sql.utc(now));
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_steps (job_id, position, name, status) VALUES (?, ?, ?, ?)")) {
            for (int i = 0; i < steps.size(); i++) {
                ps.setString(1, id);
                ps.setInt(2, i);
                ps.setString(3, steps.get(i).name());
                ps.setString(4, StepStatus.PENDING.name());
                ps.addBatch();
            }
            ps.executeBatch();
        }
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO job_items (job_id, idx, name, status, certificate_pem, "
                + "chain_pem, encrypted_key, key_summary, certificate_id, distribution_id, analysis_json, aliases_json) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            int batched = 0;
            for (NewItem item : items) {
                ps.setString(1, id);
                ps.setInt(2, item.index());
                ps.setString(3, item.name().orElse(null));
                ps.setString(4, ItemStatus.PENDING.name());
                ps.setString(5, item.sealed().certificatePem());
                ps.setString(6, item.sealed().chainPem().orElse(null));
                ps.setBytes(7, item.sealed().sealedKey());
                ps.setString(8, item.keySummary());
                ps.setString(9, item.certificateId());
                ps.setString(10, item.distributionId().orElse(null));
                ps.setString(11, Json.write(item.sealed().analysis()));
                ps.setString(12, Json.write(item.aliases()));
                ps.addBatch();
                if (++batched % 500 == 0) {
                    ps.executeBatch();
                }
            }
            ps.executeBatch();
        }
    }

    Optional<JobRow> findJob(Connection c, String id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + JOB_COLUMNS + " FROM jobs WHERE id = ?")) {
            ps.setString(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(job(rs)) : Optional.empty();
            }
        }
    }

    /** Jobs by status (statuses without a job are absent). */
    java.util.Map<JobStatus, Long> countByStatus(Connection c) throws SQLException {
        java.util.Map<JobStatus, Long> out = new java.util.EnumMap<>(JobStatus.class);
        try (PreparedStatement ps = c.prepareStatement("SELECT status, count(*) FROM jobs GROUP BY status");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                out.put(JobStatus.valueOf(rs.getString(1)), rs.getLong(2));
            }
        }
        return out;
    }

    List<JobRow> listJobs(Connection c, Optional<String> after, Optional<JobStatus> status, Optional<Instant> createdFrom,
                          Optional<Instant> createdTo, int limit) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT " + JOB_COLUMNS + " FROM jobs WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        // Newest first: ids are time-ordered, so the cursor is the last id seen.
        after.ifPresent(a -> { sql.append(" AND id < ?"); args.add(a); });
        status.ifPresent(s -> { sql.append(" AND status = ?"); args.add(s.name()); });
        createdFrom.ifPresent(t -> { sql.append(" AND created_at >= ?"); args.add(Sql.utc(t)); });
        createdTo.ifPresent(t -> { sql.append(" AND created_at < ?"); args.add(Sql.utc(t)); });
        sql.append(" ORDER BY id DESC LIMIT ").append(limit);
        try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
            for (int i = 0; i < args.size(); i++) {
                ps.setObject(i + 1, args.get(i));
            }
            List<JobRow> rows = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(job(rs));
                }
            }
            return rows;
        }
    }

    List<StepRow> steps(Connection c, String jobId) throws SQLException {
        return steps(c, List.of(jobId)).getOrDefault(jobId, List.of());
    }

    /** The steps of several jobs in one query (a page of the job list), by job id. */
    Map<String, List<StepRow>> steps(Connection c, List<String> jobIds) throws SQLException {
        Map<String, List<StepRow>> out = new HashMap<>();
        if (jobIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT job_id, position, name, status FROM job_steps WHERE job_id IN ("
                + placeholders(jobIds.size()) + ") ORDER BY job_id, position")) {
            bind(ps, jobIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                            .add(new StepRow(rs.getInt(2), StepName.valueOf(rs.getString(3)), StepStatus.valueOf(rs.getString(4))));
                }
            }
        }
        return out;
    }

    /** Item counts by status, and failures by the step they failed in. */
    record Counts(Map<ItemStatus, Integer> byStatus, Map<StepName, Integer> failedIn) {
        static final Counts NONE = new Counts(Map.of(), Map.of());

        int at(ItemStatus s) {
            return byStatus.getOrDefault(s, 0);
        }
    }

    Counts counts(Connection c, String jobId) throws SQLException {
        return counts(c, List.of(jobId)).getOrDefault(jobId, Counts.NONE);
    }

    /** The counts of several jobs in one query, by job id (a job without items is absent). */
    Map<String, Counts> counts(Connection c, List<String> jobIds) throws SQLException {
        Map<String, Counts> out = new HashMap<>();
        if (jobIds.isEmpty()) {
            return out;
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT job_id, status, error_step, count(*) FROM job_items "
                + "WHERE job_id IN (" + placeholders(jobIds.size()) + ") GROUP BY job_id, status, error_step")) {
            bind(ps, jobIds);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Counts counts = out.computeIfAbsent(rs.getString(1),
                            k -> new Counts(new EnumMap<>(ItemStatus.class), new EnumMap<>(StepName.class)));
                    counts.byStatus().merge(ItemStatus.valueOf(rs.getString(2)), rs.getInt(4), Integer::sum);
                    if (rs.getString(3) != null) {
                        counts.failedIn().merge(StepName.valueOf(rs.getString(3)), rs.getInt(4), Integer::sum);
                    }
                }
            }
        }
        return out;
    }

    private static String placeholders(int n) {
        return String.join(", ", java.util.Collections.nCopies(n, "?"));
    }

    private static void bind(PreparedStatement ps, List<String> values) throws SQLException {
        for (int i = 0; i < values.size(); i++) {
            ps.setString(i + 1, values.get(i));
        }
    }

    List<ItemRow> items(Connection c, String jobId, int offset, int limit, boolean withMaterial) throws SQLException {
        String columns = ITEM_COLUMNS + (withMaterial ? ", certificate_pem, chain_pem, encrypted_key, analysis_json" : "");
        try (PreparedStatement ps = c.prepareStatement("SELECT " + columns + " FROM job_items WHERE job_id = ? "
                + "AND idx >= ? ORDER BY idx LIMIT " + limit)) {
            ps.setString(1, jobId);
            ps.setInt(2, offset);
            ps.setFetchSize(Math.min(limit, 1000));
            List<ItemRow> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(item(rs, withMaterial));
                }
            }
            return out;
        }
    }

    // ---- claiming ------------------------------------------------------------------------------

    /** Jobs that need a runner: not finished, and not leased by a live other node. */
    List<String> runnable(Connection c, String nodeId, int limit) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM jobs WHERE status IN ('PENDING', 'RUNNING') "
                + "AND (lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP OR claimed_by = ?) ORDER BY created_at LIMIT " + limit)) {
            ps.setString(1, nodeId);
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
     * Takes the lease and returns its epoch, a number no earlier holder had. The conditions are in
     * the UPDATE itself, so of two nodes racing for one job exactly one gets a row (PostgreSQL
     * re-checks them after the row lock).
     */
    OptionalLong claim(Connection c, String jobId, String nodeId, int seconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET claimed_by = ?, lease_epoch = lease_epoch + 1, "
                + "lease_until = CURRENT_TIMESTAMP + INTERVAL '" + seconds + "' SECOND WHERE id = ? "
                + "AND status IN ('PENDING', 'RUNNING') "
                + "AND (lease_until IS NULL OR lease_until < CURRENT_TIMESTAMP OR claimed_by = ?)")) {
            ps.setString(1, nodeId);
            ps.setString(2, jobId);
            ps.setString(3, nodeId);
            if (ps.executeUpdate() != 1) {
                return OptionalLong.empty();
            }
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT lease_epoch FROM jobs WHERE id = ?")) {
            ps.setString(1, jobId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return OptionalLong.of(rs.getLong(1));
            }
        }
    }

    /** Extends a lease that is still this holder's and has not lapsed; false means it is lost. */
    boolean renew(Connection c, String jobId, String nodeId, long epoch, int seconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET lease_until = CURRENT_TIMESTAMP + INTERVAL '"
                + seconds + "' SECOND WHERE id = ? AND claimed_by = ? AND lease_epoch = ? "
                + "AND lease_until >= CURRENT_TIMESTAMP AND status IN ('PENDING', 'RUNNING')")) {
            ps.setString(1, jobId);
            ps.setString(2, nodeId);
            ps.setLong(3, epoch);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The fence of every result write: true if this holder still has the job. It locks the job
     * row, so a takeover (which updates that row) waits for the write's commit or is seen by it.
     * {@code shared} is for the item workers' creates, which run side by side and never update the
     * job row (so no share lock is ever upgraded, which could deadlock); H2 has no FOR SHARE, its
     * creates of one job then take turns, as its single file mostly makes them anyway.
     */
    boolean holds(Connection c, String jobId, String nodeId, long epoch, boolean shared) throws SQLException {
        String lock = shared && c.getMetaData().getDatabaseProductName().equals("PostgreSQL") ? "FOR SHARE" : "FOR UPDATE";
        try (PreparedStatement ps = c.prepareStatement("SELECT id FROM jobs WHERE id = ? AND claimed_by = ? "
                + "AND lease_epoch = ? " + lock)) {
            ps.setString(1, jobId);
            ps.setString(2, nodeId);
            ps.setLong(3, epoch);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    void release(Connection c, String jobId, String nodeId, long epoch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET claimed_by = NULL, lease_until = NULL "
                + "WHERE id = ? AND claimed_by = ? AND lease_epoch = ?")) {
            ps.setString(1, jobId);
            ps.setString(2, nodeId);
            ps.setLong(3, epoch);
            ps.executeUpdate();
        }
    }

    // ---- state changes -------------------------------------------------------------------------

    void jobStatus(Connection c, String jobId, JobStatus status, Optional<String> error, Instant now) throws SQLException {
        String time = status == JobStatus.RUNNING ? "started_at = coalesce(started_at, ?)"
                : "finished_at = ?, rollback_pending = FALSE";
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET status = ?, error = ?, " + time + " WHERE id = ?")) {
            ps.setString(1, status.name());
            ps.setString(2, error.orElse(null));
            ps.setObject(3, Sql.utc(now));
            ps.setString(4, jobId);
            ps.executeUpdate();
        }
    }

    /** The job failed and must remove what it created before it ends (CLEANED_UP). */
    void rollbackPending(Connection c, String jobId, String error) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE jobs SET rollback_pending = TRUE, error = ? WHERE id = ?")) {
            ps.setString(1, error);
            ps.setString(2, jobId);
            ps.executeUpdate();
        }
    }

    void stepStatus(Connection c, String jobId, StepName step, StepStatus status, Instant now) throws SQLException {
        String time = status == StepStatus.RUNNING ? "started_at = coalesce(started_at, ?)" : "finished_at = ?";
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_steps SET status = ?, " + time + " WHERE job_id = ? AND name = ?")) {
            ps.setString(1, status.name());
            ps.setObject(2, Sql.utc(now));
            ps.setString(3, jobId);
            ps.setString(4, step.name());
            ps.executeUpdate();
        }
    }

    /** The certificate exists now: the job's copy of the key is no longer needed, so it goes. */
    void imported(Connection c, String jobId, int index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET status = ?, encrypted_key = NULL, attempts = 0 "
                + "WHERE job_id = ? AND idx = ? AND status = ?")) {
            ps.setString(1, ItemStatus.IMPORTED.name());
            ps.setString(2, jobId);
            ps.setInt(3, index);
            ps.setString(4, ItemStatus.PENDING.name());
            ps.executeUpdate();
        }
    }

    void distributed(Connection c, String jobId, int index, String domainName) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET status = ?, distribution_domain_name = ? "
                + "WHERE job_id = ? AND idx = ? AND status = ?")) {
            ps.setString(1, ItemStatus.DISTRIBUTED.name());
            ps.setString(2, domainName);
            ps.setString(3, jobId);
            ps.setInt(4, index);
            ps.setString(5, ItemStatus.IMPORTED.name());
            ps.executeUpdate();
        }
    }

    /** One more failed attempt of an item still in {@code status}. */
    void attempted(Connection c, String jobId, int index, ItemStatus status) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET attempts = attempts + 1 "
                + "WHERE job_id = ? AND idx = ? AND status = ?")) {
            ps.setString(1, jobId);
            ps.setInt(2, index);
            ps.setString(3, status.name());
            ps.executeUpdate();
        }
    }

    /** Counts that the step's work starts on the items in {@code status} between the two indexes. */
    void started(Connection c, String jobId, StepName step, int from, int to, ItemStatus status) throws SQLException {
        String column = switch (step) {
            case IMPORT_CERTIFICATES -> "import_runs";
            case CREATE_DISTRIBUTIONS -> "distribute_runs";
        };
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET " + column + " = " + column + " + 1 "
                + "WHERE job_id = ? AND idx >= ? AND idx <= ? AND status = ?")) {
            ps.setString(1, jobId);
            ps.setInt(2, from);
            ps.setInt(3, to);
            ps.setString(4, status.name());
            ps.executeUpdate();
        }
    }

    /** Moves every item in {@code from} to {@code to} (e.g. all DISTRIBUTED items to SUCCEEDED). */
    void moveAll(Connection c, String jobId, ItemStatus from, ItemStatus to) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET status = ? WHERE job_id = ? AND status = ?")) {
            ps.setString(1, to.name());
            ps.setString(2, jobId);
            ps.setString(3, from.name());
            ps.executeUpdate();
        }
    }

    /** The item, still in {@code from} (the step's input status), failed in the step. */
    void failed(Connection c, String jobId, int index, ItemStatus from, StepName step, ErrorCode code, String message)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET status = ?, error_step = ?, error_code = ?, "
                + "error_message = ?, encrypted_key = NULL, attempts = attempts + 1 WHERE job_id = ? AND idx = ? AND status = ?")) {
            ps.setString(1, ItemStatus.FAILED.name());
            ps.setString(2, step.name());
            ps.setString(3, code.name());
            ps.setString(4, message);
            ps.setString(5, jobId);
            ps.setInt(6, index);
            ps.setString(7, from.name());
            ps.executeUpdate();
        }
    }

    void cleanedUp(Connection c, String jobId, int index) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE job_items SET status = ?, encrypted_key = NULL "
                + "WHERE job_id = ? AND idx = ?")) {
            ps.setString(1, ItemStatus.CLEANED_UP.name());
            ps.setString(2, jobId);
            ps.setInt(3, index);
            ps.executeUpdate();
        }
    }

    // ---- mapping -------------------------------------------------------------------------------

    private static JobRow job(ResultSet rs) throws SQLException {
        return new JobRow(rs.getString("id"), rs.getString("type"), JobStatus.valueOf(rs.getString("status")),
                Json.read(rs.getString("options_json"), JobOptions.class), rs.getInt("item_count"),
                Optional.ofNullable(rs.getString("error")), Sql.instant(rs, "created_at"),
                optionalInstant(rs, "started_at"), optionalInstant(rs, "finished_at"),
                Optional.ofNullable(rs.getString("claimed_by")), rs.getBoolean("rollback_pending"));
    }

    private static ItemRow item(ResultSet rs, boolean withMaterial) throws SQLException {
        Optional<Job.ItemError> error = rs.getString("error_code") == null ? Optional.empty()
                : Optional.of(new Job.ItemError(StepName.valueOf(rs.getString("error_step")),
                ErrorCode.valueOf(rs.getString("error_code")), rs.getString("error_message")));
        String aliases = rs.getString("aliases_json");
        byte[] sealedKey = withMaterial ? rs.getBytes("encrypted_key") : null;
        Optional<Material> material = withMaterial
                ? Optional.of(new Material(sealedKey == null ? Optional.empty() : Optional.of(new SealedSubmission(
                rs.getString("certificate_pem"), Optional.ofNullable(rs.getString("chain_pem")), sealedKey,
                Json.read(rs.getString("analysis_json"), SealedSubmission.Analysis.class)))))
                : Optional.empty();
        return new ItemRow(rs.getInt("idx"), Optional.ofNullable(rs.getString("name")), ItemStatus.valueOf(rs.getString("status")),
                rs.getString("key_summary"), rs.getString("certificate_id"), Optional.ofNullable(rs.getString("distribution_id")),
                Optional.ofNullable(rs.getString("distribution_domain_name")),
                aliases == null ? List.of() : Json.read(aliases, STRINGS), error, rs.getInt("attempts"), material);
    }

    private static Optional<Instant> optionalInstant(ResultSet rs, String column) throws SQLException {
        return rs.getObject(column) == null ? Optional.empty() : Optional.of(Sql.instant(rs, column));
    }
}
