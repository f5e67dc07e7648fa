package io.edgecert.events;

/** Makes one delivery attempt. Failures the receiver causes come back as an outcome, not an exception. */
interface Sender {
    /** @throws InterruptedException when the node is stopping: the attempt is not recorded and is made again later */
    Outcome send(Target target, Event event) throws InterruptedException;
}
