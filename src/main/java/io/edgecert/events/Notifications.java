package io.edgecert.events;

import io.edgecert.crypto.KeyCipher;
import io.edgecert.store.Database;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * The events part of a node, wired in one place: the subscriptions service,
 * the delivery worker and the expiry watcher. Closing stops the background work; deliveries in
 * flight are made again later (by this node after a restart, or by another).
 */
public final class Notifications implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifications.class);

    private final Subscriptions subscriptions;
    private final DeliveryWorker worker;
    private final ExpiryWatcher expiry;

    private Notifications(Subscriptions subscriptions, DeliveryWorker worker, ExpiryWatcher expiry) {
        this.subscriptions = subscriptions;
        this.worker = worker;
        this.expiry = expiry;
    }

    /** Builds the parts and starts the delivery worker and the expiry watcher. */
    public static Notifications start(Database db, KeyCipher cipher, Clock clock, MeterRegistry metrics,
                                      NotificationSettings settings) {
        SubscriptionRepository subscriptionRepository = new SubscriptionRepository();
        DeliveryRepository deliveryRepository = new DeliveryRepository();
        SigningSecrets secrets = new SigningSecrets(cipher);
        Senders senders = new Senders(
                settings.smtp().map(s -> new EmailSender(s, settings.connectTimeout(), settings.requestTimeout(), clock)),
                new WebhookSender(settings.connectTimeout(), settings.requestTimeout(), clock));
        Subscriptions subscriptions = new Subscriptions(db, subscriptionRepository, deliveryRepository, secrets, senders, clock);
        DeliveryWorker worker = new DeliveryWorker(db, deliveryRepository,
                new Fanout(db, deliveryRepository, subscriptionRepository, clock), senders, secrets, clock, metrics, settings);
        ExpiryWatcher expiry = new ExpiryWatcher(db, new EventLog(clock, db.signals()), clock, metrics,
                settings.expiryCheckInterval(), settings.expiryWarningDays());
        worker.start();
        expiry.start();
        log.info("Notifications: email {}, expiry check every {} warning {} days ahead",
                settings.smtp().map(s -> "via " + s.host() + ":" + s.port()).orElse("off (EDGECERT_SMTP_HOST not set)"),
                settings.expiryCheckInterval(), settings.expiryWarningDays());
        return new Notifications(subscriptions, worker, expiry);
    }

    public Subscriptions subscriptions() {
        return subscriptions;
    }

    public DeliveryWorker deliveries() {
        return worker;
    }

    public ExpiryWatcher expiry() {
        return expiry;
    }

    @Override
    public void close() {
        expiry.close();
        worker.close();
    }
}
