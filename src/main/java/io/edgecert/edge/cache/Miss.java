package io.edgecert.edge.cache;

import io.netty.util.concurrent.EventExecutor;

import java.util.Optional;
import java.util.OptionalLong;
import java.util.function.Predicate;

/**
 * What a lookup that found nothing usable does next (request collapsing): the first miss of a key
 * {@link Lead leads} (fetches from the origin and fills), the concurrent ones {@link Join join}
 * its fill. Never blocks.
 */
public sealed interface Miss permits Miss.Lead, Miss.Join {

    /**
     * This request fetches from the origin. Exactly one of {@link #begin}, {@link #pass} or
     * {@link #fail} must follow (the handler does it on every path: a lead that never settles
     * holds its waiters until the collapse timeout). Used on the filler's thread only.
     */
    final class Lead implements Miss {
        private final CacheStore store;
        private final CacheKey key;
        private final Flight flight;
        private boolean settled;

        Lead(CacheStore store, CacheKey key, Flight flight) {
            this.store = store;
            this.key = key;
            this.flight = flight;
        }

        public CacheKey key() {
            return key;
        }

        /**
         * The origin's head is in and the strategy says it may be stored: start storing it, and
         * serve the waiters whose requests it matches.
         *
         * @param contentLength the body's length when the origin said it
         * @return the fill to feed, or empty when the body is larger than the store keeps (then
         *         pass it through; the waiters were released to fetch themselves)
         */
        public Optional<Fill> begin(StoredHead head, OptionalLong contentLength) {
            settle();
            if (contentLength.isPresent() && contentLength.getAsLong() > store.settings().maxObjectBytes()) {
                store.passed(key);
                release(FillReader.Release.NOT_STORABLE);
                return Optional.empty();
            }
            Fill fill = store.newFill(key, head, contentLength.orElse(-1), flight);
            if (flight != null) {
                flight.began(fill);
            }
            return Optional.of(fill);
        }

        /**
         * The response is not to be stored: the waiters fetch for themselves, and the key's misses
         * stop collapsing for a while (CacheStore#miss).
         */
        public void pass() {
            settle();
            store.passed(key);
            release(FillReader.Release.NOT_STORABLE);
        }

        /** The origin request failed before its head: the waiters fetch for themselves (failover, stale-if-error). */
        public void fail(Throwable cause) {
            settle();
            release(FillReader.Release.FILLER_FAILED);
        }

        private void settle() {
            if (settled) {
                throw new IllegalStateException("the lead of " + key + " is settled already");
            }
            settled = true;
        }

        private void release(FillReader.Release why) {
            if (flight != null) {
                flight.release(why);
            }
        }
    }

    /** Another request is fetching this key: wait for its head (bounded by the collapse timeout) and read its fill. */
    final class Join implements Miss {
        private final CacheStore store;
        private final Flight flight;

        Join(CacheStore store, Flight flight) {
            this.store = store;
            this.flight = flight;
        }

        /**
         * @param executor the reader's event loop: every callback comes on it
         * @param matches  whether a head answers this reader's request (the strategy's Vary
         *                 decision); called on the filler's thread, so it must be a pure function
         * @return a hold to cancel when the reader's client goes away
         */
        public Subscription await(EventExecutor executor, Predicate<StoredHead> matches, FillReader reader) {
            return flight.await(executor, store.settings().collapseTimeout(), matches, reader);
        }
    }
}
