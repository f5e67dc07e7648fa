package io.edgecert.jobs;

import io.edgecert.store.Database;
import io.edgecert.store.WriteGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The lease half of the job engine: which jobs this node may run, and its hold on each. A job is
 * run by the node holding its lease (renewed while it runs; a crashed node's lease expires and
 * another node, or the same one restarted, takes over). Each claim gets an epoch no earlier holder
 * had, and every write of a run is fenced on it (see {@link Lease}), so a node that lost the job
 * cannot record results or create anything once another holds it. {@link #claim} is the
 * {@link io.edgecert.store.ClaimLoop.Claimer} of {@link JobRunner}'s loop.
 */
final class JobLeases implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobLeases.class);
    /** A lease outlives three missed renewals, so a long GC pause does not hand the job over. */
    static final int LEASE_SECONDS = 15;
    static final long RENEW_MILLIS = 4_000;

    private final Database db;
    private final JobRepository repository;
    private final String nodeId;
    private final ScheduledExecutorService renewals;
    private final Set<String> held = ConcurrentHashMap.newKeySet();
    private volatile boolean open = true;

    JobLeases(Database db, JobRepository repository, String nodeId) {
        this.db = db;
        this.repository = repository;
        this.nodeId = nodeId;
        this.renewals = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgecert-job-lease");
            t.setDaemon(true);
            return t;
        });
    }

    /** Claims up to {@code free} runnable jobs this node does not run already. */
    List<Lease> claim(int free) {
        List<Lease> out = new ArrayList<>();
        if (!open) {
            return out;
        }
        for (String id : db.withConnection(c -> repository.runnable(c, nodeId, free * 2))) {
            if (out.size() >= free || held.contains(id)) {
                continue;
            }
            long claimedAt = System.nanoTime();
            OptionalLong epoch = db.inTransaction(c -> repository.claim(c, id, nodeId, LEASE_SECONDS));
            if (epoch.isPresent() && held.add(id)) {
                out.add(new Lease(id, epoch.getAsLong(), claimedAt));
            }
        }
        return out;
    }

    /** A fenced write of a run: one transaction, which also tells the job's watchers it changed. */
    interface Write {
        void run(Connection c) throws SQLException;
    }

    /**
     * This node's hold on one job, under one epoch. Renewed in the background; a renewal that is
     * refused, fails or comes too late marks it lost, and every result write checks it in its own
     * transaction (the {@link WriteGuard}), so work done after the loss is never recorded.
     */
    final class Lease implements WriteGuard {
        /** Local margin under the database's lease: clocks and a slow commit must not make us overstay. */
        private static final long VALID_NANOS = TimeUnit.SECONDS.toNanos(LEASE_SECONDS) - TimeUnit.MILLISECONDS.toNanos(RENEW_MILLIS / 2);
        final String jobId;
        final long epoch;
        private final ScheduledFuture<?> renewal;
        private volatile long validUntil;
        private volatile boolean lost;

        private Lease(String jobId, long epoch, long claimedAt) {
            this.jobId = jobId;
            this.epoch = epoch;
            this.validUntil = claimedAt + VALID_NANOS;
            this.renewal = renewals.scheduleAtFixedRate(this::renew, RENEW_MILLIS, RENEW_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (lost) {
                return;
            }
            long started = System.nanoTime();
            try {
                if (db.inTransaction(c -> repository.renew(c, jobId, nodeId, epoch, LEASE_SECONDS))) {
                    validUntil = started + VALID_NANOS;
                } else {
                    lose("renewal refused: the job was taken over or the lease had lapsed");
                }
            } catch (RuntimeException e) {
                // We cannot tell whether the lease still stands; another node may take it soon.
                lose("renewal failed: " + e);
            }
        }

        private void lose(String why) {
            if (!lost) {
                lost = true;
                log.warn("Job {}: lease {} lost ({})", jobId, epoch, why);
            }
        }

        /** Throws LeaseLost unless the lease is held, as far as this node can tell without asking. */
        void check() {
            if (!lost && System.nanoTime() - validUntil > 0) {
                lose("not renewed in time");
            }
            if (lost || !open) {
                throw new LeaseLost();
            }
        }

        /** The fence of the item workers' creates and the rollback's marks (a shared lock on PostgreSQL). */
        @Override
        public void check(Connection c) throws SQLException {
            fence(c, true);
        }

        /** Inside a write's transaction, asks the database, locking the job row till the commit. */
        private void fence(Connection c, boolean shared) throws SQLException {
            check();
            if (!repository.holds(c, jobId, nodeId, epoch, shared)) {
                lose("another holder");
                throw new LeaseLost();
            }
        }

        /** Every write of a run is fenced on its lease: refused (LeaseLost) once another holder has the job. */
        void write(Write w) {
            db.inTransaction(c -> {
                fence(c, false);
                w.run(c);
                db.signals().raise(c, JobChannels.CHANGED, jobId);
                return null;
            });
        }

        /** Gives the job up: finished, or interrupted (this node's loop, woken as the run ends, resumes it). */
        void release() {
            renewal.cancel(false);
            held.remove(jobId);
            if (lost) {
                return;
            }
            try {
                db.inTransaction(c -> {
                    repository.release(c, jobId, nodeId, epoch);
                    return null;
                });
            } catch (RuntimeException e) {
                log.debug("Could not release job {}: {}", jobId, e.toString());
            }
        }

        boolean lost() {
            return lost;
        }
    }

    @Override
    public void close() {
        open = false;
        renewals.shutdownNow();
    }
}
