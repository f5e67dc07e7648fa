package io.edgecert.edge;

import io.edgecert.serving.DeployedRoute;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.RouteSource;
import io.edgecert.serving.RoutesFingerprint;
import io.edgecert.serving.SealedMaterial;
import io.edgecert.store.ChangeSignals;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Keeps this node's edge serving what the database says, and tells the database what it serves.
 * One thread: wait for a change signal (any node's distribution write, through
 * {@link ChangeSignals}) or the heartbeat, compare the distributions' fingerprint, reload the
 * routes when it moved, then report the applied change with a heartbeat. The edge itself never
 * touches the database. What the edge serves is also kept in an {@link EdgeSnapshot} in the data
 * dir, written at most every {@link #SNAPSHOT_MILLIS} while things change; a restart starts from
 * it instead of reading every distribution and certificate, and catches up with whatever changed
 * since as usual.
 *
 * <p>An idle node costs one transaction per {@link RouteSource#HEARTBEAT} (the heartbeat) and one
 * read per {@link #SAFETY_POLL}: signals make the usual case immediate, and ChangeSignals raises
 * every channel once after its LISTEN connection comes back, so the poll only guards against
 * what neither sees.
 */
public final class EdgeDeployment implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgeDeployment.class);
    static final Duration SAFETY_POLL = Duration.ofSeconds(30);
    /** After a failed sync (the database away for a moment): keep serving, try again. */
    private static final Duration RETRY_PAUSE = Duration.ofMillis(500);
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

    private final RouteSource source;
    private final Edge edge;
    private final ChangeSignals.Wakeup changes;
    private final Path snapshotFile;
    private final Future<Optional<EdgeSnapshot>> startSnapshot;
    private final ExecutorService snapshotWriter;
    private final AtomicBoolean snapshotWriting = new AtomicBoolean();
    private int previousLoads;
    private final String nodeId;
    private final String host;
    private final Thread thread;
    private volatile boolean running = true;
    // Owned by the deployment thread (and start(), before the thread runs).
    private RoutesFingerprint applied;
    private final Map<String, DeployedRoute> known = new HashMap<>();
    private long lastHeartbeat;
    private long lastPoll;
    /** Known has changed since the last snapshot written; when that was (System.nanoTime). */
    private boolean snapshotDirty;
    private long lastSnapshot;
    private volatile boolean restoredFromSnapshot;

    /**
     * @param changes woken by every node's distribution writes (closed with the deployment)
     * @param snapshotFile where this node keeps its {@link EdgeSnapshot}
     * @param startSnapshot the snapshot as read at start-up (in the background, while the database opened)
     */
    public EdgeDeployment(RouteSource source, Edge edge, ChangeSignals.Wakeup changes, Path snapshotFile,
                          Future<Optional<EdgeSnapshot>> startSnapshot, String nodeId, String host) {
        this.source = source;
        this.edge = edge;
        this.changes = changes;
        this.snapshotFile = snapshotFile;
        this.startSnapshot = startSnapshot;
        this.snapshotWriter = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "edgecert-edge-snapshot");
            t.setDaemon(true);
            return t;
        });
        this.nodeId = nodeId;
        this.host = host;
        this.thread = new Thread(this::run, "edgecert-edge-deployment");
        this.thread.setDaemon(true);
    }

    /** Loads the routes once (so the edge serves everything before start returns), then follows. */
    public EdgeDeployment start() {
        sync(null, true);
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            try {
                boolean signalled = changes.await(untilNextTick());
                if (running) {
                    sync(applied, signalled);
                    writeSnapshotIfDue(false);
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // Database away for a moment: keep serving the last snapshot and retry.
                log.warn("Edge deployment sync failed, serving the last snapshot: {}", e.toString());
                sleepQuietly();
            }
        }
    }

    /** Time to the next heartbeat or safety poll, whichever comes first. */
    private Duration untilNextTick() {
        long now = System.nanoTime();
        long heartbeat = lastHeartbeat + RouteSource.HEARTBEAT.toNanos() - now;
        long poll = lastPoll + SAFETY_POLL.toNanos() - now;
        return Duration.ofNanos(Math.max(1, Math.min(heartbeat, poll)));
    }

    /**
     * Reads the fingerprint when signalled or when the safety poll is due, reloads when it moved,
     * and reports when it moved or the heartbeat is due: an idle heartbeat tick reads nothing.
     */
    private void sync(RoutesFingerprint previous, boolean signalled) {
        long t = System.nanoTime();
        RoutesFingerprint now = previous;
        if (previous == null || signalled || t - lastPoll >= SAFETY_POLL.toNanos()) {
            now = source.fingerprint();
            lastPoll = t;
        }
        boolean moved = !now.equals(previous);
        if (moved) {
            if (previous != null || !restore(now)) {
                load(now);
            }
            applied = now;
        }
        if (moved || t - lastHeartbeat >= RouteSource.HEARTBEAT.toNanos()) {
            source.report(nodeId, host, now.maxChangeSeq());
            lastHeartbeat = t;
        }
    }

    /**
     * Brings the local view to the database's: first by reading only what changed since the
     * newest change seen (a job creating 10,000 distributions costs one small read per tick, not
     * 10,000 rows each time); when that does not add up to the database's fingerprint (a delete)
     * by reading everything.
     */
    private void load(RoutesFingerprint target) {
        long started = System.nanoTime();
        long since = known.values().stream().mapToLong(DeployedRoute::changeSeq).max().orElse(-1);
        // The first load makes the edge load every certificate it needs, at its current version:
        // the versions only matter later, to tell a reimport (which restamps its distributions).
        boolean first = previousLoads == 0 && known.isEmpty();
        List<DeployedRoute> changed = first ? source.all() : source.changedSince(since);
        changed.forEach(this::put);
        if (!fingerprintOfKnown().equals(target)) {
            known.clear();
            source.changedSince(-1).forEach(this::put);
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

    private void put(DeployedRoute r) {
        known.put(r.route().distributionId(), r);
    }

    private void applyKnown() {
        edge.apply(known.values().stream().filter(DeployedRoute::enabled).map(DeployedRoute::route).toList());
    }

    /**
     * The first sync when a start-up snapshot could be read: its routes and material become what
     * this node knows, as if it had never stopped, and the usual catch-up brings them to the
     * database's state: nothing to read when the fingerprint still matches, the distributions
     * stamped since when some were created, changed or restamped by a reimport (their newer
     * certificate material is read then), a full read when some were deleted. False when there
     * is no snapshot or it is unreadable.
     */
    private boolean restore(RoutesFingerprint now) {
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
            load(now);
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

    private RoutesFingerprint fingerprintOfKnown() {
        long max = 0;
        long sum = 0;
        for (DeployedRoute s : known.values()) {
            max = Math.max(max, s.changeSeq());
            sum += s.changeSeq();
        }
        return new RoutesFingerprint(known.size(), max, sum);
    }

    private void sleepQuietly() {
        try {
            Thread.sleep(RETRY_PAUSE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether the first load started from the start-up snapshot rather than from nothing. */
    public boolean restoredFromSnapshot() {
        return restoredFromSnapshot;
    }

    @Override
    public void close() {
        running = false;
        changes.close();
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
        try {
            source.forget(nodeId);
        } catch (RuntimeException e) {
            log.debug("Could not unregister edge node {}: {}", nodeId, e.toString());
        }
    }
}
