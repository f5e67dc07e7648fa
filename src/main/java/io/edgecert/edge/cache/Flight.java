package io.edgecert.edge.cache;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * One origin request that concurrent misses of a key share (request collapsing): until its head
 * arrives, the waiters; then its fill, which later misses join until it completes.
 */
final class Flight {
    private final CacheStore store;
    private final CacheKey key;
    private final long startedNanos;
    private final List<Waiter> waiters = new ArrayList<>();
    private Fill fill;
    private FillReader.Release released;
    private volatile boolean purged;

    Flight(CacheStore store, CacheKey key, long startedNanos) {
        this.store = store;
        this.key = key;
        this.startedNanos = startedNanos;
    }

    CacheKey key() {
        return key;
    }

    /** No head and no release after the collapse timeout: its filler is lost, a new miss leads anew. */
    synchronized boolean abandoned(long nowNanos, Duration timeout) {
        return fill == null && released == null && nowNanos - startedNanos > timeout.toNanos();
    }

    boolean purged() {
        return purged;
    }

    void purge() {
        purged = true;
        Fill f;
        synchronized (this) {
            f = fill;
        }
        if (f != null) {
            f.purged();
        }
    }

    Subscription await(EventExecutor executor, Duration timeout, Predicate<StoredHead> matches, FillReader reader) {
        Fill f;
        Waiter w;
        synchronized (this) {
            f = fill;
            if (f == null) {
                w = new Waiter(executor, matches, reader);
                if (released != null) {
                    w.release(released);
                    return Subscription.NONE;
                }
                waiters.add(w);
                try {
                    w.timer = executor.schedule(() -> {
                        if (w.settle()) {
                            forget(w);
                            reader.onReleased(FillReader.Release.TIMEOUT);
                        }
                    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
                } catch (RejectedExecutionException shutDown) {
                    waiters.remove(w);
                    return Subscription.NONE;
                }
                return w;
            }
        }
        return attach(f, executor, matches, reader);
    }

    private static Subscription attach(Fill f, EventExecutor executor, Predicate<StoredHead> matches, FillReader reader) {
        if (!test(matches, f.head())) {
            new Waiter(executor, matches, reader).release(FillReader.Release.NO_MATCH);
            return Subscription.NONE;
        }
        return f.join(executor, reader);
    }

    private static boolean test(Predicate<StoredHead> matches, StoredHead head) {
        try {
            return matches.test(head);
        } catch (RuntimeException e) {
            return false; // a matcher that fails matches nothing: that reader fetches itself
        }
    }

    private synchronized void forget(Waiter w) {
        waiters.remove(w);
    }

    /** The filler's head is in and its body is being stored: waiters it matches read the fill. */
    void began(Fill f) {
        List<Waiter> ws;
        synchronized (this) {
            fill = f;
            ws = List.copyOf(waiters);
            waiters.clear();
        }
        if (purged) {
            f.purged();
        }
        for (Waiter w : ws) {
            if (w.settle()) {
                w.cancelTimer();
                if (test(w.matches, f.head())) {
                    w.attached = f.join(w.executor, w.reader);
                    if (w.cancelled) {
                        w.attached.cancel();
                    }
                } else {
                    w.release(FillReader.Release.NO_MATCH);
                }
            }
        }
    }

    /** No fill for the waiters: each fetches for itself. */
    void release(FillReader.Release why) {
        List<Waiter> ws;
        synchronized (this) {
            if (released != null || fill != null) {
                return;
            }
            released = why;
            ws = List.copyOf(waiters);
            waiters.clear();
        }
        store.flightEnded(this);
        for (Waiter w : ws) {
            if (w.settle()) {
                w.cancelTimer();
                w.release(why);
            }
        }
    }

    /** A collapsed miss waiting for the head; settled once, by the head, a release, a timeout or a cancel. */
    private static final class Waiter implements Subscription {
        final EventExecutor executor;
        final Predicate<StoredHead> matches;
        final FillReader reader;
        private final AtomicBoolean settled = new AtomicBoolean();
        volatile ScheduledFuture<?> timer;
        volatile Subscription attached;
        volatile boolean cancelled;

        Waiter(EventExecutor executor, Predicate<StoredHead> matches, FillReader reader) {
            this.executor = executor;
            this.matches = matches;
            this.reader = reader;
        }

        boolean settle() {
            return settled.compareAndSet(false, true);
        }

        void cancelTimer() {
            ScheduledFuture<?> t = timer;
            if (t != null) {
                t.cancel(false);
            }
        }

        void release(FillReader.Release why) {
            try {
                executor.execute(() -> {
                    if (!cancelled) {
                        reader.onReleased(why);
                    }
                });
            } catch (RejectedExecutionException shutDown) {
                cancelled = true;
            }
        }

        @Override
        public void cancel() {
            cancelled = true;
            settle();
            cancelTimer();
            Subscription a = attached;
            if (a != null) {
                a.cancel();
            }
        }
    }
}
