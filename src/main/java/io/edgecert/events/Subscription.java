package io.edgecert.events;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A subscription as the API shows it. eventTypes is absent when every type is wanted (so types
 * added later reach it too). signingSecret is present only in the answer to the create call: it is
 * stored encrypted and never shown again.
 */
public record Subscription(String id, Optional<String> name, Protocol protocol, String endpoint,
                           Optional<List<EventType>> eventTypes, Instant createdAt, Optional<String> signingSecret) {

    public boolean wants(String eventType) {
        return eventTypes.map(types -> types.stream().anyMatch(t -> t.name().equals(eventType))).orElse(true);
    }

    Subscription withSigningSecret(String secret) {
        return new Subscription(id, name, protocol, endpoint, eventTypes, createdAt, Optional.of(secret));
    }

    @Override
    public String toString() {
        return "Subscription[" + id + ", " + protocol.wireName() + "]";
    }
}
