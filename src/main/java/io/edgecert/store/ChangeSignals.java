package io.edgecert.store;

import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The one way a part learns that another part (on this node or any node) changed something: a
 * named channel raised inside the transaction that makes the change. On PostgreSQL it is
 * {@code pg_notify}, which every node's LISTEN connection receives when the transaction commits
 * (and never when it rolls back); on H2, where there is only this node, the waiters here are woken
 * right after the commit. Waiters keep a slow safety poll only for a signal lost with a broken
 * connection; the usual case costs no query at all while nothing changes.
 */
public final class ChangeSignals implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ChangeSignals.class);
    private static final Pattern CHANNEL = Pattern.compile("[a-z][a-z0-9_]{0,62}");
    /** How long the LISTEN loop blocks in one read; it only bounds how fast close() is seen. */
    private static final int LISTEN_READ_MILLIS = 1_000;
    private static final Duration RECONNECT_PAUSE = Duration.ofSeconds(1);

    private final Database.Kind kind;
    private final Optional<Listener> listener;
    private final Map<String, List<Consumer<String>>> subscribers = new ConcurrentHashMap<>();
    /** Signals raised inside a transaction on this thread, fired after its commit. */
    private final ThreadLocal<List<Raised>> pending = new ThreadLocal<>();

    record Raised(String channel, String payload) {
    }

    ChangeSignals(Database.Kind kind, Optional<String> url, Optional<String> user, Optional<String> password) {
        this.kind = kind;
        this.listener = kind == Database.Kind.POSTGRESQL && url.isPresent()
                ? Optional.of(new Listener(url.get(), user, password)) : Optional.empty();
    }

    /**
     * Raises {@code channel} as part of the transaction on {@code c}: delivered to every node's
     * subscribers once it commits, to none if it rolls back. Outside {@link Database#inTransaction}
     * (autocommit) the statement is its own commit.
     *
     * @param payload a short hint for the subscribers (an id), at most 1,000 characters; "" for none
     */
    public void raise(Connection c, String channel, String payload) throws SQLException {
        requireChannel(channel);
        if (payload.length() > 1_000) {
            throw new IllegalArgumentException("a signal's payload is a hint, not data: " + payload.length() + " characters");
        }
        if (kind == Database.Kind.POSTGRESQL) {
            try (PreparedStatement s = c.prepareStatement("SELECT pg_notify(?, ?)")) {
                s.setString(1, channel);
                s.setString(2, payload);
                s.execute();
            }
        }
        List<Raised> inTransaction = pending.get();
        if (inTransaction != null) {
            inTransaction.add(new Raised(channel, payload));
        } else {
            // autocommit (the statement was its own commit), or a transaction this class does not
            // see the end of: wake now rather than never. On PostgreSQL this node's LISTEN
            // connection delivers it once more, which is harmless: waiters re-read what changed.
            dispatch(channel, payload);
        }
    }

    public void raise(Connection c, String channel) throws SQLException {
        raise(c, channel, "");
    }

    /**
     * Calls {@code onSignal} with the payload each time {@code channel} is raised by any node. It
     * runs on the signal thread (or the committing thread on H2): it must be quick, typically
     * releasing a {@link Wakeup}.
     */
    public Subscription subscribe(String channel, Consumer<String> onSignal) {
        requireChannel(channel);
        subscribers.computeIfAbsent(channel, k -> new CopyOnWriteArrayList<>()).add(onSignal);
        listener.ifPresent(l -> l.listenTo(channel));
        return () -> subscribers.getOrDefault(channel, List.of()).remove(onSignal);
    }

    /** A waiter for one or more channels: {@link Wakeup#await} returns early when any is raised. */
    public Wakeup wakeup(String... channels) {
        Wakeup w = new Wakeup();
        for (String channel : channels) {
            w.subscriptions.add(subscribe(channel, payload -> w.signal()));
        }
        return w;
    }

    @FunctionalInterface
    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** Wakes a worker's loop; {@link #await} is its one wait, bounded by the safety poll. */
    public static final class Wakeup implements AutoCloseable {
        private final Semaphore permits = new Semaphore(0);
        private final List<Subscription> subscriptions = new CopyOnWriteArrayList<>();

        /** Wakes the next (or current) {@link #await}; several signals before it count as one. */
        public void signal() {
            permits.release();
        }

        /** Waits for a signal or the timeout; true when signalled. Drains signals that piled up. */
        public boolean await(Duration timeout) throws InterruptedException {
            boolean signalled = permits.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
            permits.drainPermits();
            return signalled;
        }

        @Override
        public void close() {
            subscriptions.forEach(Subscription::close);
            permits.release(); // a loop still waiting sees its stop flag at once
        }
    }

    /**
     * Called by {@link Database#inTransaction} before the work, so that its signals fire after the
     * commit only. Returns the enclosing transaction's list (a transaction opened inside another
     * on the same thread is a separate commit), to hand back to {@link #endTransaction}.
     */
    List<Raised> beginTransaction() {
        List<Raised> outer = pending.get();
        pending.set(new ArrayList<>());
        return outer;
    }

    void endTransaction(List<Raised> outer, boolean committed) {
        List<Raised> raised = pending.get();
        if (outer == null) {
            pending.remove();
        } else {
            pending.set(outer);
        }
        if (committed && raised != null) {
            for (Raised r : raised) {
                dispatch(r.channel(), r.payload());
            }
        }
    }

    private void dispatch(String channel, String payload) {
        for (Consumer<String> s : subscribers.getOrDefault(channel, List.of())) {
            try {
                s.accept(payload);
            } catch (RuntimeException e) {
                log.warn("A subscriber of {} failed: {}", channel, e.toString());
            }
        }
    }

    private void dispatchAll() {
        subscribers.keySet().forEach(channel -> dispatch(channel, ""));
    }

    private static void requireChannel(String channel) {
        if (!CHANNEL.matcher(channel).matches()) {
            throw new IllegalArgumentException("a channel is a lower-case identifier, got '" + channel + "'");
        }
    }

    @Override
    public void close() {
        listener.ifPresent(Listener::close);
        subscribers.clear();
    }

    /**
     * One LISTEN connection per node, outside the pool, read by one thread. After a broken
     * connection every channel is raised locally once: what was sent while it was down is lost.
     * So is what was sent before a channel's LISTEN took effect: it is raised once then, too.
     */
    private final class Listener {
        private final String url;
        private final Optional<String> user;
        private final Optional<String> password;
        private final Map<String, Boolean> channels = new ConcurrentHashMap<>();
        private final Map<String, Boolean> listening = new ConcurrentHashMap<>();
        private volatile boolean running = true;
        private volatile Thread thread;
        private volatile Connection connection;

        Listener(String url, Optional<String> user, Optional<String> password) {
            this.url = url;
            this.user = user;
            this.password = password;
        }

        synchronized void listenTo(String channel) {
            if (channels.putIfAbsent(channel, Boolean.TRUE) == null && thread == null && running) {
                thread = new Thread(this::run, "edgecert-change-signals");
                thread.setDaemon(true);
                thread.start();
            }
        }

        private void run() {
            boolean reconnect = false;
            while (running) {
                try {
                    if (connection == null) {
                        connection = DriverManager.getConnection(url, user.orElse(null), password.orElse(null));
                        listening.clear();
                        if (reconnect) {
                            log.info("Change signals: LISTEN connection is back");
                        }
                    }
                    for (String channel : channels.keySet()) {
                        if (!listening.containsKey(channel)) {
                            try (Statement s = connection.createStatement()) {
                                s.execute("LISTEN " + channel);
                            }
                            listening.put(channel, Boolean.TRUE);
                            if (!reconnect) {
                                // a change committed before LISTEN took effect was not delivered:
                                // the channel's subscribers re-read once, as after a reconnect
                                dispatch(channel, "");
                            }
                        }
                    }
                    if (reconnect) {
                        dispatchAll();
                        reconnect = false;
                    }
                    PGNotification[] got = connection.unwrap(PGConnection.class).getNotifications(LISTEN_READ_MILLIS);
                    if (got != null) {
                        for (PGNotification n : got) {
                            dispatch(n.getName(), n.getParameter() == null ? "" : n.getParameter());
                        }
                    }
                } catch (SQLException | RuntimeException e) {
                    if (!running) {
                        return;
                    }
                    log.warn("Change signals: LISTEN connection failed, retrying in {}: {}", RECONNECT_PAUSE, e.toString());
                    closeConnection();
                    reconnect = true;
                    try {
                        Thread.sleep(RECONNECT_PAUSE.toMillis());
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void closeConnection() {
            Connection c = connection;
            connection = null;
            listening.clear();
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException ignored) {
                    // already broken
                }
            }
        }

        void close() {
            running = false;
            Thread t = thread;
            if (t != null) {
                t.interrupt();
                try {
                    t.join(TimeUnit.SECONDS.toMillis(3));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            closeConnection();
        }
    }
}
