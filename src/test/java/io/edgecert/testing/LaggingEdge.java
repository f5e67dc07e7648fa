package io.edgecert.testing;

import io.edgecert.EdgecertNode;
import io.edgecert.serving.RouteSource;

import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A second edge node that is alive and applies nothing, as a slow edge would: it reports through
 * the same {@link RouteSource} a node's edge uses (no edge_nodes row written by hand), keeps its
 * heartbeat fresh while it is open, and holds every deployment made meanwhile InProgress until
 * {@link #catchUp} or {@link #close}.
 */
public final class LaggingEdge implements AutoCloseable {
    private final RouteSource routes;
    private final String nodeId = "lagging-" + UUID.randomUUID().toString().substring(0, 8);
    private final ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "test-lagging-edge");
        t.setDaemon(true);
        return t;
    });
    private volatile long applied = -1;

    private LaggingEdge(RouteSource routes) {
        this.routes = routes;
    }

    /** Joins the node's database as a live edge node that has applied nothing. */
    public static LaggingEdge join(EdgecertNode node) {
        LaggingEdge edge = new LaggingEdge(node.distributions().routesForEdge());
        edge.report();
        long period = RouteSource.HEARTBEAT.toMillis();
        edge.heartbeat.scheduleAtFixedRate(edge::report, period, period, TimeUnit.MILLISECONDS);
        return edge;
    }

    /** Applies everything there is now, and nothing after it. */
    public void catchUp() {
        applied = routes.fingerprint().maxChangeSeq();
        report();
    }

    private void report() {
        routes.report(nodeId, "lagging.test", applied);
    }

    /** Leaves: the node no longer holds anything back. */
    @Override
    public void close() {
        heartbeat.shutdownNow();
        try {
            heartbeat.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        routes.forget(nodeId);
    }
}
