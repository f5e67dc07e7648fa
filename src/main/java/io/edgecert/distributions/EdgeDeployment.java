package io.edgecert.distributions;

import io.edgecert.serving.SealedMaterial;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.store.Database;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps this node's edge serving what the database says, and tells the database what it serves.
 * One thread: wait for a change signal (a local write, a PostgreSQL NOTIFY from any node, or the
 * poll interval), compare the distributions' fingerprint, reload the routes when it moved, then
 * report the applied change_seq with a heartbeat. The edge itself never touches the database.
 * What the edge serves is also kept in an {@link EdgeSnapshot} in the data dir, written at most
 * every {@link #SNAPSHOT_MILLIS} while things change; a restart starts from it instead of reading
 * every distribution and certificate, and catches up with whatever changed since as usual.
 */
public final class EdgeDeployment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeDeployment.class);
    private static final String CHANNEL = "edgecert_edge";
    /** Fallback when a signal is lost; NOTIFY and local wake-ups make the usual case immediate. */
    static final long POLL_MILLIS = 500;
    static final long HEARTBEAT_MILLIS = 2_000;
    /**
     * Snapshot writes are at most this often: at 10,000 certificates one is ~19 MB and 100-200 ms
     * of a background thread. A crash loses at most this much of it, which a restart reads from
     * the database: a stale snapshot is caught up before it is served.
     */
    static final long SNAPSHOT_MILLIS = 10_000;

    /** What the deployment drives: the node's edge. */
    public interface Edge {
        /** Serve exactly these routes; returns once they are live. */
        void apply(List<EdgeRoute> routes);

        /** The sealed certificate material the edge holds now. */
        Collection<SealedMaterial> material();

        /** Material to take as loaded (from a snapshot) before the first apply, instead of the database's. */
        void preload(Collection<SealedMaterial> material);
    }

    private final DistributionService distributions;
    private final Edge edge;
    private final Path snapshotFile;
    private final Future<Optional<EdgeSnapshot>> startSnapshot;
    private final ExecutorService snapshotWriter;
    private final AtomicBoolean snapshotWriting = new AtomicBoolean();
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
    private final Map<String, EdgeSnapshot.Entry> known = new HashMap<>();
    private long lastHeartbeat;
    /** Known has changed since the last snapshot written; when that was (System.nanoTime). */
    private boolean snapshotDirty;
    private long lastSnapshot;
    private volatile boolean restoredFromSnapshot;

    /**
     * @param snapshotFile where this node keeps its {@link EdgeSnapshot}
     * @param startSnapshot the snapshot as read at start-up (in the background, while the database opened)
     */
    public EdgeDeployment(DistributionService distributions, Edge edge, Path snapshotFile,
                          Future<Optional<EdgeSnapshot>> startSnapshot, String nodeId, String host,
                          Optional<String> dbUrl, Optional<String> dbUser, Optional<String> dbPassword) {
        this.distributions = distributions;
        this.edge = edge;
        this.snapshotFile = snapshotFile;
        this.startSnapshot = startSnapshot;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edgecert-edge-snapshot");
            t.setDaemon(true);
            return t;
        });
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
                    writeSnapshotIfDue(false);
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
            if (previous != null || !restore(repo, now)) {
                load(repo, now);
            }
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
        long since = known.values().stream().mapToLong(EdgeSnapshot.Entry::changeSeq).max().orElse(-1);
        // The first load makes the edge load every certificate it needs, at its current version:
        // the versions only matter later, to tell a reimport (which restamps its distributions).
        boolean first = previousLoads == 0 && known.isEmpty();
        List<DistributionRepository.Served> changed = distributions.database().withConnection(c ->
                first ? repo.allForFirstLoad(c) : repo.changedSince(c, since));
        changed.forEach(this::put);
        if (!fingerprintOfKnown().equals(target)) {
            known.clear();
            distributions.database().withConnection(c -> repo.changedSince(c, -1)).forEach(this::put);
        }
        long read = System.nanoTime();
        applyKnown();
        snapshotDirty = true;
        long applied = System.nanoTime();
        if (previousLoads++ == 0) {
            log.info("Edge serves {} distribution(s): read in {} ms, certificates loaded and routes applied in {} ms "
                            + "({} ms after the JVM started)", known.size(), (read - started) / 1_000_000,
                    (applied - read) / 1_000_000, uptimeMillis());
        }
        log.debug("Edge serves {} distribution(s) (change {})", known.size(), target.maxChangeSeq());
    }

    private static long uptimeMillis() {
        return java.lang.management.ManagementFactory.getRuntimeMXBean().getUptime();
    }

    private void put(DistributionRepository.Served s) {
        known.put(s.id(), new EdgeSnapshot.Entry(route(s), s.changeSeq(), s.enabled()));
    }

    private void applyKnown() {
        edge.apply(known.values().stream().filter(EdgeSnapshot.Entry::enabled).map(EdgeSnapshot.Entry::route).toList());
    }

    /**
     * The first sync when a start-up snapshot could be read: its routes and material become what
     * this node knows, as if it had never stopped, and the usual catch-up brings them to the
     * database's state: nothing to read when the fingerprint still matches, the distributions
     * stamped since when some were created, changed or restamped by a reimport (their newer
     * certificate material is read then), a full read when some were deleted. False when there
     * is no snapshot or it is unreadable.
     */
    private boolean restore(DistributionRepository repo, DistributionRepository.Fingerprint now) {
        long started = System.nanoTime();
        Optional<EdgeSnapshot> snapshot;
        try {
            snapshot = startSnapshot.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            log.info("Edge snapshot {} unusable ({}): reading the database", snapshotFile, e.getCause().toString());
            return false;
        }
        if (snapshot.isEmpty()) {
            return false;
        }
        snapshot.get().entries().forEach(e -> known.put(e.route().distributionId(), e));
        edge.preload(snapshot.get().material());
        boolean current = snapshot.get().fingerprint().equals(now);
        previousLoads++;
        if (current) {
            applyKnown();
        } else {
            load(repo, now);
        }
        restoredFromSnapshot = true;
        log.info("Edge serves {} distribution(s) from its snapshot{} in {} ms ({} ms after the JVM started)", known.size(),
                current ? " (the database's fingerprint matches)" : " and the database's changes since",
                (System.nanoTime() - started) / 1_000_000, uptimeMillis());
        return true;
    }

    /**
     * Hands a copy of what the edge serves now to the writer thread, when it changed and the last
     * write is old enough (or at close). Taken on the deployment thread, the only one that
     * changes known or the edge's material, so routes and material match the fingerprint.
     */
    private void writeSnapshotIfDue(boolean closing) {
        long t = System.nanoTime();
        if (!snapshotDirty
                || !closing && lastSnapshot != 0 && t - lastSnapshot < TimeUnit.MILLISECONDS.toNanos(SNAPSHOT_MILLIS)
                || !snapshotWriting.compareAndSet(false, true)) {
            return;
        }
        // Labelled with what it holds, not with the fingerprint read before the load: a change
        // committed between the two is in known, and the label must say so.
        EdgeSnapshot snapshot = new EdgeSnapshot(fingerprintOfKnown(), List.copyOf(known.values()),
                List.copyOf(edge.material()));
        snapshotDirty = false;
        lastSnapshot = t;
        Runnable write = () -> {
            try {
                snapshot.write(snapshotFile);
            } catch (IOException | RuntimeException e) {
                log.warn("Could not write the edge snapshot {}: {}", snapshotFile, e.toString());
            } finally {
                snapshotWriting.set(false);
            }
        };
        if (closing) {
            write.run();
        } else {
            snapshotWriter.execute(write);
        }
    }

    private DistributionRepository.Fingerprint fingerprintOfKnown() {
        long max = 0;
        long sum = 0;
        for (EdgeSnapshot.Entry s : known.values()) {
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

    /** Whether the first load started from the start-up snapshot rather than from nothing. */
    public boolean restoredFromSnapshot() {
        return restoredFromSnapshot;
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
        snapshotWriter.shutdown();
        try {
            // the last changes too, unless the thread is stuck (then known may still move)
            if (snapshotWriter.awaitTermination(5, TimeUnit.SECONDS) && !thread.isAlive()) {
                writeSnapshotIfDue(true);
            }
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
