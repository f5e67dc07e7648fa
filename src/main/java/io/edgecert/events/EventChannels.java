package io.edgecert.events;

/** The events part's {@link io.edgecert.store.ChangeSignals} channels. */
public final class EventChannels {
    /** An event was written to the outbox, or a delivery became due; wakes the delivery workers. */
    public static final String OUTBOX = "edgecert_events";

    private EventChannels() {
    }
}
