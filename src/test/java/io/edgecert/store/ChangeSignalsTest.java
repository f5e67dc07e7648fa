package io.edgecert.store;

import io.edgecert.testing.TestPostgres;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

class ChangeSignalsTest {
    @TempDir
    Path dir;

    @Test
    void onH2ASignalRaisedInATransactionWakesOnlyAfterItCommits() throws Exception {
        try (Database db = Database.open(Optional.empty(), Optional.empty(), Optional.empty(), dir)) {
            List<String> heard = new CopyOnWriteArrayList<>();
            db.signals().subscribe("edgecert_test", heard::add);
            db.inTransaction(c -> {
                db.signals().raise(c, "edgecert_test", "one");
                assertThat(heard).as("not before the commit").isEmpty();
                return null;
            });
            assertThat(heard).containsExactly("one");

            assertThatThrownBy(() -> db.inTransaction(c -> {
                db.signals().raise(c, "edgecert_test", "rolled-back");
                throw new IllegalStateException("fails");
            })).hasMessage("fails");
            assertThat(heard).as("a rolled-back change raises nothing").containsExactly("one");
        }
    }

    @Test
    void aWakeupReturnsAtOnceWhenSignalledAndAfterItsTimeoutWhenNot() throws Exception {
        try (Database db = Database.open(Optional.empty(), Optional.empty(), Optional.empty(), dir);
             ChangeSignals.Wakeup w = db.signals().wakeup("edgecert_a", "edgecert_b")) {
            assertThat(w.await(Duration.ofMillis(50))).isFalse();
            db.withConnection(c -> {
                db.signals().raise(c, "edgecert_b");
                db.signals().raise(c, "edgecert_b");
                return null;
            });
            assertThat(w.await(Duration.ofSeconds(10))).isTrue();
            assertThat(w.await(Duration.ofMillis(50))).as("two signals before one wait count once").isFalse();
        }
    }

    @Test
    void onPostgresqlEveryNodeHearsACommittedSignalAndNoneARolledBackOne() throws Exception {
        TestPostgres.Db pg = TestPostgres.createDatabase();
        try (Database a = Database.open(Optional.of(pg.url()), Optional.of("postgres"), Optional.empty(), dir);
             Database b = Database.open(Optional.of(pg.url()), Optional.of("postgres"), Optional.empty(), dir)) {
            List<String> heard = new CopyOnWriteArrayList<>();
            b.signals().subscribe("edgecert_test", heard::add);
            // LISTEN is issued by b's signal thread: raise until it has been heard once
            await().atMost(Duration.ofSeconds(15)).until(() -> {
                a.inTransaction(c -> {
                    a.signals().raise(c, "edgecert_test", "warm-up");
                    return null;
                });
                return !heard.isEmpty();
            });
            heard.clear();
            assertThatThrownBy(() -> a.inTransaction(c -> {
                a.signals().raise(c, "edgecert_test", "rolled-back");
                throw new IllegalStateException("fails");
            }));
            a.inTransaction(c -> {
                a.signals().raise(c, "edgecert_test", "job-42");
                return null;
            });
            await().atMost(Duration.ofSeconds(10)).until(() -> heard.contains("job-42"));
            assertThat(heard).doesNotContain("rolled-back");
        } finally {
            pg.drop();
        }
    }

    /** What committed between subscribe and its LISTEN taking effect is not delivered: the subscriber re-reads once. */
    @Test
    void onPostgresqlASubscriberIsWokenOnceItsListenTakesEffect() throws Exception {
        TestPostgres.Db pg = TestPostgres.createDatabase();
        try (Database b = Database.open(Optional.of(pg.url()), Optional.of("postgres"), Optional.empty(), dir)) {
            List<String> heard = new CopyOnWriteArrayList<>();
            b.signals().subscribe("edgecert_test_start", heard::add);
            await().atMost(Duration.ofSeconds(15)).until(() -> heard.contains(""));
        } finally {
            pg.drop();
        }
    }

    @Test
    void channelNamesAreIdentifiers() throws Exception {
        try (Database db = Database.open(Optional.empty(), Optional.empty(), Optional.empty(), dir)) {
            assertThatThrownBy(() -> db.signals().subscribe("x; DROP TABLE y", p -> { }))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }
}
