package io.edgecert.distributions;

import io.edgecert.edge.EdgeRoute;
import io.edgecert.edge.MinimumProtocol;
import io.edgecert.store.Database;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keeps this node's edge serving what the database says, and tells the database what it serves.
 * One thread: wait for a change signal (a local write, a PostgreSQL NOTIFY from any node, or the
 * poll interval), compare the distributions' fingerprint, reload the routes when it moved, then
 * report the applied change_seq with a heartbeat. The edge itself never touches the database.
 */
public final class EdgeDeployment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeDeployment.class);
    private static final String CHANNEL = "edgecert_edge";
    /** Fallback when a signal is lost; NOTIFY and local wake-ups make the usual case immediate. */
    static final long POLL_MILLIS = 500;
    static final long HEARTBEAT_MILLIS = 2_000;

    private final DistributionService distributions;
    private final Consumer<List<EdgeRoute>> edge;
    private int previousLoads;
    private final String nodeId;
    private final String host;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile Optional<Connection> listener = Optional.empty();
    private final Optional<String> listenUrl;
    private final Optional<String> listenUser;
    private final Optional<String> listenPassword;
    // Owned by the deployment thread (and start(), before the thread runs).
    private DistributionRepository.Fingerprint applied;
    private final Map<String, DistributionRepository.Served> known = new HashMap<>();
    private long lastHeartbeat;

    public EdgeDeployment(DistributionService distributions, Consumer<List<EdgeRoute>> edge, String nodeId, String host,
                          Optional<String> dbUrl, Optional<String> dbUser, Optional<String> dbPassword) {
        this.distributions = distributions;
        this.edge = edge;
        this.nodeId = nodeId;
        this.host = host;
        boolean postgres = distributions.database().kind() == Database.Kind.POSTGRESQL;
        this.listenUrl = postgres ? dbUrl : Optional.empty();
        this.listenUser = dbUser;
        this.listenPassword = dbPassword;
        this.thread = new Thread(this::run, "edgecert-edge-deployment");
        this.thread.setDaemon(true);
        distributions.onChange(wake::release);
    }

    /** Loads the routes once (so the edge serves everything before start returns), then follows. */
    public EdgeDeployment start() {
        sync(null);
        thread.start();
        return this;
    }

    /** Inside a writing transaction: on PostgreSQL, NOTIFY is delivered to every node at commit. */
    static void notifyNodes(Database db, Connection c) throws SQLException {
        if (db.kind() == Database.Kind.POSTGRESQL) {
            try (Statement s = c.createStatement()) {
                s.execute("NOTIFY " + CHANNEL);
            }
        }
    }

    private void run() {
        while (running) {
            try {
                waitForSignal();
                if (running) {
                    sync(applied);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | SQLException e) {
                // Database away for a moment: keep serving the last snapshot and retry.
                log.warn("Edge deployment sync failed, serving the last snapshot: {}", e.toString());
                closeListener();
                sleepQuietly();
            }
        }
    }

    private void sync(DistributionRepository.Fingerprint previous) {
        DistributionRepository repo = distributions.repository();
        DistributionRepository.Fingerprint now = distributions.database().withConnection(repo::fingerprint);
        if (!now.equals(previous)) {
            load(repo, now);
            applied = now;
        }
        long t = System.nanoTime();
        if (!now.equals(previous) || t - lastHeartbeat > TimeUnit.MILLISECONDS.toNanos(HEARTBEAT_MILLIS)) {
            distributions.database().inTransaction(c -> {
                repo.heartbeat(c, nodeId, host, now.maxChangeSeq());
                return null;
            });
            lastHeartbeat = t;
        }
    }

    /**
     * Brings the local view to the database's: first by reading only what changed since the
     * newest change seen (a job creating 10,000 distributions costs one small read per tick, not
     * 10,000 rows each time); when that does not add up to the database's fingerprint (a delete)
     * by reading everything.
     */
    private void load(DistributionRepository repo, DistributionRepository.Fingerprint target) {
        long started = System.nanoTime();
        long since = known.values().stream().mapToLong(DistributionRepository.Served::changeSeq).max().orElse(-1);
        // The first load makes the edge load every certificate it needs, at its current version:
        // the versions only matter later, to tell a reimport (which restamps its distributions).
        boolean first = previousLoads == 0 && known.isEmpty();
        List<DistributionRepository.Served> changed = distributions.database().withConnection(c ->
                first ? repo.allForFirstLoad(c) : repo.changedSince(c, since));
        changed.forEach(s -> known.put(s.id(), s));
        if (!fingerprintOfKnown().equals(target)) {
            known.clear();
            distributions.database().withConnection(c -> repo.changedSince(c, -1)).forEach(s -> known.put(s.id(), s));
        }
        long read = System.nanoTime();
        edge.accept(known.values().stream().filter(DistributionRepository.Served::enabled).map(EdgeDeployment::route).toList());
        long applied = System.nanoTime();
        if (previousLoads++ == 0) {
            log.info("Edge serves {} distribution(s): read in {} ms, certificates loaded and routes applied in {} ms "
                            + "({} ms after the JVM started)", known.size(), (read - started) / 1_000_000,
                    (applied - read) / 1_000_000, java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime());
        }
        log.debug("Edge serves {} distribution(s) (change {})", known.size(), target.maxChangeSeq());
    }

    private DistributionRepository.Fingerprint fingerprintOfKnown() {
        long max = 0;
        long sum = 0;
        for (DistributionRepository.Served s : known.values()) {
            max = Math.max(max, s.changeSeq());
            sum += s.changeSeq();
        }
        return new DistributionRepository.Fingerprint(known.size(), max, sum);
    }

    private void waitForSignal() throws InterruptedException, SQLException {
        if (listenUrl.isEmpty()) {
            if (wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                wake.drainPermits();
            }
            return;
        }
        Connection c = listener.isPresent() ? listener.get() : openListener();
        var notifications = c.unwrap(PGConnection.class).getNotifications((int) POLL_MILLIS);
        if (notifications != null && notifications.length > 0) {
            log.trace("{} change notification(s)", notifications.length);
        }
        wake.drainPermits();
    }

    private Connection openListener() throws SQLException {
        Connection c = DriverManager.getConnection(listenUrl.get(), listenUser.orElse(null), listenPassword.orElse(null));
        try (Statement s = c.createStatement()) {
            s.execute("LISTEN " + CHANNEL);
        }
        listener = Optional.of(c);
        return c;
    }

    private void closeListener() {
        listener.ifPresent(c -> {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already broken
            }
        });
        listener = Optional.empty();
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(POLL_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static EdgeRoute route(DistributionRepository.Served s) {
        DistributionConfig c = s.config();
        return new EdgeRoute(s.id(), s.version(), c.aliases(), s.domainName(), c.certificateId(), s.certificateVersion(),
                MinimumProtocol.fromApiName(c.minimumProtocolVersion()).orElse(MinimumProtocol.DEFAULT),
                c.origins().stream().map(o -> new EdgeRoute.Origin(o.id(), URI.create(o.url()))).toList(),
                c.defaultOriginId());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeListener();
        try {
            distributions.database().inTransaction(c -> {
                distributions.repository().forgetNode(c, nodeId);
                return null;
            });
        } catch (RuntimeException e) {
            log.debug("Could not unregister edge node {}: {}", nodeId, e.toString());
        }
    }
}
