package io.edgecert.web.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Failed sign-ins per (user name, client address) and per client address, in a sliding window.
 * Buckets never span addresses, so failures from one address cannot lock a user (or the admin
 * token) out everywhere. An attempt is counted when it starts, under the lock, before the slow
 * password hash: parallel requests cannot run past the limit; a success takes its count back.
 */
final class LoginThrottle {
    static final int USER_LIMIT = 10;
    static final int CLIENT_LIMIT = 30;
    static final Duration WINDOW = Duration.ofMinutes(15);
    private static final int MAX_KEYS = 10_000;

    private final Clock clock;
    private final Map<String, Deque<Instant>> attempts = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Deque<Instant>> eldest) {
            return size() > MAX_KEYS;
        }
    };

    LoginThrottle(Clock clock) {
        this.clock = clock;
    }

    static String userKey(String user, String client) {
        // a long made-up user name must not grow the map: a prefix keys it just as well
        return "u:" + client + " " + (user.length() > 200 ? user.substring(0, 200) : user);
    }

    static String clientKey(String client) {
        return "c:" + client;
    }

    /** Counts one attempt and says whether it may go ahead (false: over a limit, nothing counted). */
    synchronized boolean attempt(String user, String client) {
        Instant now = clock.instant();
        Deque<Instant> byUser = bucket(userKey(user, client), now);
        Deque<Instant> byClient = bucket(clientKey(client), now);
        if (byUser.size() >= USER_LIMIT || byClient.size() >= CLIENT_LIMIT) {
            return false;
        }
        byUser.addLast(now);
        byClient.addLast(now);
        return true;
    }

    /** The attempt was right: the user's failures from this address are forgotten, and this attempt too. */
    synchronized void succeeded(String user, String client) {
        attempts.remove(userKey(user, client));
        Deque<Instant> byClient = attempts.get(clientKey(client));
        if (byClient != null) {
            byClient.pollLast();
        }
    }

    private Deque<Instant> bucket(String key, Instant now) {
        Deque<Instant> d = attempts.computeIfAbsent(key, k -> new ArrayDeque<>());
        Instant cutoff = now.minus(WINDOW);
        while (!d.isEmpty() && d.peekFirst().isBefore(cutoff)) {
            d.removeFirst();
        }
        return d;
    }
}
