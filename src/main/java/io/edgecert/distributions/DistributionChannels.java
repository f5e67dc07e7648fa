package io.edgecert.distributions;

/** The {@link io.edgecert.store.ChangeSignals} channels of distributions and their deployment. */
public final class DistributionChannels {
    /** A distribution (or a certificate it serves) changed; wakes every node's edge deployment. */
    public static final String CHANGED = "edgecert_edge";
    /** A node's edge applied a new version (its heartbeat row moved); wakes those waiting for a deploy. */
    public static final String APPLIED = "edgecert_edge_applied";

    private DistributionChannels() {
    }
}
