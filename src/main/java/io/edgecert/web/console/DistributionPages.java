package io.edgecert.web.console;

import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateService.ListQuery;
import io.edgecert.certificates.Tag;
import io.edgecert.distributions.Distribution;
import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.DistributionService.CopyFrom;
import io.edgecert.distributions.DistributionService.Settings;
import io.edgecert.json.Json;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.TrafficSeries;
import io.edgecert.web.HttpProblem;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.web.console.Views.DistributionRow;
import io.edgecert.web.console.Views.DistributionForm;
import io.edgecert.web.console.Views.Errors;
import io.edgecert.web.console.Views.Option;
import io.edgecert.web.console.Views.VersionRow;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Distributions: list, detail with version history, create (new or copied) and edit. */
final class DistributionPages {
    static final List<String> FIELDS = List.of("aliases", "origins", "defaultOriginId", "certificateId",
            "minimumProtocolVersion", "enabled", "comment", "tags", "copyFrom");

    /** Invalidations the distribution page lists (the newest; the API pages through all). */
    static final int INVALIDATION_ROWS = 20;

    private final Console console;
    private final CdnViews cdn;

    DistributionPages(Console console) {
        this.console = console;
        this.cdn = new CdnViews(console.policies);
    }

    void routes(Javalin app) {
        app.get("/distributions", this::list);
        app.get("/distributions/new", ctx -> renderForm(ctx, 200, new DistributionForm(null, 0, "", "", "", "",
                "", "", "", "", Optional.ofNullable(ctx.queryParam("copyFrom")).orElse(""), ""), Errors.none()));
        app.post("/distributions", this::create);
        app.get("/distributions/{id}", ctx -> detail(ctx, 200, Errors.none(), ""));
        app.post("/distributions/{id}/invalidations", this::createInvalidation);
        app.get("/distributions/{id}/traffic.json", this::traffic);
        app.get("/distributions/{id}/edit", ctx -> renderForm(ctx, 200, formOf(console.distributions.get(ctx.pathParam("id"))),
                Errors.none()));
        app.post("/distributions/{id}", this::update);
    }

    static DistributionRow row(Distribution d) {
        DistributionConfig c = d.config();
        String origin = c.origins().stream().filter(o -> o.id().equals(c.defaultOriginId())).findFirst()
                .or(() -> c.origins().stream().findFirst()).map(DistributionConfig.Origin::url).orElse("");
        return new DistributionRow(d.id(), d.domainName(), d.status().name(), Fmt.status(d.status().name()),
                c.aliases().isEmpty() ? "(none)" : Fmt.shortList(c.aliases(), 3), c.certificateId().orElse(null), origin,
                d.version(), c.enabled(), c.comment());
    }

    private void list(Context ctx) {
        String alias = Optional.ofNullable(ctx.queryParam("alias")).orElse("").strip();
        String cursor = Optional.ofNullable(ctx.queryParam("cursor")).orElse("");
        DistributionService.Page page = console.distributions.list(Optional.of(cursor).filter(c -> !c.isBlank()),
                Optional.of(50), Optional.empty(), Optional.of(alias.toLowerCase(java.util.Locale.ROOT)).filter(a -> !a.isEmpty()));
        String q = "alias=" + java.net.URLEncoder.encode(alias, java.nio.charset.StandardCharsets.UTF_8);
        console.render(ctx, "distributions.jte", Console.params("frame", console.frame(ctx, "Distributions", "distributions"),
                "rows", page.items().stream().map(DistributionPages::row).toList(), "alias", alias,
                "nextHref", page.nextCursor().map(n -> "/distributions?" + q + "&cursor=" + n).orElse(null),
                "firstHref", cursor.isBlank() ? null : "/distributions?" + q));
    }

    private void detail(Context ctx, int status, Errors invalidationErrors, String invalidationPaths) {
        Distribution d = console.distributions.get(ctx.pathParam("id"));
        List<VersionRow> versions = console.distributions.versions(d.id()).stream()
                .sorted((a, b) -> Integer.compare(b.version(), a.version()))
                .map(v -> new VersionRow(v.version(), Fmt.time(v.createdAt()), String.join(", ", v.config().aliases()),
                        v.config().certificateId().orElse(""), originsText(v.config()).replace("\n", ", "),
                        v.config().minimumProtocolVersion(), v.config().enabled(), v.config().comment())).toList();
        DistributionConfig c = d.config();
        List<Views.InvalidationRow> invalidations = console.invalidations.list(d.id(), Optional.empty(), INVALIDATION_ROWS)
                .items().stream().map(i -> new Views.InvalidationRow(i.id(), i.status().name(), Fmt.status(i.status().name()),
                        Fmt.time(i.createTime()), Fmt.time(i.completeTime()), Fmt.shortList(i.paths(), 4), i.paths().size(),
                        i.waitingFor().filter(w -> !w.isEmpty()).map(w -> String.join(", ", w)).orElse(""))).toList();
        console.render(ctx, status, "distribution.jte", Console.params("frame", console.frame(ctx, "Distribution " + d.domainName(),
                        "distributions"), "d", row(d),
                "behaviors", cdn.behaviors(c), "originGroups", CdnViews.originGroups(c),
                "errorResponses", CdnViews.errorResponses(c), "invalidations", invalidations,
                "invalidationErrors", invalidationErrors, "invalidationPaths", invalidationPaths,
                "callerReference", "console-" + java.util.UUID.randomUUID(), "aliases", c.aliases(), "origins", c.origins(),
                "defaultOrigin", c.defaultOriginId(), "minimumProtocolVersion", c.minimumProtocolVersion(),
                "tags", c.tags().stream().map(t -> new Views.KeyValue(t.key(), t.value())).toList(),
                "versions", versions, "created", Fmt.time(d.createdAt()), "updated", Fmt.time(d.updatedAt()),
                "traffic", trafficSummary(d.id()), "charts", console.chartAssets(),
                "dns", c.aliases().stream().map(a -> io.edgecert.jobs.DnsRecord.forAlias(a, d.domainName()))
                        .map(r -> new Views.DnsView(r.name(), r.type(), r.value(), r.note().orElse(null), JobPages.dnsLine(r)))
                        .toList()));
    }

    /** Last hour's and last day's totals on this node, shown above the charts (and without script). */
    private Views.TrafficSummary trafficSummary(String id) {
        TrafficSeries hour = console.traffic.series(id, TrafficSeries.Window.HOUR);
        TrafficSeries day = console.traffic.series(id, TrafficSeries.Window.DAY);
        return new Views.TrafficSummary("/distributions/" + id + "/traffic.json", hour.requests(), Fmt.bytes(hour.bytes()),
                Fmt.percent(hour.hitRatio()), day.requests(), Fmt.bytes(day.bytes()), Fmt.percent(day.hitRatio()));
    }

    /**
     * The charts' data: one series per metric over the window, x in epoch seconds (uPlot's time
     * scale), the hit ratio in percent and null where a bucket had no request. This node's counts.
     */
    private void traffic(Context ctx) {
        String id = ctx.pathParam("id");
        try {
            Distribution d = console.distributions.get(id);
            String w = Optional.ofNullable(ctx.queryParam("window")).orElse("hour");
            TrafficSeries.Window window = TrafficSeries.Window.parse(w).orElseThrow(() -> ProblemException.of(
                    new Violation("window", ErrorCode.InvalidRequest, "window must be hour or day")));
            TrafficSeries series = console.traffic.series(d.id(), window);
            List<Long> t = new ArrayList<>();
            List<Long> requests = new ArrayList<>();
            List<Long> bytes = new ArrayList<>();
            List<Double> hitRatio = new ArrayList<>();
            for (TrafficSeries.Point p : series.points()) {
                t.add(p.startMillis() / 1000);
                requests.add(p.requests());
                bytes.add(p.bytes());
                hitRatio.add(p.hitRatio().map(r -> Math.round(r * 10_000) / 100.0).orElse(null));
            }
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("distributionId", d.id());
            body.put("window", window.name().toLowerCase(java.util.Locale.ROOT));
            body.put("scope", "node");
            body.put("stepSeconds", series.stepMillis() / 1000);
            body.put("t", t);
            body.put("requests", requests);
            body.put("bytes", bytes);
            body.put("hitRatio", hitRatio);
            Map<String, Object> totals = new LinkedHashMap<>();
            totals.put("requests", series.requests());
            totals.put("bytes", series.bytes());
            totals.put("hits", series.hits());
            totals.put("hitRatio", series.hitRatio().orElse(null));
            body.put("totals", totals);
            ctx.contentType("application/json").header("Cache-Control", "no-store").result(Json.write(body));
        } catch (ProblemException e) {
            HttpProblem.respond(ctx, e);
        }
    }

    /**
     * "Create invalidation": the paths one per line, through the service the API uses. The form's
     * callerReference is made when the page is rendered, so a form sent twice (a double click, a
     * reload) makes one invalidation, as a retried API call with the same callerReference does.
     */
    private void createInvalidation(Context ctx) {
        String id = ctx.pathParam("id");
        String text = Console.form(ctx, "paths");
        List<String> paths = lines(text);
        String reference = Console.form(ctx, "callerReference").strip();
        try {
            if (paths.isEmpty()) {
                throw ProblemException.of(new Violation("paths", ErrorCode.InvalidArgument,
                        "give at least one path, one per line, such as /index.html or /images/*"));
            }
            console.invalidations.create(id, paths, Optional.of(reference).filter(r -> !r.isEmpty()));
            Console.seeOther(ctx, "/distributions/" + id + "?flash=invalidation-created#invalidations");
        } catch (ProblemException e) {
            if (e.code() == ErrorCode.NoSuchDistribution || e.code() == ErrorCode.NotFound) {
                throw e;
            }
            Map<String, List<String>> fields = new LinkedHashMap<>();
            List<String> general = new ArrayList<>();
            for (Violation v : e.errors().isEmpty() ? List.of(new Violation(null, e.code(), e.detail())) : e.errors()) {
                if (v.field() != null && v.field().startsWith("paths")) {
                    fields.computeIfAbsent("paths", k -> new ArrayList<>()).add(ImportPages.words(v));
                } else {
                    general.add(ImportPages.words(v));
                }
            }
            detail(ctx, HttpProblem.statusOf(e), new Errors(fields, general), text);
        }
    }

    private DistributionForm formOf(Distribution d) {
        DistributionConfig c = d.config();
        return new DistributionForm(d.id(), d.version(), String.join("\n", c.aliases()), originsText(c), c.defaultOriginId(),
                c.certificateId().orElse(""), c.minimumProtocolVersion(), String.valueOf(c.enabled()), c.comment(),
                String.join("\n", c.tags().stream().map(t -> t.key() + "=" + t.value()).toList()), "", "");
    }

    private static String originsText(DistributionConfig c) {
        return String.join("\n", c.origins().stream().map(o -> o.id() + " " + o.url()).toList());
    }

    private void renderForm(Context ctx, int status, DistributionForm form, Errors errors) {
        boolean editing = form.id() != null;
        List<Option> protocols = new ArrayList<>();
        if (!editing) {
            protocols.add(new Option("", "(template's, or TLSv1.2_2021)", form.minimumProtocolVersion().isBlank()));
        }
        for (MinimumProtocol p : MinimumProtocol.values()) {
            protocols.add(new Option(p.apiName(), p.apiName(), p.apiName().equals(form.minimumProtocolVersion())));
        }
        List<Option> certificates = new ArrayList<>();
        certificates.add(new Option("", editing ? "(no certificate)" : "(template's, or none)", form.certificateId().isBlank()));
        boolean found = form.certificateId().isBlank();
        for (Certificate c : console.certificates.list(new ListQuery(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(500))).items()) {
            boolean selected = c.id().equals(form.certificateId());
            found |= selected;
            certificates.add(new Option(c.id(), c.name() + " — " + Fmt.shortList(c.subjectAlternativeNames(), 3)
                    + " (until " + Fmt.date(c.notAfter()) + ")", selected));
        }
        if (!found) {
            certificates.add(new Option(form.certificateId(), form.certificateId(), true));
        }
        List<Option> enabled = new ArrayList<>();
        if (!editing) {
            enabled.add(new Option("", "(template's, or enabled)", form.enabled().isBlank()));
        }
        enabled.add(new Option("true", "enabled", form.enabled().equals("true")));
        enabled.add(new Option("false", "disabled", form.enabled().equals("false")));
        List<Option> sources = new ArrayList<>();
        sources.add(new Option("", "(start empty)", form.copyFromId().isBlank()));
        if (!editing) {
            for (Distribution d : console.distributions.list(Optional.empty(), Optional.of(200), Optional.empty(),
                    Optional.empty()).items()) {
                sources.add(new Option(d.id(), (d.config().comment().isBlank() ? d.domainName() : d.config().comment())
                        + " — " + d.id().substring(0, 8) + ", version " + d.version(), d.id().equals(form.copyFromId())));
            }
        }
        console.render(ctx, status, "distributionForm.jte", Console.params("frame", console.frame(ctx,
                        editing ? "Edit distribution" : "Create distribution", "distributions"), "form", form,
                "editing", editing, "errors", errors, "protocols", protocols, "certificates", certificates,
                "enabledOptions", enabled, "sources", sources));
    }

    private DistributionForm readForm(Context ctx, String id) {
        int version = 0;
        try {
            version = Integer.parseInt(Console.form(ctx, "version").strip());
        } catch (NumberFormatException e) {
            // create: no version
        }
        return new DistributionForm(id, version, Console.form(ctx, "aliases"), Console.form(ctx, "origins"),
                Console.form(ctx, "defaultOriginId"), Console.form(ctx, "certificateId"),
                Console.form(ctx, "minimumProtocolVersion"), Console.form(ctx, "enabled"), Console.form(ctx, "comment"),
                Console.form(ctx, "tags"), Console.form(ctx, "copyFromId"), Console.form(ctx, "copyFromVersion"));
    }

    /** Form -> settings; on create a blank field means "the template's value". */
    private Settings settings(DistributionForm f, boolean editing, Map<String, List<String>> errors) {
        List<String> aliases = lines(f.aliases());
        List<DistributionConfig.Origin> origins = new ArrayList<>();
        int n = 1;
        for (String line : lines(f.origins())) {
            String[] parts = line.split("\\s+", 2);
            if (parts.length == 2) {
                origins.add(new DistributionConfig.Origin(parts[0], parts[1]));
            } else {
                origins.add(new DistributionConfig.Origin("origin-" + n, parts[0]));
            }
            n++;
        }
        List<Tag> tags = new ArrayList<>();
        for (String line : lines(f.tags())) {
            int eq = line.indexOf('=');
            tags.add(eq < 0 ? new Tag(line.strip(), "") : new Tag(line.substring(0, eq).strip(), line.substring(eq + 1).strip()));
        }
        boolean keepBlank = !editing;
        Optional<String> defaultOrigin = Optional.of(f.defaultOriginId().strip()).filter(s -> !s.isEmpty());
        if (defaultOrigin.isEmpty() && !origins.isEmpty()) {
            defaultOrigin = Optional.of(origins.get(0).id());
        }
        return new Settings(
                keepBlank && aliases.isEmpty() ? Optional.empty() : Optional.of(aliases),
                keepBlank && origins.isEmpty() ? Optional.empty() : Optional.of(origins),
                defaultOrigin,
                f.certificateId().isBlank() ? (editing ? Optional.of(Optional.empty()) : Optional.empty())
                        : Optional.of(Optional.of(f.certificateId().strip())),
                Optional.of(f.minimumProtocolVersion().strip()).filter(s -> !s.isEmpty()),
                f.enabled().isBlank() ? Optional.empty() : Optional.of(f.enabled().equals("true")),
                keepBlank && f.comment().isBlank() ? Optional.empty() : Optional.of(f.comment().strip()),
                keepBlank && tags.isEmpty() ? Optional.empty() : Optional.of(tags));
    }

    private void create(Context ctx) {
        DistributionForm f = readForm(ctx, null);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        Optional<CopyFrom> copy = Optional.empty();
        if (!f.copyFromId().isBlank()) {
            Optional<Integer> v = Optional.empty();
            if (!f.copyFromVersion().isBlank()) {
                try {
                    v = Optional.of(Integer.parseInt(f.copyFromVersion().strip()));
                } catch (NumberFormatException e) {
                    errors.put("copyFrom", List.of("the version must be a whole number (leave it empty for the current one)"));
                }
            }
            copy = Optional.of(new CopyFrom(f.copyFromId().strip(), v));
        }
        if (!errors.isEmpty()) {
            renderForm(ctx, 400, f, new Errors(errors, List.of()));
            return;
        }
        try {
            Distribution d = console.distributions.create(copy, settings(f, false, errors));
            ctx.redirect("/distributions/" + d.id() + "?flash=distribution-created", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            renderForm(ctx, e.code() == ErrorCode.NotFound ? 400 : HttpProblem.statusOf(e), f, errorsOf(e));
        }
    }

    private void update(Context ctx) {
        String id = ctx.pathParam("id");
        DistributionForm f = readForm(ctx, id);
        Map<String, List<String>> errors = new LinkedHashMap<>();
        try {
            console.distributions.update(id, f.version(), settings(f, true, errors));
            ctx.redirect("/distributions/" + id + "?flash=distribution-saved", HttpStatus.SEE_OTHER);
        } catch (ProblemException e) {
            if (e.code() == ErrorCode.NotFound) {
                throw e;
            }
            Errors shown = e.code() == ErrorCode.PreconditionFailed
                    ? new Errors(Map.of(), List.of("Someone else changed this distribution meanwhile (it is now version "
                    + console.distributions.get(id).version() + "). Open it again to see their change, then edit."))
                    : errorsOf(e);
            renderForm(ctx, HttpProblem.statusOf(e), f, shown);
        }
    }

    private static Errors errorsOf(ProblemException e) {
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        List<Violation> vs = e.errors().isEmpty() ? List.of(new Violation(null, e.code(), e.detail())) : e.errors();
        for (Violation v : vs) {
            String f = v.field() == null ? null : Arrays.stream(v.field().split("[.\\[]")).findFirst().orElse(null);
            if (f != null && FIELDS.contains(f)) {
                fields.computeIfAbsent(f, k -> new ArrayList<>()).add(ImportPages.words(v));
            } else {
                general.add(ImportPages.words(v));
            }
        }
        return new Errors(fields, general);
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\\r?\\n")).map(String::strip).filter(s -> !s.isEmpty()).toList();
    }
}
