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

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP side of a node: REST API under /api/v1, health and metrics. Flat and visible: auth is
 * one before-handler, errors one exception mapper, every route one line in {@link #routes}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;

    public ApiServer(AdminToken adminToken, Database db, PrometheusMeterRegistry metrics,
                     List<Routes> routeGroups) {
        this.app = Javalin.create(cfg -> {
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

        app.before("/api/*", ctx -> requireToken(ctx, adminToken));
        // Pages (the console) answer errors as HTML; the API, health and metrics as problem+json.
        PageErrors pages = routeGroups.stream().filter(PageErrors.class::isInstance).map(PageErrors.class::cast)
                .findFirst().orElse(null);
        app.exception(ProblemException.class, (e, ctx) -> {
            if (pages != null && pages.isPage(ctx)) {
                pages.render(ctx, e.status(), e.code(), e.detail());
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

        app.get("/healthz", ctx -> {
            boolean up = db.isHealthy();
            ctx.status(up ? 200 : 503).json(Map.of("status", up ? "UP" : "DOWN", "database", db.kind().name()));
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
        routeGroups.forEach(group -> group.routes(app));
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
