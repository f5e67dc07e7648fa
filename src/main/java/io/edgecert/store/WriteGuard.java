package io.edgecert.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * A check run first inside a write's transaction, so the write commits only if it still holds.
 * Jobs use it to fence creates on their lease: a node that lost the lease must not create a
 * certificate or distribution after another node (or a rollback) moved on. It refuses by throwing.
 */
@FunctionalInterface
public interface WriteGuard {
    WriteGuard NONE = c -> { };

    void check(Connection c) throws SQLException;
}
