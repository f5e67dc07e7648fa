package io.edgecert.web.console;

import io.edgecert.events.Delivery;
import io.edgecert.events.EventType;
import io.edgecert.events.Subscription;
import io.edgecert.events.Subscriptions;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.web.console.Views.Errors;
import io.edgecert.web.console.Views.Option;
import io.edgecert.web.console.Views.SubscriptionRow;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Who is notified: list, create, "Send test message", delete. */
final class SubscriptionPages {
    private final Console console;

    SubscriptionPages(Console console) {
        this.console = console;
    }

    void routes(Javalin app) {
        app.get("/subscriptions", ctx -> render(ctx, 200, Errors.none(), "", "", "", List.of(), null, null));
        app.post("/subscriptions", this::create);
        app.post("/subscriptions/{id}/test", this::test);
        app.post("/subscriptions/{id}/delete", ctx -> {
            console.subscriptions.delete(ctx.pathParam("id"));
            ctx.redirect("/subscriptions?flash=subscription-deleted", HttpStatus.SEE_OTHER);
        });
    }

    private void render(Context ctx, int status, Errors errors, String protocol, String endpoint, String name,
                        List<String> types, String secret, String testResult) {
        List<SubscriptionRow> rows = new ArrayList<>();
        for (Subscription s : console.subscriptions.list(Optional.empty(), Optional.of(Subscriptions.MAX_PAGE_SIZE)).items()) {
            String last = console.subscriptions.deliveries(s.id(), Optional.empty(), Optional.of(1)).items().stream()
                    .findFirst().map(SubscriptionPages::describe).orElse("nothing sent yet");
            rows.add(new SubscriptionRow(s.id(), s.name().orElse(""), s.protocol().wireName(), s.endpoint(),
                    s.eventTypes().map(t -> String.join(", ", t.stream().map(Enum::name).toList())).orElse("every event"),
                    Fmt.time(s.createdAt()), last));
        }
        List<Option> protocols = new ArrayList<>();
        for (String p : List.of("https", "email", "http")) {
            protocols.add(new Option(p, switch (p) {
                case "https" -> "Webhook (HTTPS)";
                case "email" -> "Email";
                default -> "Webhook (plain HTTP)";
            }, p.equals(protocol)));
        }
        List<Option> eventTypes = new ArrayList<>();
        for (EventType t : EventType.values()) {
            eventTypes.add(new Option(t.name(), t.name(), types.contains(t.name())));
        }
        console.render(ctx, status, "subscriptions.jte", Console.params("frame",
                console.frame(ctx, "Notifications", "subscriptions"), "rows", rows, "errors", errors,
                "protocols", protocols, "endpoint", endpoint, "name", name, "eventTypes", eventTypes,
                "secret", secret, "testResult", testResult));
    }

    private void create(Context ctx) {
        String protocol = Console.form(ctx, "protocol");
        String endpoint = Console.form(ctx, "endpoint").strip();
        String name = Console.form(ctx, "name").strip();
        List<String> types = ctx.formParams("eventTypes");
        try {
            Subscription s = console.subscriptions.create(new Subscriptions.NewSubscription(protocol, endpoint,
                    types.isEmpty() ? null : types, name.isEmpty() ? null : name));
            // the signing secret is shown this once: render instead of redirecting
            render(ctx, 201, Errors.none(), "https", "", "", List.of(), s.signingSecret().orElse(null), null);
        } catch (ProblemException e) {
            Map<String, List<String>> fields = new LinkedHashMap<>();
            List<String> general = new ArrayList<>();
            for (Violation v : e.errors().isEmpty() ? List.of(new Violation(null, e.code(), e.detail())) : e.errors()) {
                String f = v.field() == null ? "" : v.field().replaceAll("[.\\[].*", "");
                if (List.of("protocol", "endpoint", "name", "eventTypes").contains(f)) {
                    fields.computeIfAbsent(f, k -> new ArrayList<>()).add(ImportPages.words(v));
                } else {
                    general.add(ImportPages.words(v));
                }
            }
            render(ctx, 400, new Errors(fields, general), protocol, endpoint, name, types, null, null);
        }
    }

    private void test(Context ctx) {
        Delivery d = console.subscriptions.sendTest(ctx.pathParam("id"));
        String result = "Test message: " + describe(d);
        if (Console.htmx(ctx)) {
            console.render(ctx, 200, "fragments/alert.jte", Console.params("message", result));
        } else {
            render(ctx, 200, Errors.none(), "https", "", "", List.of(), null, result);
        }
    }

    static String describe(Delivery d) {
        String when = d.lastAttemptAt().map(Fmt::time).orElse(Fmt.time(d.createdAt()));
        return d.eventType() + " " + d.status().name().toLowerCase(java.util.Locale.ROOT)
                + d.lastStatusCode().map(c -> " (HTTP " + c + ")").orElse("")
                + d.lastError().map(e -> ": " + e).orElse("") + " at " + when;
    }
}
