package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Instant;

/**
 * An event read back from the outbox, as it is sent. type is a string rather than an
 * {@link EventType}: test messages have a type of their own that nobody can subscribe to.
 */
public record Event(String id, String type, String subjectId, Instant createdAt, JsonNode detail) {
    /** The type of the message sent by {@code POST /api/v1/subscriptions/{id}/test}. */
    public static final String TEST_TYPE = "SubscriptionTest";
}
