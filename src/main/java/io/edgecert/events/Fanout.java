package io.edgecert.events;

import io.edgecert.store.Database;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns new outbox events into one pending delivery per matching subscription, and marks the
 * events done, in one transaction: a crash either leaves both undone or both done. Subscriptions
 * created after an event was fanned out do not receive it.
 */
final class Fanout {
    static final int BATCH = 100;

    private final Database db;
    private final DeliveryRepository deliveries;
    private final SubscriptionRepository subscriptions;
    private final Clock clock;

    Fanout(Database db, DeliveryRepository deliveries, SubscriptionRepository subscriptions, Clock clock) {
        this.db = db;
        this.deliveries = deliveries;
        this.subscriptions = subscriptions;
        this.clock = clock;
    }

    /** Fans out everything there is; returns the number of events handled. */
    int run() {
        int total = 0;
        int n;
        do {
            n = runOnce();
            total += n;
        } while (n == BATCH);
        return total;
    }

    private int runOnce() {
        return db.inTransaction(this::runOnce);
    }

    /** One batch in the caller's transaction (the delivery worker's claim): returns the events handled. */
    int runOnce(java.sql.Connection c) throws java.sql.SQLException {
        List<DeliveryRepository.NewEvent> events = deliveries.lockNewEvents(c, BATCH);
        if (events.isEmpty()) {
            return 0;
        }
        List<Subscription> all = subscriptions.all(c);
        List<DeliveryRepository.NewDelivery> out = new ArrayList<>();
        for (DeliveryRepository.NewEvent e : events) {
            for (Subscription s : all) {
                if (s.wants(e.type())) {
                    out.add(new DeliveryRepository.NewDelivery(s.id(), e.id(), e.type()));
                }
            }
        }
        if (!out.isEmpty()) {
            deliveries.insertPending(c, out, clock.instant());
        }
        deliveries.markFannedOut(c, events);
        return events.size();
    }
}
