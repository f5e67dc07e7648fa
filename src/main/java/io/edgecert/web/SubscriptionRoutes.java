package io.edgecert.web;

import io.edgecert.events.Page;
import io.edgecert.events.Subscription;
import io.edgecert.events.Subscriptions;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;

/** /api/v1/subscriptions: thin mapping from HTTP to {@link Subscriptions}. */
public final class SubscriptionRoutes implements Routes {
    static final long MAX_BODY_BYTES = 16 * 1024;

    private final Subscriptions service;

    public SubscriptionRoutes(Subscriptions service) {
        this.service = service;
    }

    record SubscriptionRequest(String protocol, String endpoint, List<String> eventTypes, String name) {
    }

    record PageResponse<T>(List<T> items, String nextCursor) {
        static <T> PageResponse<T> of(Page<T> page) {
            return new PageResponse<>(page.items(), page.nextCursor().orElse(null));
        }
    }

    @Override
    public void routes(Javalin app) {
        app.post("/api/v1/subscriptions", this::create);
        app.get("/api/v1/subscriptions", ctx -> ctx.json(PageResponse.of(
                service.list(Params.string(ctx, "cursor"), Params.intParam(ctx, "limit")))));
        app.get("/api/v1/subscriptions/{id}", ctx -> ctx.json(service.get(ctx.pathParam("id"))));
        app.delete("/api/v1/subscriptions/{id}", ctx -> {
            service.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        app.post("/api/v1/subscriptions/{id}/test", ctx -> ctx.json(service.sendTest(ctx.pathParam("id"))));
        app.get("/api/v1/subscriptions/{id}/deliveries", ctx -> ctx.json(PageResponse.of(service.deliveries(
                ctx.pathParam("id"), Params.string(ctx, "cursor"), Params.intParam(ctx, "limit")))));
    }

    private void create(Context ctx) {
        SubscriptionRequest r = RequestBodies.json(ctx, SubscriptionRequest.class, MAX_BODY_BYTES);
        Subscription created = service.create(new Subscriptions.NewSubscription(r.protocol(), r.endpoint(), r.eventTypes(), r.name()));
        ctx.status(201).header("Location", "/api/v1/subscriptions/" + created.id()).json(created);
    }
}
