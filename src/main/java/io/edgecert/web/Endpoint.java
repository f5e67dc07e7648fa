package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One API call. The routes are registered from these ({@link ApiRoutes}) and the OpenAPI document
 * is written from the same values ({@link OpenApiDocument}), so the two cannot drift apart.
 *
 * @param path     Javalin's form, which is also OpenAPI's: {@code /api/v1/certificates/{id}}
 * @param open     answered without the bearer token
 * @param failures every refusal the call can answer, with its status
 */
public record Endpoint(HandlerType method, String path, String summary, String description, List<Param> query,
                       Optional<Body> request, int status, Optional<Body> response, List<Failure> failures,
                       boolean open, Handler handler) {
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}/]+)}");

    public Endpoint {
        query = List.copyOf(query);
        failures = List.copyOf(failures);
    }

    /** A query parameter: its name, JSON type ("string", "integer", "boolean") and meaning. */
    public record Param(String name, String type, String description) {
    }

    /** What a body holds: {@code type} one value (a record), a page of them, or plain text of a media type. */
    public record Body(String mediaType, Optional<Class<?>> type, boolean page) {
        static Body json(Class<?> type) {
            return new Body("application/json", Optional.of(type), false);
        }

        static Body page(Class<?> item) {
            return new Body("application/json", Optional.of(item), true);
        }

        static Body text(String mediaType) {
            return new Body(mediaType, Optional.empty(), false);
        }
    }

    /** A refusal: the error code and the status it is answered with on this call. */
    public record Failure(int status, ErrorCode code) {
    }

    static Endpoint get(String path, String summary, Handler handler) {
        return of(HandlerType.GET, path, summary, 200, handler);
    }

    static Endpoint post(String path, String summary, Handler handler) {
        return of(HandlerType.POST, path, summary, 200, handler);
    }

    static Endpoint put(String path, String summary, Handler handler) {
        return of(HandlerType.PUT, path, summary, 200, handler);
    }

    static Endpoint delete(String path, String summary, Handler handler) {
        return of(HandlerType.DELETE, path, summary, 204, handler);
    }

    private static Endpoint of(HandlerType method, String path, String summary, int status, Handler handler) {
        List<Failure> failures = new ArrayList<>();
        failures.add(new Failure(401, ErrorCode.Unauthorized));
        if (!pathParams(path).isEmpty()) {
            failures.add(new Failure(404, ErrorCode.NotFound));
        }
        return new Endpoint(method, path, summary, "", List.of(), Optional.empty(), status, Optional.empty(),
                failures, false, handler);
    }

    /** The names of the path's {parameters}, in order. */
    public List<String> pathParams() {
        return pathParams(path);
    }

    private static List<String> pathParams(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = PATH_PARAM.matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** "METHOD /path", how the document and the tests name a call. */
    public String key() {
        return method.name() + " " + path;
    }

    Endpoint describedAs(String text) {
        return new Endpoint(method, path, summary, text, query, request, status, response, failures, open, handler);
    }

    /** Takes a JSON body of this record type; a body can be malformed or too large. */
    Endpoint accepts(Class<?> type) {
        return new Endpoint(method, path, summary, description, query, Optional.of(Body.json(type)), status, response,
                and(and(failures, 400, ErrorCode.InvalidRequest), 413, ErrorCode.SizeLimitExceeded), open, handler);
    }

    Endpoint returns(int newStatus, Body body) {
        return new Endpoint(method, path, summary, description, query, request, newStatus, Optional.of(body), failures,
                open, handler);
    }

    Endpoint returns(Class<?> type) {
        return returns(status, Body.json(type));
    }

    Endpoint query(String name, String type, String meaning) {
        List<Param> more = new ArrayList<>(query);
        more.add(new Param(name, type, meaning));
        List<Failure> f = type.equals("string") ? failures : and(failures, 400, ErrorCode.InvalidRequest);
        return new Endpoint(method, path, summary, description, more, request, status, response, f, open, handler);
    }

    /** A list: {@link Paging}'s limit and cursor, answered as one page of {@code item}. */
    Endpoint pagesOf(Class<?> item) {
        return query("limit", "integer", "page size, " + Paging.MIN_LIMIT + " to " + Paging.MAX_LIMIT + " (default "
                + Paging.DEFAULT_LIMIT + ")")
                .query("cursor", "string", "nextCursor of the previous page (opaque)")
                .returns(status, Body.page(item));
    }

    /** Refusals answered with the status {@link HttpProblem} gives their code. */
    Endpoint errors(ErrorCode... codes) {
        List<Failure> f = failures;
        for (ErrorCode code : codes) {
            f = and(f, HttpProblem.statusOf(code), code);
        }
        return new Endpoint(method, path, summary, description, query, request, status, response, f, open, handler);
    }

    /** Refusals this call answers with another status than their code's (see {@link HttpProblem}). */
    Endpoint errors(int withStatus, ErrorCode... codes) {
        List<Failure> f = failures;
        for (ErrorCode code : codes) {
            f = and(f, withStatus, code);
        }
        return new Endpoint(method, path, summary, description, query, request, status, response, f, open, handler);
    }

    /** Answered without the bearer token (health, metrics, this document). */
    Endpoint withoutToken() {
        return new Endpoint(method, path, summary, description, query, request, status, response,
                failures.stream().filter(f -> f.code() != ErrorCode.Unauthorized).toList(), true, handler);
    }

    private static List<Failure> and(List<Failure> failures, int status, ErrorCode code) {
        Failure f = new Failure(status, code);
        if (failures.contains(f)) {
            return failures;
        }
        List<Failure> more = new ArrayList<>(failures);
        more.add(f);
        return more;
    }
}
