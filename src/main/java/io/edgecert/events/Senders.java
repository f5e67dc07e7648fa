package io.edgecert.events;

import java.util.Optional;

/** Picks the sender for a target's protocol. Email is absent when no SMTP server is configured. */
final class Senders implements Sender {
    private final Optional<Sender> email;
    private final Sender webhook;

    Senders(Optional<Sender> email, Sender webhook) {
        this.email = email;
        this.webhook = webhook;
    }

    boolean emailEnabled() {
        return email.isPresent();
    }

    @Override
    public Outcome send(Target target, Event event) throws InterruptedException {
        if (target.protocol().isWebhook()) {
            return webhook.send(target, event);
        }
        if (email.isEmpty()) {
            return Outcome.failed(Optional.empty(), "email is not configured on this node (EDGECERT_SMTP_HOST)");
        }
        return email.get().send(target, event);
    }
}
