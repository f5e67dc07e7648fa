package io.edgecert.web;

import io.edgecert.crypto.AdminToken;
import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.json.JavalinJackson;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of a node: REST API under /api/v1, health, metrics and the OpenAPI document, plus
 * the console's pages. Flat and visible: auth is one before-handler, errors one exception mapper,
 * every API route one {@link Endpoint} of a {@link Routes} group, registered by {@link ApiRoutes}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final List<Route> registered = new CopyOnWriteArrayList<>();
    private volatile boolean addingPages;
    private final ApiRoutes api;

    /** A route Javalin holds: "METHOD /path", and whether the console's pages added it. */
    public record Route(String key, boolean page) {
    }

    record Health(String status, String database) {
    }

    public ApiServer(AdminToken adminToken, Database db, PrometheusMeterRegistry metrics,
                     List<Routes> routeGroups, Optional<Pages> consolePages) {
        List<Endpoint> endpoints = new ArrayList<>(nodeEndpoints(db, metrics));
        routeGroups.forEach(group -> endpoints.addAll(group.endpoints()));
        this.api = new ApiRoutes(endpoints);
        this.app = Javalin.create(cfg -> {
            cfg.events(events -> events.handlerAdded(meta -> {
                if (meta.getHttpMethod().isHttpMethod()) {
                    registered.add(new Route(meta.getHttpMethod().name() + " " + meta.getPath(), addingPages));
                }
            }));
            cfg.showJavalinBanner = false;
            cfg.jsonMapper(new JavalinJackson(Json.MAPPER, false));
            cfg.http.maxRequestSize = CertificateRoutes.MAX_BODY_BYTES;
            cfg.requestLogger.http((ctx, ms) -> Timer.builder("http_server_requests")
                    .tag("method", ctx.method().name())
                    .tag("route", routeOf(ctx))
                    .tag("status", String.valueOf(ctx.statusCode()))
                    .register(metrics)
                    .record((long) (ms * 1_000_000), TimeUnit.NANOSECONDS));
        });

        app.before("/api/*", ctx -> {
            if (!api.isOpen(ctx)) {
                requireToken(ctx, adminToken);
            }
        });
        // Pages (the console) answer errors as HTML; the API, health and metrics as problem+json.
        PageErrors pages = consolePages.orElse(null);
        app.exception(ProblemException.class, (e, ctx) -> {
            if (pages != null && pages.isPage(ctx)) {
                pages.render(ctx, HttpProblem.statusOf(e), e.code(), e.detail());
            } else {
                ProblemResponses.render(ctx, e);
            }
        });
        app.exception(HttpResponseException.class, (e, ctx) -> {
            ErrorCode code = e.getStatus() == 404 ? ErrorCode.NotFound : ErrorCode.InvalidRequest;
            if (pages != null && pages.isPage(ctx)) {
                pages.render(ctx, e.getStatus(), code, e.getMessage());
            } else {
                ProblemResponses.render(ctx, e.getStatus(), code, e.getMessage(), List.of());
            }
        });
        app.exception(Exception.class, (e, ctx) -> {
            log.error("Unhandled error on {} {}", ctx.method(), ctx.path(), e);
            if (pages != null && pages.isPage(ctx)) {
                pages.render(ctx, 500, ErrorCode.InternalError, "internal error; the server log has the details");
            } else {
                ProblemResponses.render(ctx, 500, ErrorCode.InternalError,
                        "internal error; the server log has the details", List.of());
            }
        });
        app.error(404, ctx -> {
            String type = ctx.res().getContentType();
            if (pages != null && pages.isPage(ctx)) {
                if (type == null || !type.startsWith("text/html")) {
                    pages.render(ctx, 404, ErrorCode.NotFound, "no such page: " + ctx.path());
                }
            } else if (!ProblemResponses.CONTENT_TYPE.equals(type)) {
                ProblemResponses.render(ctx, 404, ErrorCode.NotFound,
                        "no such endpoint: " + ctx.method() + " " + ctx.path(), List.of());
            }
        });

        api.register(app);
        consolePages.ifPresent(p -> {
            addingPages = true;
            p.routes(app);
            addingPages = false;
        });
    }

    private List<Endpoint> nodeEndpoints(Database db, PrometheusMeterRegistry metrics) {
        return List.of(
                Endpoint.get("/healthz", "Health of this node and its database", ctx -> {
                    boolean up = db.isHealthy();
                    ctx.status(up ? 200 : 503).json(new Health(up ? "UP" : "DOWN", db.kind().name()));
                }).returns(Health.class).withoutToken().describedAs("200 while the database answers, 503 otherwise."),
                Endpoint.get("/metrics", "Prometheus metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                        .result(metrics.scrape())).returns(200, Endpoint.Body.text("text/plain")).withoutToken(),
                Endpoint.get("/api/v1/openapi.json", "This document (OpenAPI 3.1)", ctx -> ctx.json(openApi()))
                        .returns(200, Endpoint.Body.json(com.fasterxml.jackson.databind.JsonNode.class)).withoutToken());
    }

    private volatile ObjectNode document;

    /** Written once, on first request: the endpoints do not change while the node runs. */
    private ObjectNode openApi() {
        ObjectNode d = document;
        if (d == null) {
            d = OpenApiDocument.of(api.endpoints());
            document = d;
        }
        return d;
    }

    /** The console: HTML pages with their own routes, and errors on them rendered as pages. */
    public interface Pages extends PageErrors {
        void routes(Javalin app);
    }

    /** Every HTTP route Javalin holds, as it recorded them when they were added. */
    public List<Route> routes() {
        return List.copyOf(registered);
    }

    /**
     * A route group that serves HTML pages (the console) implements this so that errors on its
     * paths render as a page instead of problem+json.
     */
    public interface PageErrors {
        /** True for paths this group renders as pages (never /api/*, /healthz or /metrics). */
        boolean isPage(Context ctx);

        void render(Context ctx, int status, ErrorCode code, String detail);
    }

    private static void requireToken(Context ctx, AdminToken adminToken) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw new ProblemException(ErrorCode.Unauthorized,
                    "this call needs 'Authorization: Bearer <token>' (the admin token is in the data dir file admin.token)");
        }
        if (!adminToken.matches(header.substring(7).strip())) {
            throw new ProblemException(ErrorCode.Unauthorized, "the bearer token is not valid");
        }
    }

    /** The matched route pattern, so metrics have bounded labels; unmatched paths share one. */
    private static String routeOf(Context ctx) {
        try {
            String path = ctx.endpointHandlerPath();
            return path == null || path.isEmpty() || path.equals("*") ? "unmatched" : path;
        } catch (IllegalStateException refusedBeforeRouting) {
            // Javalin refuses the question when a before-handler (auth) ended the request.
            return "unrouted";
        }
    }

    public ApiServer start(String host, int port) {
        app.start(host, port);
        return this;
    }

    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
