package io.edgecert.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgecert.json.Json;

import java.io.IOException;
import java.util.List;
import java.util.Optional;

/**
 * The parts of the API's answers the commands act on, as typed records (the CLI may not use the
 * server's own types: it is a client of the documented JSON). Unknown fields are ignored, so a
 * newer server does not break an older CLI. What a command prints stays the server's JSON as sent.
 */
final class Replies {
    private static final ObjectReader READER = Json.MAPPER.reader()
            .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Replies() {
    }

    /** One page of a list: {items, nextCursor}; items are printed as sent. */
    record Page(List<JsonNode> items, Optional<String> nextCursor) {
        Page {
            items = items == null ? List.of() : items;
            nextCursor = orEmpty(nextCursor).filter(c -> !c.isEmpty());
        }
    }

    record Warning(String code, String message) {
    }

    /** An imported or reimported certificate, for its warnings. */
    record Certificate(String id, List<Warning> warnings) {
        Certificate {
            warnings = warnings == null ? List.of() : warnings;
        }
    }

    /** Anything with a version (a distribution: the value of If-Match). */
    record Versioned(String id, int version) {
    }

    record Step(String name, String status, int total, int succeeded, int failed) {
    }

    record ItemError(String step, String code, String message) {
    }

    record Item(int index, Optional<String> name, Optional<ItemError> error) {
        Item {
            name = orEmpty(name);
            error = orEmpty(error);
        }
    }

    record Job(String id, String status, List<Step> steps, List<Item> items, Optional<String> error) {
        Job {
            steps = steps == null ? List.of() : steps;
            items = items == null ? List.of() : items;
            error = orEmpty(error);
        }
    }

    /** The answer to a job submission. */
    record Accepted(String jobId) {
    }

    /** An application/problem+json body. */
    record Problem(Optional<Integer> status, String code, Optional<String> detail, List<ApiProblem.FieldError> errors) {
        Problem {
            errors = errors == null ? List.of() : errors;
            status = orEmpty(status);
            detail = orEmpty(detail);
        }
    }

    /** Jackson may leave an absent Optional field null. */
    static <T> Optional<T> orEmpty(Optional<T> v) {
        return v == null ? Optional.empty() : v;
    }

    static <T> T read(JsonNode json, Class<T> type) {
        try {
            return READER.forType(type).readValue(json);
        } catch (IOException e) {
            throw CliException.io("the server's answer is not a " + type.getSimpleName() + " as documented: " + e.getMessage(), e);
        }
    }
}
