package io.edgecert.problems;

import java.util.Objects;
import java.util.Optional;

/**
 * One thing wrong with one field of a request. The message tells the user what to fix and never
 * contains key material.
 */
public record Violation(String field, ErrorCode code, String message, Optional<Integer> index) {
    public Violation {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(index, "index");
    }

    public Violation(String field, ErrorCode code, String message) {
        this(field, code, message, Optional.empty());
    }

    /** The same violation about item {@code i} of a list (a job's certificates[i]). */
    public Violation forItem(String listField, int i) {
        String prefix = listField + "[" + i + "]";
        return new Violation(field == null ? prefix : prefix + "." + field, code, "item " + i + ": " + message, Optional.of(i));
    }
}
