package io.edgecert.serving;

import java.time.Duration;
import java.util.List;

/**
 * What the edge's loader reads and reports, implemented by the distributions part over its
 * tables. The edge never writes a distribution, and distributions never see the edge's state
 * but through {@link #report}.
 */
public interface RouteSource {
    /**
     * How often a node's edge says it is alive when nothing changes. The only reader is the
     * Deployed/InProgress status (API, console, a job waiting for its distributions): it counts
     * the nodes seen within {@link #LIVENESS}. A node reports at once whenever it applies a change,
     * and a stopping node removes itself, so the heartbeat matters only after a crash: it bounds
     * how long a dead node holds deployments back, and a few seconds more is harmless there.
     */
    Duration HEARTBEAT = Duration.ofSeconds(5);

    /** Three heartbeats: one late beat (a GC pause, a slow commit) does not make a node look dead. */
    Duration LIVENESS = HEARTBEAT.multipliedBy(3);

    RoutesFingerprint fingerprint();

    /** Distributions changed after {@code afterSeq} (every one for -1), in change order. */
    List<DeployedRoute> changedSince(long afterSeq);

    /**
     * Every distribution, for a node's first load, with certificate version 0: that load reads
     * every certificate it needs at its current version anyway.
     */
    List<DeployedRoute> all();

    /**
     * This node serves every change up to {@code appliedSeq} and is alive. When the applied change
     * moved, those waiting for a deployment are woken.
     */
    void report(String nodeId, String host, long appliedSeq);

    /** This node stops serving: it no longer holds deployments back. */
    void forget(String nodeId);
}
