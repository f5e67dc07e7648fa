package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;

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
        Optional<Replies.Problem> problem = Optional.ofNullable(json).filter(JsonNode::isObject).filter(j -> j.hasNonNull("code"))
                .flatMap(j -> {
                    try {
                        return Optional.of(Replies.read(j, Replies.Problem.class));
                    } catch (CliException notAProblem) {
                        return Optional.empty();
                    }
                });
        if (problem.isEmpty()) {
            String text = body == null ? "" : body.strip();
            return new ApiProblem(status, "HTTP" + status,
                    Optional.of(text.isEmpty() ? "no details" : text.length() > 500 ? text.substring(0, 500) + "..." : text),
                    List.of());
        }
        Replies.Problem p = problem.get();
        List<FieldError> errors = p.errors().stream().map(e -> new FieldError(Replies.orEmpty(e.field()),
                e.code() == null ? "?" : e.code(), e.message() == null ? "" : e.message(), Replies.orEmpty(e.index()))).toList();
        return new ApiProblem(status, p.code(), p.detail(), errors);
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


}
