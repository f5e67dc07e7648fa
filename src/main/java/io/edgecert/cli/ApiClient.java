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

    /** A DELETE that answers with the changed resource (removing tags); list values repeat the parameter. */
    JsonNode deleteForBody(String path, Map<String, ?> query) {
        return send("DELETE", path + queryString(query), null, Map.of());
    }

    void delete(String path, Optional<String> ifMatch) {
        send("DELETE", path, null, ifMatch.map(v -> Map.of("If-Match", v)).orElse(Map.of()));
    }

    /** One server-sent event: its name and its data (JSON text). */
    record Event(String name, String data) {
    }

    /**
     * Reads a server-sent event stream, handing each event to {@code each}, until the stream ends
     * or {@code each} answers false.
     */
    void events(String path, java.util.function.Predicate<Event> each) {
        URI uri = URI.create(connection.baseUri() + path);
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Accept", "text/event-stream").GET();
        connection.token().ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<java.util.stream.Stream<String>> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        } catch (IOException e) {
            throw CliException.io("cannot reach edgecert at " + connection.baseUri() + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.io("interrupted while calling " + uri, e);
        }
        try (java.util.stream.Stream<String> lines = response.body()) {
            if (response.statusCode() >= 400) {
                throw CliException.refused(ApiProblem.parse(response.statusCode(), String.join("\n", lines.toList())));
            }
            String name = "message";
            StringBuilder data = new StringBuilder();
            for (var it = lines.iterator(); it.hasNext(); ) {
                String line = it.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty() && !each.test(new Event(name, data.toString()))) {
                        return;
                    }
                    name = "message";
                    data.setLength(0);
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n").append(line.substring(5).strip());
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
            for (Object each : v instanceof java.util.Collection<?> c ? c : java.util.Collections.singletonList(v)) {
                if (each != null) {
                    q.add(URLEncoder.encode(k, StandardCharsets.UTF_8) + "=" + URLEncoder.encode(String.valueOf(each), StandardCharsets.UTF_8));
                }
            }
        });
        return q.toString();
    }
}
