package io.edgecert.store;

import java.sql.SQLException;

/** A database failure the caller cannot fix; the web part answers 500 and logs it. */
public class StoreException extends RuntimeException {
    public StoreException(SQLException cause) {
        super(cause.getMessage(), cause);
    }

    /** SQLSTATE class 23: unique or foreign key violation, on both H2 and PostgreSQL. */
    public boolean isConstraintViolation() {
        String state = ((SQLException) getCause()).getSQLState();
        return state != null && state.startsWith("23");
    }
}
