package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The REST API as the commands use it: JSON in and out, refusals turned into {@link CliException}
 * with the server's problem, connection trouble into the "cannot reach" exit code.
 */
final class ApiClient {
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Generous: a job of 10,000 certificates is validated before the server answers. */
    private static final Duration REQUEST_TIMEOUT = Duration.ofMinutes(5);

    /** HTTP/1.1: no h2c upgrade dance with proxies in front of the API. */
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT).build();
    private final ClientOptions.Connection connection;

    ApiClient(ClientOptions.Connection connection) {
        this.connection = connection;
    }

    /** A page of results collected by {@link #list}; nextCursor is set when --max-items stopped early. */
    record Listing(List<JsonNode> items, Optional<String> nextCursor) {
        JsonNode toJson() {
            ObjectNode o = Json.MAPPER.createObjectNode();
            ArrayNode a = o.putArray("items");
            items.forEach(a::add);
            nextCursor.ifPresent(c -> o.put("nextCursor", c));
            return o;
        }
    }

    /** "/api/v1/" followed by the segments, each escaped (ids come from the user). */
    static String path(String... segments) {
        StringJoiner p = new StringJoiner("/", "/api/v1/", "");
        for (String s : segments) {
            p.add(URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20"));
        }
        return p.toString();
    }

    /** Query parameters from key, value pairs; null values are left out (an option not given). */
    static Map<String, Object> query(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] != null) {
                m.put((String) keyValues[i], keyValues[i + 1]);
            }
        }
        return m;
    }

    JsonNode get(String path, Map<String, ?> query) {
        return send("GET", path + queryString(query), null, Map.of());
    }

    JsonNode post(String path, Object body) {
        return send("POST", path, body, Map.of());
    }

    JsonNode put(String path, Object body, Optional<String> ifMatch) {
        return send("PUT", path, body, ifMatch.map(v -> Map.of("If-Match", v)).orElse(Map.of()));
    }

    void delete(String path, Optional<String> ifMatch) {
        send("DELETE", path, null, ifMatch.map(v -> Map.of("If-Match", v)).orElse(Map.of()));
    }

    /** Told each server-sent event of a stream; returns false to stop reading. */
    @FunctionalInterface
    interface EventHandler {
        boolean onEvent(String event, String data);
    }

    /**
     * Reads a server-sent event stream until it ends or the handler stops it. Throws a
     * CliException when the stream cannot be opened (refused, or not a stream).
     */
    void events(String path, EventHandler handler) {
        URI uri = URI.create(connection.baseUri() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).header("Accept", "text/event-stream");
        connection.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw CliException.io("cannot reach edgecert at " + connection.baseUri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.io("interrupted while calling " + uri, e);
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                throw CliException.refused(ApiProblem.parse(response.statusCode(), String.join("\n", lines.toList())));
            }
            String[] event = {null};
            java.util.Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith("event:")) {
                    event[0] = line.substring(6).strip();
                } else if (line.startsWith("data:") && event[0] != null) {
                    if (!handler.onEvent(event[0], line.substring(5).strip())) {
                        return;
                    }
                    event[0] = null;
                }
            }
        } catch (java.io.UncheckedIOException e) {
            throw CliException.io("the event stream of " + uri + " broke: " + e.getCause(), e.getCause());
        }
    }

    /** Follows nextCursor from page to page until the end or --max-items. */
    Listing list(String path, Map<String, ?> filters, PagingOptions.Paging paging) {
        List<JsonNode> items = new ArrayList<>();
        Optional<String> cursor = paging.startingToken();
        while (true) {
            int limit = paging.maxItems().map(max -> Math.min(paging.pageSize(), max - items.size())).orElse(paging.pageSize());
            Map<String, Object> query = new LinkedHashMap<>(filters);
            query.put("limit", limit);
            cursor.ifPresent(c -> query.put("cursor", c));
            JsonNode page = get(path, query);
            page.path("items").forEach(items::add);
            JsonNode next = page.get("nextCursor");
            cursor = next == null || next.isNull() || next.asText().isEmpty() ? Optional.empty() : Optional.of(next.asText());
            boolean full = paging.maxItems().map(max -> items.size() >= max).orElse(false);
            if (cursor.isEmpty() || full) {
                return new Listing(List.copyOf(items), cursor);
            }
        }
    }

    private JsonNode send(String method, String path, Object body, Map<String, String> headers) {
        URI uri = URI.create(connection.baseUri() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(Json.write(body), StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        connection.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        headers.forEach(request::header);
        HttpResponse<String> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw CliException.io("cannot reach edgecert at " + connection.baseUri() + ": "
                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.io("interrupted while calling " + uri, e);
        }
        if (response.statusCode() >= 400) {
            ApiProblem problem = ApiProblem.parse(response.statusCode(), response.body());
            if (response.statusCode() == 401 && connection.token().isEmpty()) {
                throw CliException.refused(new ApiProblem(problem.status(), problem.code(), Optional.of(
                        problem.detail().map(d -> d + "; ").orElse("") + "no token was given: set EDGECERT_TOKEN or --token"),
                        problem.errors()));
            }
            throw CliException.refused(problem);
        }
        String text = response.body();
        if (text == null || text.isBlank()) {
            return NullNode.getInstance();
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (IOException e) {
            throw CliException.io(method + " " + uri + " answered " + response.statusCode() + " with a body that is not JSON", e);
        }
    }

    private static String queryString(Map<String, ?> query) {
        StringJoiner q = new StringJoiner("&", "?", "").setEmptyValue("");
        query.forEach((k, v) -> {
            if (v != null) {
                q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8));
            }
        });
        return q.toString();
    }
}
