package io.edgecert.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.edgecert.config.ConfigException;

import javax.sql.DataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Optional;

/**
 * The one database of a node: embedded H2 in the data dir by default, shared PostgreSQL when the
 * URL says so. The same Flyway migrations run on both, so SQL in migrations and repositories sticks
 * to what both understand.
 */
public final class Database implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Database.class);

    public enum Kind { H2, POSTGRESQL }

    private final HikariDataSource dataSource;
    private final Kind kind;
    private final ChangeSignals signals;

    private Database(HikariDataSource dataSource, Kind kind, ChangeSignals signals) {
        this.dataSource = dataSource;
        this.kind = kind;
        this.signals = signals;
    }

    /**
     * Opens (and migrates) the database.
     *
     * @param url a jdbc:postgresql: URL, or empty for H2 under dataDir
     */
    public static Database open(Optional<String> url, Optional<String> user, Optional<String> password, Path dataDir) {
        HikariConfig hc = new HikariConfig();
        Kind kind;
        if (url.isPresent()) {
            String u = url.get();
            if (!u.startsWith("jdbc:postgresql:") && !u.startsWith("jdbc:h2:")) {
                throw new IllegalArgumentException("EDGECERT_DB_URL must be a jdbc:postgresql:// URL (or jdbc:h2: for tests), got "
                        + shown(u));
            }
            kind = u.startsWith("jdbc:postgresql:") ? Kind.POSTGRESQL : Kind.H2;
            requireReachable(u, user, password);
            hc.setJdbcUrl(u);
            user.ifPresent(hc::setUsername);
            password.ifPresent(hc::setPassword);
        } else {
            kind = Kind.H2;
            // MODE=PostgreSQL keeps the SQL dialect honest; the file lives in the data dir.
            // WRITE_DELAY=0: a commit reaches the file before it returns (H2's default batches
            // commits for 500 ms, and kill -9 then loses acknowledged work: JobDurabilityTest).
            // DB_CLOSE_ON_EXIT=FALSE: our shutdown hook closes the pool after the last write.
            // LOCK_TIMEOUT=10000: reimports and quota checks queue on row locks (SELECT ... FOR
            // UPDATE); H2's default of 1 s fails a short queue on a busy machine, PostgreSQL waits.
            hc.setJdbcUrl("jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("edgecert")
                    + ";MODE=PostgreSQL;DATABASE_TO_LOWER=TRUE;DEFAULT_NULL_ORDERING=HIGH;WRITE_DELAY=0;DB_CLOSE_ON_EXIT=FALSE"
                    + ";LOCK_TIMEOUT=10000");
            hc.setUsername("sa");
            hc.setPassword("");
        }
        // Ten connections: two cores serve the API and a few background loops; more connections
        // only add contention on H2's single file (measured with bench/import, see README).
        hc.setMaximumPoolSize(kind == Kind.H2 ? 10 : 16);
        hc.setPoolName("edgecert-db");
        hc.setAutoCommit(true);
        HikariDataSource ds = new HikariDataSource(hc);
        boolean migrated;
        try {
            migrated = Migrations.migrate(ds);
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        log.info("Database ready: {}{}", kind == Kind.H2 ? "embedded H2 in " + dataDir.toAbsolutePath() : "PostgreSQL",
                migrated ? " (migrated)" : "");
        return new Database(ds, kind, new ChangeSignals(kind, url, user, password));
    }

    /**
     * One plain connection first: the pool would log a stack trace and a wrapped exception for a
     * database that is down, a wrong URL or refused credentials; serve says this one line instead.
     */
    private static void requireReachable(String url, Optional<String> user, Optional<String> password) {
        try (Connection ignored = DriverManager.getConnection(url, user.orElse(null), password.orElse(null))) {
            // reachable
        } catch (SQLException e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            String why = e.getMessage() + (root == e ? "" : " (" + root.getMessage() + ")");
            throw new ConfigException("EDGECERT_DB_URL " + shown(url) + ": cannot connect: " + why.replace('\n', ' '));
        }
    }

    private static String shown(String url) {
        return url.replaceAll("password=[^&]*", "password=***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    public Kind kind() {
        return kind;
    }

    /** Channels raised in a transaction and heard by every node (see {@link ChangeSignals}). */
    public ChangeSignals signals() {
        return signals;
    }

    /** Runs work in one transaction: commit on return, rollback on any exception. */
    public <T> T inTransaction(Work<T> work) {
        var outer = signals.beginTransaction();
        boolean committed = false;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                committed = true;
                return result;
            } catch (Throwable t) {
                c.rollback();
                throw t;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        } finally {
            signals.endTransaction(outer, committed);
        }
    }

    /** Runs read-only or single-statement work on a pooled connection in autocommit mode. */
    public <T> T withConnection(Work<T> work) {
        try (Connection c = dataSource.getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public boolean isHealthy() {
        try (Connection c = dataSource.getConnection()) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @FunctionalInterface
    public interface Work<T> {
        T run(Connection c) throws SQLException;
    }

    @Override
    public void close() {
        signals.close();
        dataSource.close();
    }
}
