package io.edgecert.events;

import java.time.Instant;
import java.util.Optional;

/**
 * One event (or test message) for one subscription: the delivery log entry the API shows.
 * lastStatusCode is the receiver's HTTP status for webhooks.
 */
public record Delivery(String id, String subscriptionId, String eventId, String eventType, DeliveryStatus status,
                       int attempts, Optional<Integer> lastStatusCode, Optional<String> lastError,
                       Optional<Instant> lastAttemptAt, Optional<Instant> nextAttemptAt, Optional<Instant> deliveredAt,
                       Instant createdAt) {
}
