package io.edgecert.edge.cache;

/** A reader's hold on a fill: cancel when its client goes away (chunks still queued are released). */
@FunctionalInterface
public interface Subscription {
    Subscription NONE = () -> { };

    void cancel();
}
