package io.edgecert.events;

/** Where a delivery stands: waiting for its (next) attempt, done, or given up after the last retry. */
public enum DeliveryStatus {
    PENDING,
    DELIVERED,
    FAILED
}
