package io.edgecert.web.console;

import io.edgecert.web.JobWatch;

import io.edgecert.json.Json;
import io.edgecert.jobs.DnsRecord;
import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobService;
import io.edgecert.jobs.JobStatus;
import io.edgecert.web.HttpProblem;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.web.console.Views.DnsView;
import io.edgecert.web.console.Views.ItemRow;
import io.edgecert.web.console.Views.JobRow;
import io.edgecert.web.console.Views.Option;
import io.edgecert.web.console.Views.StepView;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Jobs list, the job page, its live updates (server-sent events on the session cookie) and cleanup. */
final class JobPages implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobPages.class);
    static final int ITEMS_SHOWN = 1000;

    private final Console console;

    JobPages(Console console) {
        this.console = console;
    }

    void routes(Javalin app) {
        app.get("/jobs", this::list);
        app.get("/jobs/{id}", this::detail);
        SseHandler events = new SseHandler(0, this::watch);
        app.get("/jobs/{id}/events", events::handle);
        app.post("/jobs/{id}/cleanup", this::cleanup);
    }

    private void list(Context ctx) {
        Optional<JobStatus> status = Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isBlank())
                .flatMap(JobPages::status);
        Optional<String> cursor = Optional.ofNullable(ctx.queryParam("cursor")).filter(s -> !s.isBlank());
        JobService.Page page = console.jobs.list(cursor, Optional.of(50), status, Optional.empty(), Optional.empty());
        List<Option> statuses = new ArrayList<>();
        statuses.add(new Option("", "any status", status.isEmpty()));
        for (JobStatus s : JobStatus.values()) {
            statuses.add(new Option(s.name(), s.name(), status.map(x -> x == s).orElse(false)));
        }
        console.render(ctx, "jobs.jte", Console.params("frame", console.frame(ctx, "Jobs", "jobs"),
                "jobs", page.items().stream().map(JobPages::row).toList(), "statuses", statuses,
                "status", status.map(Enum::name).orElse(""), "next", page.nextCursor().orElse(null),
                "paged", cursor.isPresent()));
    }

    static JobRow row(Job j) {
        String progress = String.join(" · ", j.steps().stream()
                .map(s -> Fmt.stepLabel(s.name().name()).substring(3) + " " + s.succeeded() + "/" + s.total()
                        + (s.failed() > 0 ? " (" + s.failed() + " failed)" : "")).toList());
        return new JobRow(j.id(), j.status().name(), Fmt.status(j.status().name()), Fmt.time(j.createdAt()),
                Fmt.time(j.finishedAt()), j.itemCount(), progress);
    }

    private void detail(Context ctx) {
        Job job = console.jobs.get(ctx.pathParam("id"), 0, ITEMS_SHOWN);
        renderDetail(ctx, 200, job, null);
    }

    private void renderDetail(Context ctx, int status, Job job, String error) {
        boolean live = !job.status().finished();
        console.render(ctx, status, "job.jte", Console.params("frame", console.frame(ctx, "Job " + job.id().substring(0, 8), "jobs"),
                "job", row(job), "steps", steps(job), "items", items(job), "itemCount", job.itemCount(),
                "live", live, "error", job.error().orElse(null), "cleanupError", error,
                "canCleanUp", job.status() == JobStatus.FAILED,
                "dnsCount", job.items().stream().mapToInt(i -> i.dnsRecords().size()).sum(),
                "allDns", job.items().stream().flatMap(i -> i.dnsRecords().stream()).map(JobPages::dnsLine)
                        .reduce((a, b) -> a + "\n" + b).orElse("")));
    }

    static List<StepView> steps(Job job) {
        return job.steps().stream().map(s -> new StepView(s.name().name(), Fmt.stepLabel(s.name().name()), s.status().name(),
                Fmt.status(s.status().name()), s.total(), s.succeeded(), s.failed())).toList();
    }

    static List<ItemRow> items(Job job) {
        return job.items().stream().map(i -> new ItemRow(i.index(), i.name().orElse("(item " + i.index() + ")"),
                i.status().name(), Fmt.status(i.status().name()), i.keySummary(), i.certificateId().orElse(null),
                i.distributionId().orElse(null), i.distributionDomainName().orElse(null),
                Fmt.shortList(i.aliases(), 4),
                i.dnsRecords().stream().map(d -> new DnsView(d.name(), d.type(), d.value(), d.note().orElse(null), dnsLine(d)))
                        .toList(),
                i.error().map(e -> Fmt.stepLabel(e.step().name()).substring(3) + ": " + e.message() + " (" + e.code() + ")")
                        .orElse(null))).toList();
    }

    /** Zone-file form: "shop.example.com. CNAME d-123.edge.example." */
    static String dnsLine(DnsRecord d) {
        return d.name() + ". " + d.type() + " " + d.value() + ".";
    }

    private void cleanup(Context ctx) {
        String id = ctx.pathParam("id");
        if (!"on".equals(ctx.formParam("confirmCleanup"))) {
            renderDetail(ctx, 400, console.jobs.get(id, 0, ITEMS_SHOWN),
                    "Tick the box to confirm: this deletes every certificate and distribution this job created.");
            return;
        }
        try {
            console.jobs.cleanup(id);
        } catch (ProblemException e) {
            if (e.code() == ErrorCode.NotFound) {
                throw e;
            }
            renderDetail(ctx, 409, console.jobs.get(id, 0, ITEMS_SHOWN), e.detail());
            return;
        }
        ctx.redirect("/jobs/" + id + "?flash=cleaned-up", HttpStatus.SEE_OTHER);
    }

    /** What the live view gets: status and the steps' counters. */
    record Progress(String status, List<StepView> steps, boolean finished) {
    }

    /**
     * "progress" whenever status or counters change, then "finished" and close (one shared watcher
     * per job, right whichever node runs it).
     */
    private void watch(SseClient client) {
        String id = client.ctx().pathParam("id");
        try {
            console.jobs.summary(id);
        } catch (ProblemException e) {
            client.sendEvent("gone", "{}");
            client.close();
            return;
        }
        JobWatch.stream(client, console.jobs.watchers(), id,
                job -> Json.write(new Progress(job.status().name(), steps(job), false)),
                job -> Json.write(new Progress(job.status().name(), steps(job), true)));
    }

    private static Optional<JobStatus> status(String s) {
        try {
            return Optional.of(JobStatus.valueOf(s.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    @Override
    public void close() {
        // the job watchers are the node's (closed with it)
    }
}
