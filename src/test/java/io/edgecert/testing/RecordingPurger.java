package io.edgecert.testing;

import io.edgecert.serving.CachePurger;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A node's cache purger as a test sees it: every purge it was asked for, in order, handed on to the
 * node's own purger. {@link #hold} makes purges wait (a slow node) until {@link #release}.
 */
public final class RecordingPurger implements CachePurger {
    public record Call(String distributionId, List<String> paths) {
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private volatile CachePurger next = CachePurger.NONE;
    private volatile CountDownLatch gate;

    /** For EdgecertNode.start / TestNode.start: records, then purges with the node's own purger. */
    public UnaryOperator<CachePurger> wrapping() {
        return own -> {
            next = own;
            return this;
        };
    }

    @Override
    public long purge(String distributionId, List<String> paths) {
        CountDownLatch g = gate;
        if (g != null) {
            try {
                if (!g.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("held for 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while held", e);
            }
        }
        long dropped = next.purge(distributionId, paths);
        calls.add(new Call(distributionId, List.copyOf(paths)));
        return dropped;
    }

    /** Purges wait from now on until {@link #release}. */
    public void hold() {
        gate = new CountDownLatch(1);
    }

    public void release() {
        CountDownLatch g = gate;
        gate = null;
        if (g != null) {
            g.countDown();
        }
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> callsFor(String distributionId) {
        return calls.stream().filter(c -> c.distributionId().equals(distributionId)).toList();
    }
}
