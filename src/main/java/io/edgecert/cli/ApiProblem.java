package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A refusal from the server: its application/problem+json body (code, detail, errors[]), or what
 * can be said of a body that is not one (a proxy's HTML 502, say).
 */
record ApiProblem(int status, String code, Optional<String> detail, List<FieldError> errors) {

    /** One entry of errors[]; index is set for the items of a job request. */
    record FieldError(Optional<String> field, String code, String message, Optional<Integer> index) {
    }

    static ApiProblem parse(int status, String body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body);
        } catch (Exception e) {
            json = null;
        }
        if (json == null || !json.isObject() || !json.hasNonNull("code")) {
            String text = body == null ? "" : body.strip();
            return new ApiProblem(status, "HTTP" + status,
                    Optional.of(text.isEmpty() ? "no details" : text.length() > 500 ? text.substring(0, 500) + "..." : text),
                    List.of());
        }
        List<FieldError> errors = new ArrayList<>();
        for (JsonNode e : json.path("errors")) {
            errors.add(new FieldError(text(e, "field"), text(e, "code").orElse("?"), text(e, "message").orElse(""),
                    e.hasNonNull("index") ? Optional.of(e.get("index").asInt()) : Optional.empty()));
        }
        return new ApiProblem(status, json.get("code").asText(), text(json, "detail"), List.copyOf(errors));
    }

    /**
     * Lines for stderr: the code and detail, then one line per error. itemLabel may name what an
     * item index stands for (start-import-job: the files it came from).
     */
    String describe(IntFunction<Optional<String>> itemLabel) {
        StringBuilder s = new StringBuilder("error: ").append(code).append(" (HTTP ").append(status).append(')');
        detail.ifPresent(d -> s.append(": ").append(d));
        for (FieldError e : errors) {
            s.append(System.lineSeparator()).append("  - ");
            e.field().ifPresent(f -> s.append(f).append(": "));
            s.append(e.code()).append(": ").append(e.message());
            e.index().flatMap(itemLabel::apply).ifPresent(label -> s.append(" [").append(label).append(']'));
        }
        return s.toString();
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? Optional.empty() : Optional.of(v.asText());
    }
}
