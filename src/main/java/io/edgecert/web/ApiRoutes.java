package io.edgecert.web;

import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers every API route on Javalin from one list of {@link Endpoint}s, the list that
 * {@link OpenApiDocument} describes: a route cannot exist without its entry in the document.
 */
final class ApiRoutes {
    private final List<Endpoint> endpoints;
    private final Set<String> open = new HashSet<>();

    ApiRoutes(List<Endpoint> endpoints) {
        this.endpoints = List.copyOf(endpoints);
        Set<String> seen = new HashSet<>();
        for (Endpoint e : endpoints) {
            if (!seen.add(e.key())) {
                throw new IllegalArgumentException("two endpoints for " + e.key());
            }
            if (e.open()) {
                if (!e.pathParams().isEmpty()) {
                    // isOpen compares the request path itself
                    throw new IllegalArgumentException("an open endpoint has a fixed path: " + e.key());
                }
                open.add(e.key());
            }
        }
    }

    void register(Javalin app) {
        endpoints.forEach(e -> app.addHttpHandler(e.method(), e.path(), e.handler()));
    }

    /** True when the request is for an endpoint answered without the bearer token. */
    boolean isOpen(Context ctx) {
        return open.contains(ctx.method().name() + " " + ctx.path());
    }

    List<Endpoint> endpoints() {
        return endpoints;
    }
}
