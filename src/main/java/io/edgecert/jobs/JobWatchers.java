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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One watcher per watched job, shared by every listener of it (each SSE client of the API and the
 * console): it reads the job's summary once per change, when the job's {@link JobChannels#CHANGED}
 * signal fires on any node, and hands it to all of them. A watched job costs no query while it
 * does not change, except the slow safety poll; an unwatched one costs nothing.
 *
 * <p>The watcher thread never calls a listener itself: a listener may block (an SSE client that stops
 * reading fills its TCP window and its write waits), and it must not hold up the other listeners of
 * every watched job. Each listener has a conflating {@link Mailbox} delivered on a small shared pool.
 */
public final class JobWatchers implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobWatchers.class);
    /** Only for a change whose signal was lost with a broken LISTEN connection. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(5);
    /**
     * Threads delivering to listeners. Only a blocked listener holds one (until its write fails, at
     * the web server's idle timeout, or the client goes); idle threads end, so an idle node has none.
     */
    static final int DELIVERY_THREADS = 4;

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
    private final Map<String, List<Mailbox>> watched = new ConcurrentHashMap<>();
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Semaphore wake = new Semaphore(0);
    private final java.util.concurrent.atomic.AtomicLong reads = new java.util.concurrent.atomic.AtomicLong();
    private final ThreadPoolExecutor delivery = deliveryPool();
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
        Mailbox mailbox = new Mailbox(jobId, listener);
        watched.computeIfAbsent(jobId, k -> new CopyOnWriteArrayList<>()).add(mailbox);
        markDirty(jobId);
        return mailbox::stop;
    }

    private static ThreadPoolExecutor deliveryPool() {
        AtomicInteger n = new AtomicInteger();
        // unbounded queue: each mailbox queues at most one delivery at a time
        ThreadPoolExecutor pool = new ThreadPoolExecutor(DELIVERY_THREADS, DELIVERY_THREADS, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "edgecert-job-delivery-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
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

    private void forget(String jobId, Mailbox mailbox) {
        watched.computeIfPresent(jobId, (k, list) -> {
            list.remove(mailbox);
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
                List<Mailbox> mailboxes = watched.get(jobId);
                if (mailboxes != null) {
                    tell(jobId, mailboxes);
                }
            }
        }
    }

    /** One read for every listener of the job, posted to their mailboxes: nothing here waits on a listener. */
    private void tell(String jobId, List<Mailbox> mailboxes) {
        Job summary;
        try {
            reads.incrementAndGet();
            summary = jobs.summary(jobId);
        } catch (ProblemException e) {
            // a refusal does not heal by retrying (the job is gone): every listener hears it once
            for (Mailbox m : mailboxes) {
                m.post(e);
                forget(jobId, m);
            }
            return;
        } catch (RuntimeException e) {
            log.debug("Job watch of {}: {}", jobId, e.toString());
            return; // the next signal or safety poll tries again
        }
        for (Mailbox m : mailboxes) {
            m.post(summary);
        }
    }

    /**
     * One listener's news, delivered in order by at most one pool thread at a time. While a delivery
     * is in progress only the latest summary waits (a slow client skips states, it does not queue
     * them); the end (a finished job, or a failure) is never replaced, so it always arrives.
     */
    private final class Mailbox {
        private final String jobId;
        private final Listener listener;
        /** A {@link Job} summary or the {@link ProblemException} that ends the watch; null when empty. */
        private Object pending;
        private boolean scheduled;
        private boolean stopped;

        Mailbox(String jobId, Listener listener) {
            this.jobId = jobId;
            this.listener = listener;
        }

        synchronized void post(Object news) {
            if (stopped || isEnd(pending)) {
                return;
            }
            pending = news;
            if (!scheduled) {
                schedule();
            }
        }

        private void schedule() {
            scheduled = true;
            try {
                delivery.execute(this::deliverOne);
            } catch (RejectedExecutionException closing) {
                stopped = true;
            }
        }

        /** One item per task, then back in the queue: a busy mailbox does not keep a thread from the others. */
        private void deliverOne() {
            Object news;
            synchronized (this) {
                news = pending;
                pending = null;
                if (news == null || stopped) {
                    scheduled = false;
                    return;
                }
            }
            if (!deliver(news)) {
                stop();
            }
            synchronized (this) {
                scheduled = false;
                if (pending != null && !stopped) {
                    schedule();
                }
            }
        }

        /** @return whether the listener wants more */
        private boolean deliver(Object news) {
            try {
                if (news instanceof ProblemException problem) {
                    listener.onFailure(problem);
                    return false;
                }
                return listener.onJob((Job) news);
            } catch (RuntimeException e) {
                log.debug("A watcher of job {} failed: {}", jobId, e.toString());
                return false;
            }
        }

        void stop() {
            synchronized (this) {
                stopped = true;
                pending = null;
            }
            forget(jobId, this);
        }

        private static boolean isEnd(Object news) {
            return news instanceof ProblemException || news instanceof Job job && job.status().finished();
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
        // interrupts a delivery blocked on a client; the web server, closed before, has closed the sockets
        delivery.shutdownNow();
    }
}
