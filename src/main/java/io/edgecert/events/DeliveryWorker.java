package io.edgecert.events;

import io.edgecert.store.ClaimLoop;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Delivers events. Its {@link ClaimLoop} wakes when an event is written (the outbox signal, raised
 * by {@link EventLog} in the event's transaction, on any node), when a retry this node scheduled
 * falls due, or at the slow safety poll; it fans new outbox events out into deliveries and claims due
 * deliveries, never more than there are free sender threads, and never more than a quarter of them
 * for one subscription, so a slow or dead receiver holds at most its share of threads (each for at
 * most the timeouts) while the others keep going. Claims expire: the deliveries of a node that dies
 * are picked up by another, or by itself after a restart. Delivery is therefore at least once;
 * receivers deduplicate on the event id.
 */
public final class DeliveryWorker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(DeliveryWorker.class);

    private final Database db;
    private final DeliveryRepository deliveries;
    private final Fanout fanout;
    private final Sender sender;
    private final SigningSecrets secrets;
    private final Clock clock;
    private final MeterRegistry metrics;
    private final Backoff backoff;
    /** Longer than the longest attempt can take, so a live claim is never taken over. */
    private final Duration claimFor;
    private final int perSubscription;
    private final ClaimLoop<Claimed> loop;
    /** Deliveries being sent by this node, per subscription; guarded by this. */
    private final Map<String, Integer> inFlight = new HashMap<>();

    private record Claimed(DeliveryRepository.Due due, String token) {
    }

    DeliveryWorker(Database db, DeliveryRepository deliveries, Fanout fanout, Sender sender, SigningSecrets secrets,
                   Clock clock, MeterRegistry metrics, NotificationSettings settings) {
        this.db = db;
        this.deliveries = deliveries;
        this.fanout = fanout;
        this.sender = sender;
        this.secrets = secrets;
        this.clock = clock;
        this.metrics = metrics;
        this.backoff = settings.backoff();
        this.perSubscription = Math.max(1, settings.deliveryThreads() / 4);
        // an SMTP exchange is several steps, each with the request timeout
        this.claimFor = settings.connectTimeout().plus(settings.requestTimeout().multipliedBy(6)).plusSeconds(30);
        this.loop = new ClaimLoop<>("edgecert-delivery", settings.deliveryThreads(), settings.pollInterval(),
                db.signals().wakeup(EventChannels.OUTBOX), this::claim, this::send);
    }

    DeliveryWorker start() {
        loop.start();
        return this;
    }

    /** Look at the outbox now rather than at the next signal or poll. */
    public void wake() {
        loop.wake();
    }

    /** Fans out what is new, then claims up to {@code free} due deliveries within each subscription's share. */
    private List<Claimed> claim(int free) {
        Set<String> saturated;
        synchronized (this) {
            saturated = inFlight.entrySet().stream().filter(e -> e.getValue() >= perSubscription)
                    .map(Map.Entry::getKey).collect(Collectors.toSet());
        }
        String token = Ids.newId();
        boolean[] moreEvents = {false};
        // one transaction for both, so an idle look costs one (bench/idle); what it fans out is claimable at once
        List<DeliveryRepository.Due> claimed = db.inTransaction(c -> {
            moreEvents[0] = fanout.runOnce(c) == Fanout.BATCH;
            Instant now = clock.instant();
            Map<String, Integer> taken = new HashMap<>();
            List<DeliveryRepository.Due> got = new ArrayList<>();
            for (DeliveryRepository.Due d : deliveries.lockDue(c, now, saturated, free * 2)) {
                if (got.size() == free) {
                    break;
                }
                if (inFlightOf(d.subscriptionId()) + taken.getOrDefault(d.subscriptionId(), 0) >= perSubscription) {
                    continue;
                }
                if (deliveries.claim(c, d.id(), token, now, now.plus(claimFor))) {
                    got.add(d);
                    taken.merge(d.subscriptionId(), 1, Integer::sum);
                }
            }
            return got;
        });
        if (moreEvents[0]) {
            fanout.run(); // a burst: the rest of the outbox, then the loop claims again
            loop.wake();
        }
        synchronized (this) {
            claimed.forEach(d -> inFlight.merge(d.subscriptionId(), 1, Integer::sum));
        }
        return claimed.stream().map(d -> new Claimed(d, token)).toList();
    }

    private synchronized int inFlightOf(String subscriptionId) {
        return inFlight.getOrDefault(subscriptionId, 0);
    }

    private void send(Claimed c) {
        try {
            attempt(c.due().id(), c.token());
        } finally {
            synchronized (this) {
                inFlight.computeIfPresent(c.due().subscriptionId(), (k, v) -> v == 1 ? null : v - 1);
            }
        }
    }

    private void attempt(String deliveryId, String token) {
        try {
            Optional<DeliveryRepository.Work> work = db.withConnection(c -> deliveries.load(c, deliveryId, token));
            if (work.isEmpty()) {
                return;
            }
            DeliveryRepository.Work w = work.get();
            Outcome outcome;
            try {
                Target target = new Target(w.subscriptionId(), w.protocol(), w.endpoint(),
                        w.sealedSecret().map(s -> secrets.open(s, w.subscriptionId())));
                outcome = sender.send(target, w.event());
            } catch (InterruptedException stopping) {
                // not recorded: the claim expires and the attempt is made again
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.warn("Delivery {} of event {}: {}", deliveryId, w.event().id(), e.toString(), e);
                outcome = Outcome.failed(Optional.empty(), "edgecert could not send it: " + e.getMessage());
            }
            record(w, token, outcome);
        } catch (RuntimeException e) {
            // the database went away: the claim expires and another attempt follows
            log.warn("Delivery {}: {}", deliveryId, e.toString());
        }
    }

    private void record(DeliveryRepository.Work w, String token, Outcome outcome) {
        int attempts = w.attempts() + 1;
        Instant now = clock.instant();
        Optional<Duration> wait = outcome.delivered() ? Optional.empty() : backoff.after(attempts);
        DeliveryStatus status = outcome.delivered() ? DeliveryStatus.DELIVERED
                : wait.isPresent() ? DeliveryStatus.PENDING : DeliveryStatus.FAILED;
        db.inTransaction(c -> deliveries.recordAttempt(c, w.deliveryId(), token, outcome, status, wait.map(now::plus), now));
        metrics.counter("edgecert_notification_attempts_total", "protocol", w.protocol().wireName(),
                "result", status == DeliveryStatus.PENDING ? "retrying" : status.name().toLowerCase(Locale.ROOT)).increment();
        switch (status) {
            // subscription ids, not endpoints: some webhook URLs carry a secret in their path
            case DELIVERED -> log.debug("Delivered {} {} to subscription {}", w.event().type(), w.event().id(), w.subscriptionId());
            case PENDING -> log.info("Delivery of {} {} to subscription {} failed (attempt {}): {}; next attempt in {} ms",
                    w.event().type(), w.event().id(), w.subscriptionId(), attempts, outcome.error().orElse(""),
                    wait.orElseThrow().toMillis());
            case FAILED -> log.warn("Gave up delivering {} {} to subscription {} after {} attempts: {}", w.event().type(),
                    w.event().id(), w.subscriptionId(), attempts, outcome.error().orElse(""));
        }
        if (status == DeliveryStatus.PENDING) {
            loop.wakeAfter(wait.orElseThrow()); // this node's retry; another node's is found by the safety poll
        }
    }

    @Override
    public void close() {
        loop.close();
    }
}
