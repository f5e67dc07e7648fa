package io.edgecert.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The machine's real PostgreSQL (127.0.0.1:5432, user postgres, trust auth; override with
 * EDGECERT_TEST_PG_URL). Every test gets a database of its own, dropped afterwards.
 */
public final class TestPostgres {
    private static final String ADMIN_URL = System.getenv().getOrDefault("EDGECERT_TEST_PG_URL",
            "jdbc:postgresql://127.0.0.1:5432/postgres");

    private TestPostgres() {
    }

    public record Db(String name, String url) {
        public void drop() {
            try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            } catch (SQLException e) {
                throw new IllegalStateException("cannot drop test database " + name, e);
            }
        }
    }

    public static Db createDatabase() {
        String name = "edgecert_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
        try (Connection c = DriverManager.getConnection(ADMIN_URL, "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("PostgreSQL is needed for this test at " + ADMIN_URL
                    + " (user postgres, trust auth): " + e.getMessage(), e);
        }
        return new Db(name, ADMIN_URL.substring(0, ADMIN_URL.lastIndexOf('/') + 1) + name);
    }
}
