package io.edgecert.jobs;

import io.edgecert.problems.ProblemException;
import io.edgecert.store.ChangeSignals;
import io.edgecert.store.Database;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One watcher per watched job, shared by every listener of it (each SSE client of the API and the
 * console): it reads the job's summary once per change, when the job's {@link JobChannels#CHANGED}
 * signal fires on any node, and hands it to all of them. A watched job costs no query while it
 * does not change, except the slow safety poll; an unwatched one costs nothing.
 */
public final class JobWatchers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWatchers.class);
    /** Only for a change whose signal was lost with a broken LISTEN connection. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(5);

    /** Told the job's summary (counters, no items) after each change; returns false to stop listening. */
    @FunctionalInterface
    public interface Listener {
        boolean onJob(Job summary);

        /** The job can no longer be read (deleted, or the read was refused); the listener is dropped after. */
        default void onFailure(ProblemException problem) {
        }
    }

    @FunctionalInterface
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private final Database db;
    private final JobService jobs;
    private final Map<String, List<Listener>> watched = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private ChangeSignals.Subscription subscription;
    private Thread thread;
    private volatile boolean open = true;

    JobWatchers(Database db, JobService jobs) {
        this.db = db;
        this.jobs = jobs;
    }

    /** Starts listening: the listener gets the job's current summary soon, then one after each change. */
    public Registration watch(String jobId, Listener listener) {
        start();
        watched.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(listener);
        markDirty(jobId);
        return () -> forget(jobId, listener);
    }

    private synchronized void start() {
        if (thread == null && open) {
            subscription = db.signals().subscribe(JobChannels.CHANGED, this::markDirty);
            thread = new Thread(this::run, "edgecert-job-watchers");
            thread.setDaemon(true);
            thread.start();
        }
    }

    private void markDirty(String jobId) {
        if (watched.containsKey(jobId)) {
            dirty.add(jobId);
            wake.release();
        }
    }

    private void forget(String jobId, Listener listener) {
        watched.computeIfPresent(jobId, (k, list) -> {
            list.remove(listener);
            return list.isEmpty() ? null : list;
        });
    }

    private void run() {
        while (open) {
            try {
                if (!wake.tryAcquire(SAFETY_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
                    dirty.addAll(watched.keySet());
                }
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            for (String jobId : List.copyOf(dirty)) {
                dirty.remove(jobId);
                List<Listener> listeners = watched.get(jobId);
                if (listeners != null) {
                    tell(jobId, listeners);
                }
            }
        }
    }

    /** One read for every listener of the job; a listener that fails or is done is dropped. */
    private void tell(String jobId, List<Listener> listeners) {
        Job summary;
        try {
            reads.incrementAndGet();
            summary = jobs.summary(jobId);
        } catch (ProblemException e) {
            // a refusal does not heal by retrying (the job is gone): every listener hears it once
            for (Listener l : listeners) {
                try {
                    l.onFailure(e);
                } catch (RuntimeException failed) {
                    log.debug("A watcher of job {} failed: {}", jobId, failed.toString());
                }
                forget(jobId, l);
            }
            return;
        } catch (RuntimeException e) {
            log.debug("Job watch of {}: {}", jobId, e.toString());
            return; // the next signal or safety poll tries again
        }
        for (Listener l : listeners) {
            boolean more;
            try {
                more = l.onJob(summary);
            } catch (RuntimeException e) {
                log.debug("A watcher of job {} failed: {}", jobId, e.toString());
                more = false;
            }
            if (!more) {
                forget(jobId, l);
            }
        }
    }

    /** Summaries read so far, for all jobs and listeners together (tests: one read per change, not per client). */
    long reads() {
        return reads.get();
    }

    @Override
    public synchronized void close() {
        open = false;
        if (subscription != null) {
            subscription.close();
        }
        if (thread != null) {
            thread.interrupt();
        }
    }
}
