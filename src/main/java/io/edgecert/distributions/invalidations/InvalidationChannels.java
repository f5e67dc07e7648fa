package io.edgecert.distributions.invalidations;

/** The {@link io.edgecert.store.ChangeSignals} channels of invalidations. */
public final class InvalidationChannels {
    /** An invalidation was created; wakes every node's {@link InvalidationFollower}. */
    public static final String CREATED = "edgecert_invalidation";
    /** A node purged one, or one was completed; wakes those waiting for completion. */
    public static final String PURGED = "edgecert_invalidation_purged";

    private InvalidationChannels() {
    }
}
