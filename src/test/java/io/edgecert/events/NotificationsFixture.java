package io.edgecert.events;

import io.edgecert.crypto.KeyCipher;
import io.edgecert.crypto.MasterKey;
import io.edgecert.store.Database;
import io.edgecert.testing.TestPostgres;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A fresh database (embedded H2, or a PostgreSQL database of its own that is dropped at the end)
 * and the real notification parts on it. {@link #startNode} may be called twice on PostgreSQL:
 * two "nodes" with their own connection pools sharing the database, as two processes would.
 */
final class NotificationsFixture implements AutoCloseable {
    enum Store { H2, POSTGRESQL }

    final Store store;
    final Database db;
    final KeyCipher cipher = new KeyCipher(MasterKey.fromBase64(MasterKey.generateBase64()));
    final PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Path dir;
    private final TestPostgres.Db postgres;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    private NotificationsFixture(Store store) {
        this.store = store;
        try {
            this.dir = Files.createTempDirectory("edgecert-events");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.postgres = store == Store.POSTGRESQL ? TestPostgres.createDatabase() : null;
        this.db = openDatabase();
    }

    static NotificationsFixture open(Store store) {
        return new NotificationsFixture(store);
    }

    /** Settings for tests: milliseconds where production waits seconds. */
    static NotificationSettings fast() {
        return NotificationSettings.defaults()
                .withPollInterval(Duration.ofMillis(25))
                .withBackoff(new Backoff(Duration.ofMillis(50), Duration.ofSeconds(1), 8))
                .withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(2));
    }

    Notifications startNode(NotificationSettings settings) {
        return startNode(settings, Clock.systemUTC());
    }

    Notifications startNode(NotificationSettings settings, Clock clock) {
        boolean second = closeables.stream().anyMatch(c -> c instanceof Notifications);
        return track(Notifications.start(second ? anotherPool() : db, cipher, clock, metrics, settings));
    }

    /** On PostgreSQL a pool of its own, as another process would have; H2 has one node only. */
    Database anotherPool() {
        return store == Store.POSTGRESQL ? track(openDatabase()) : db;
    }

    /** What the jobs part does: an event written in a transaction of its own. */
    String append(EventType type, String subjectId, Map<String, ?> payload) {
        return db.inTransaction(c -> new EventLog(Clock.systemUTC(), db.signals()).append(c, type, subjectId, payload));
    }

    private Database openDatabase() {
        return postgres == null
                ? Database.open(Optional.empty(), Optional.empty(), Optional.empty(), dir)
                : Database.open(Optional.of(postgres.url()), Optional.of("postgres"), Optional.empty(), dir);
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    @Override
    public void close() {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        db.close();
        if (postgres != null) {
            postgres.drop();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
