package io.edgecert.web;

import io.edgecert.events.Page;
import io.edgecert.events.Subscription;
import io.edgecert.events.Subscriptions;
import io.edgecert.events.Delivery;
import io.edgecert.problems.ErrorCode;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;

/** /api/v1/subscriptions: thin mapping from HTTP to {@link Subscriptions}. */
public final class SubscriptionRoutes implements Routes {
    static final long MAX_BODY_BYTES = 16 * 1024;

    private final Subscriptions service;

    public SubscriptionRoutes(Subscriptions service) {
        this.service = service;
    }

    record SubscriptionRequest(String protocol, String endpoint, List<String> eventTypes, String name) {
    }

    @Override
    public List<Endpoint> endpoints() {
        String one = "/api/v1/subscriptions/{id}";
        return List.of(
                Endpoint.post("/api/v1/subscriptions", "Subscribe an email address or a webhook URL to events", this::create)
                        .accepts(SubscriptionRequest.class).returns(201, Endpoint.Body.json(Subscription.class))
                        .errors(ErrorCode.MissingField, ErrorCode.LimitExceeded),
                Endpoint.get("/api/v1/subscriptions", "List subscriptions, oldest first (by id)", ctx -> {
                    Paging.Request p = Paging.of(ctx);
                    Page<Subscription> page = service.list(p.cursor(), Optional.of(p.limit()));
                    ctx.json(Paging.page(page.items(), page.nextCursor()));
                }).pagesOf(Subscription.class),
                Endpoint.get(one, "Describe a subscription", ctx -> ctx.json(service.get(ctx.pathParam("id"))))
                        .returns(Subscription.class),
                Endpoint.delete(one, "Delete a subscription", ctx -> {
                    service.delete(ctx.pathParam("id"));
                    ctx.status(204);
                }),
                Endpoint.post(one + "/test", "Send a test event now", ctx -> ctx.json(service.sendTest(ctx.pathParam("id"))))
                        .returns(Delivery.class),
                Endpoint.get(one + "/deliveries", "Deliveries to a subscription, newest first", ctx -> {
                    Paging.Request p = Paging.of(ctx);
                    Page<Delivery> page = service.deliveries(ctx.pathParam("id"), p.cursor(), Optional.of(p.limit()));
                    ctx.json(Paging.page(page.items(), page.nextCursor()));
                }).pagesOf(Delivery.class));
    }

    private void create(Context ctx) {
        SubscriptionRequest r = RequestBodies.json(ctx, SubscriptionRequest.class, MAX_BODY_BYTES);
        Subscription created = service.create(new Subscriptions.NewSubscription(r.protocol(), r.endpoint(), r.eventTypes(), r.name()));
        ctx.status(201).header("Location", "/api/v1/subscriptions/" + created.id()).json(created);
    }
}
