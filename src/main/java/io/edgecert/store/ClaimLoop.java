package io.edgecert.store;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The claim engine of the background workers (the job runner, the delivery worker): one loop
 * thread waits for a {@link ChangeSignals} wakeup, or the slow safety poll, then claims as much
 * work as it has free slots and runs each claimed piece on a fixed pool. A finished piece frees its
 * slot and wakes the loop, so queued work starts at once. While nothing changes it costs one claim
 * attempt per safety poll. What a claim is (a renewed lease, an expiring token) is the caller's.
 *
 * @param <T> one claimed piece of work
 */
public final class ClaimLoop<T> implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClaimLoop.class);

    /** Claims at most {@code free} pieces (in its own transactions); empty when there is nothing to do. */
    @FunctionalInterface
    public interface Claimer<T> {
        List<T> claim(int free);
    }

    /** Does one claimed piece; it owns the claim until it returns (releasing it is its business). */
    @FunctionalInterface
    public interface Worker<T> {
        void run(T claimed);
    }

    private final String name;
    private final int slots;
    private final Duration safetyPoll;
    private final ChangeSignals.Wakeup wakeup;
    private final Claimer<T> claimer;
    private final Worker<T> worker;
    private final ExecutorService pool;
    private final ScheduledExecutorService timers;
    private final Thread loop;
    private final AtomicInteger busy = new AtomicInteger();
    private volatile boolean running = true;
    private boolean failing;

    /**
     * @param wakeup     the signals that mean "there may be work" (closed with this loop)
     * @param safetyPoll the longest wait without a signal: for one lost with a broken connection,
     *                   or work that became due by time (an expired claim)
     */
    public ClaimLoop(String name, int slots, Duration safetyPoll, ChangeSignals.Wakeup wakeup, Claimer<T> claimer,
                     Worker<T> worker) {
        this.name = name;
        this.slots = slots;
        this.safetyPoll = safetyPoll;
        this.wakeup = wakeup;
        this.claimer = claimer;
        this.worker = worker;
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(slots, daemons(() -> name + "-" + n.incrementAndGet()));
        this.timers = Executors.newSingleThreadScheduledExecutor(daemons(() -> name + "-timer"));
        this.loop = daemons(() -> name + "-claims").newThread(this::loop);
    }

    public ClaimLoop<T> start() {
        loop.start();
        return this;
    }

    /** Look for work now (this node made some, or a slot freed). */
    public void wake() {
        wakeup.signal();
    }

    /** Look for work after {@code delay}: work this node knows becomes due then (a retry). */
    public void wakeAfter(Duration delay) {
        try {
            timers.schedule(wakeup::signal, delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException stopping) {
            // closed
        }
    }

    /** Pieces running now. */
    public int busy() {
        return busy.get();
    }

    private void loop() {
        while (running) {
            try {
                claimWhileFree();
                if (failing) {
                    log.info("{}: the database answers again", name);
                    failing = false;
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("{}: {} (retrying every {} ms)", name, e.toString(), safetyPoll.toMillis());
                    failing = true;
                }
            }
            try {
                wakeup.await(safetyPoll);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void claimWhileFree() {
        while (running) {
            int free = slots - busy.get();
            if (free <= 0) {
                return;
            }
            List<T> claimed = claimer.claim(free);
            if (claimed.isEmpty()) {
                return;
            }
            claimed.forEach(this::dispatch);
        }
    }

    private void dispatch(T claimed) {
        busy.incrementAndGet();
        try {
            pool.execute(() -> {
                try {
                    worker.run(claimed);
                } catch (RuntimeException e) {
                    log.warn("{}: work failed: {}", name, e.toString());
                } finally {
                    busy.decrementAndGet();
                    wakeup.signal();
                }
            });
        } catch (RejectedExecutionException stopping) {
            busy.decrementAndGet();
        }
    }

    private static ThreadFactory daemons(java.util.function.Supplier<String> name) {
        return r -> {
            Thread t = new Thread(r, name.get());
            t.setDaemon(true);
            return t;
        };
    }

    /** Stops claiming and interrupts the work in flight (its claims expire or are resumed later). */
    @Override
    public void close() {
        running = false;
        wakeup.close();
        loop.interrupt();
        timers.shutdownNow();
        pool.shutdownNow();
        try {
            loop.join(5_000);
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
