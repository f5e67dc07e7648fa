package io.edgecert.events;

import java.util.Optional;

/** What one delivery attempt achieved: delivered, or the reason it was not. */
public record Outcome(boolean delivered, Optional<Integer> statusCode, Optional<String> error) {
    /** Errors land in the delivery log; the column holds 1000 characters. */
    static final int MAX_ERROR = 1000;

    public static Outcome delivered(Optional<Integer> statusCode) {
        return new Outcome(true, statusCode, Optional.empty());
    }

    public static Outcome failed(Optional<Integer> statusCode, String error) {
        String e = error == null || error.isBlank() ? "unknown error" : error;
        return new Outcome(false, statusCode, Optional.of(e.length() > MAX_ERROR ? e.substring(0, MAX_ERROR - 3) + "..." : e));
    }
}
