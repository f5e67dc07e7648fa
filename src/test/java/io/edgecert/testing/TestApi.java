package io.edgecert.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** A plain HTTP client for API tests: real requests over the loopback, JSON in and out. */
public final class TestApi {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    public TestApi(String base, String token) {
        this.base = base;
        this.token = token;
    }

    public record Response(int status, String body, Map<String, String> headers) {
        public JsonNode json() {
            try {
                return Json.MAPPER.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    public Response get(String path) {
        return send(request(path).GET(), token);
    }

    public Response delete(String path) {
        return send(request(path).DELETE(), token);
    }

    public Response post(String path, Object body) {
        return send(request(path).POST(bodyOf(body)).header("Content-Type", "application/json"), token);
    }

    public Response put(String path, Object body) {
        return send(request(path).PUT(bodyOf(body)).header("Content-Type", "application/json"), token);
    }

    public Response put(String path, Object body, String ifMatch) {
        return send(request(path).PUT(bodyOf(body)).header("Content-Type", "application/json").header("If-Match", ifMatch), token);
    }

    /** Any request with an explicit token (or none, when null). */
    public Response send(HttpRequest.Builder builder, String withToken) {
        if (withToken != null) {
            builder.header("Authorization", "Bearer " + withToken);
        }
        try {
            HttpResponse<String> r = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, String> headers = new LinkedHashMap<>();
            r.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
            return new Response(r.statusCode(), r.body(), headers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The sum of the node's Prometheus samples whose series starts with {@code series}, e.g.
     * {@code edgecert_job_runs_total{end="lease_lost"}} (0 when there is none yet): what a test
     * waits on instead of sleeping.
     */
    public double metric(String series) {
        String open = series.endsWith("}") ? series.substring(0, series.length() - 1) : series;
        double sum = 0;
        for (String line : send(request("/metrics").GET(), null).body().split("\n")) {
            if (!line.startsWith("#") && line.startsWith(open)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    public HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    private static HttpRequest.BodyPublisher bodyOf(Object body) {
        return HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : Json.write(body));
    }
}
