package io.edgecert.problems;

import java.util.Objects;

/**
 * One thing wrong with one field of a request. The message tells the user what to fix and never
 * contains key material.
 */
public record Violation(String field, ErrorCode code, String message) {
    public Violation {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }
}
