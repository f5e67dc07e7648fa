package io.edgecert.distributions.invalidations;

import io.edgecert.serving.CachePurger;
import io.edgecert.store.ChangeSignals;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * One per node: drops from this node's cache what every new invalidation matches, and records
 * that this node did. One thread, woken by {@link InvalidationChannels#CREATED} from any node (so
 * an invalidation reaches every node as soon as it commits), with a slow safety poll for a signal
 * lost with a broken LISTEN connection. While invalidations are InProgress it re-checks every
 * {@link #RECHECK} whether a node that held one back has stopped being live, and completes it.
 *
 * <p>A node does every InProgress invalidation it has not recorded, including those created before
 * it started (its cache starts empty, so that costs nothing); a Completed one is never replayed.
 */
public final class InvalidationFollower implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(InvalidationFollower.class);
    /** For a lost signal only: signals make the usual case immediate. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(10);
    /** While something is InProgress: how soon a dead node's share is given up after its heartbeat expires. */
    static final Duration RECHECK = Duration.ofSeconds(1);
    /** After a failed purge or a database error. */
    static final Duration RETRY = Duration.ofSeconds(1);
    private static final int BATCH = 100;

    private final InvalidationService service;
    private final CachePurger purger;
    private final String nodeId;
    private final ChangeSignals.Wakeup wakeup;
    private final Clock clock;
    private final Counter purged;
    private final Counter failed;
    private final Counter objects;
    private final Timer purgeTime;
    private final Timer lag;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean failing;

    /**
     * @param wakeup woken by {@link InvalidationChannels#CREATED} (closed with the follower)
     * @param purger this node's cache
     */
    public InvalidationFollower(InvalidationService service, CachePurger purger, String nodeId, ChangeSignals.Wakeup wakeup,
                                Clock clock, MeterRegistry metrics) {
        this.service = service;
        this.purger = purger;
        this.nodeId = nodeId;
        this.wakeup = wakeup;
        this.clock = clock;
        this.purged = Counter.builder("edgecert_invalidation_purges").tag("result", "ok")
                .description("invalidations this node dropped from its cache").register(metrics);
        this.failed = Counter.builder("edgecert_invalidation_purges").tag("result", "failed")
                .description("purges of this node's cache that failed (retried)").register(metrics);
        this.objects = Counter.builder("edgecert_invalidation_objects_purged")
                .description("cached objects this node dropped for invalidations").register(metrics);
        this.purgeTime = Timer.builder("edgecert_invalidation_purge")
                .description("how long this node's cache took to drop one invalidation's objects").register(metrics);
        this.lag = Timer.builder("edgecert_invalidation_lag")
                .description("from an invalidation's createTime (the creating node's clock) to this node's record of it")
                .register(metrics);
        this.thread = new Thread(this::run, "edgecert-invalidations");
        this.thread.setDaemon(true);
    }

    public InvalidationFollower start() {
        thread.start();
        return this;
    }

    private void run() {
        while (running) {
            Duration wait;
            try {
                wait = followOnce();
                if (failing) {
                    log.info("Invalidations: the database answers again");
                    failing = false;
                }
            } catch (RuntimeException e) {
                if (!failing) {
                    log.warn("Invalidations: {} (retrying every {} ms)", e.toString(), RETRY.toMillis());
                    failing = true;
                }
                wait = RETRY;
            }
            try {
                wakeup.await(wait);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Purges what this node has not, completes what is done; returns how long to wait before the next look. */
    private Duration followOnce() {
        List<InvalidationRepository.Pending> pending = service.pendingFor(nodeId, BATCH);
        boolean purgeFailed = false;
        for (InvalidationRepository.Pending p : pending) {
            if (!running) {
                return RETRY;
            }
            long dropped;
            long started = System.nanoTime();
            try {
                dropped = purger.purge(p.distributionId(), p.paths());
            } catch (RuntimeException e) {
                failed.increment();
                // not recorded: this node still holds it back, and tries again
                log.warn("Invalidation {} of distribution {}: purging this node's cache failed, retrying: {}", p.id(),
                        p.distributionId(), e.toString());
                purgeFailed = true;
                continue;
            }
            purgeTime.record(Duration.ofNanos(System.nanoTime() - started));
            service.recordPurged(p.id(), nodeId, dropped);
            purged.increment();
            objects.increment(dropped);
            Duration late = Duration.between(p.createdAt(), clock.instant());
            lag.record(late.isNegative() ? Duration.ZERO : late); // clocks of two nodes may differ
            log.debug("Invalidation {}: {} object(s) dropped on node {}", p.id(), dropped, nodeId);
        }
        if (pending.size() == BATCH && !purgeFailed) {
            return Duration.ZERO;
        }
        long inProgress = service.sweep();
        return purgeFailed ? RETRY : inProgress > 0 ? RECHECK : SAFETY_POLL;
    }

    @Override
    public void close() {
        running = false;
        wakeup.close();
        thread.interrupt();
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
