package io.edgecert.web;

import io.edgecert.certificates.Tag;
import io.edgecert.distributions.DistributionService.CopyFrom;
import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobService;
import io.edgecert.jobs.JobService.ImportItem;
import io.edgecert.jobs.JobService.ImportJobRequest;
import io.edgecert.jobs.JobStatus;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import io.edgecert.json.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;

/** /api/v1/jobs: submit, read, list, clean up, and watch live (server-sent events). */
public final class JobRoutes implements Routes, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRoutes.class);
    /** 10,000 certificates with keys and chains fit with room; the body is capped before parsing. */
    static final long MAX_BODY_BYTES = 64L * 1024 * 1024;

    private final JobService jobs;

    public JobRoutes(JobService jobs) {
        this.jobs = jobs;
    }

    record ItemRequest(String name, String certificate, String privateKey, String certificateChain) {
        @Override
        public String toString() {
            return "ItemRequest[" + name + ", privateKey=(redacted)]";
        }
    }

    record TemplateRequest(String distributionId, Integer version) {
    }

    record ImportJobBody(List<ItemRequest> certificates, Boolean createDistributions, TemplateRequest distributionTemplate,
                         String origin, List<Tag> tags, Boolean rollbackOnFailure) {
    }

    record PageResponse<T>(List<T> items, String nextCursor) {
    }

    @Override
    public void routes(Javalin app) {
        app.post("/api/v1/jobs/import-certificates", this::submit);
        app.get("/api/v1/jobs", this::list);
        app.get("/api/v1/jobs/{id}", ctx -> ctx.json(jobs.get(ctx.pathParam("id"),
                Params.intParam(ctx, "itemOffset").orElse(0),
                Params.intParam(ctx, "itemLimit").orElse(JobService.DEFAULT_ITEM_PAGE))));
        app.post("/api/v1/jobs/{id}/cleanup", ctx -> ctx.json(jobs.cleanup(ctx.pathParam("id"))));
        SseHandler events = new SseHandler(0, this::watch);
        app.get("/api/v1/jobs/{id}/events", ctx -> {
            // Javalin streams only for this exact Accept value (what EventSource sends); say so
            // instead of answering an empty 200.
            if (!"text/event-stream".equals(ctx.header("Accept"))) {
                throw new ProblemException(406, ErrorCode.InvalidRequest,
                        "this is a server-sent event stream: send the header Accept: text/event-stream", List.of());
            }
            events.handle(ctx);
        });
    }

    private void submit(Context ctx) {
        ImportJobBody body = RequestBodies.json(ctx, ImportJobBody.class, MAX_BODY_BYTES);
        List<ImportItem> items = body.certificates() == null ? List.of() : body.certificates().stream()
                .map(i -> i == null ? null : new ImportItem(Optional.ofNullable(i.name()), i.certificate(), i.privateKey(),
                        Optional.ofNullable(i.certificateChain()).filter(s -> !s.isBlank())))
                .toList();
        Optional<CopyFrom> template = Optional.ofNullable(body.distributionTemplate())
                .map(t -> new CopyFrom(t.distributionId(), Optional.ofNullable(t.version())));
        Job job = jobs.submit(new ImportJobRequest(items, Optional.ofNullable(body.createDistributions()), template,
                Optional.ofNullable(body.origin()).filter(s -> !s.isBlank()),
                body.tags() == null ? List.of() : body.tags(), Boolean.TRUE.equals(body.rollbackOnFailure())));
        ctx.status(202).header("Location", "/api/v1/jobs/" + job.id()).json(new Accepted(job.id(), job));
    }

    record Accepted(String jobId, Job job) {
    }

    private void list(Context ctx) {
        var page = jobs.list(Params.string(ctx, "cursor"), Params.intParam(ctx, "limit"),
                Params.string(ctx, "status").map(JobRoutes::status), time(ctx, "createdAfter"), time(ctx, "createdBefore"));
        ctx.json(new PageResponse<>(page.items(), page.nextCursor().orElse(null)));
    }

    /**
     * Sends a "progress" event whenever status or counters change, then "finished" with the
     * final job and closes; the job's shared watcher reads it once per change, whichever node runs it.
     */
    private void watch(SseClient client) {
        String id = client.ctx().pathParam("id");
        try {
            jobs.summary(id);
        } catch (ProblemException e) {
            client.sendEvent("error", Json.write(new ProblemBody(e.code().name(), e.detail())));
            client.close();
            return;
        }
        JobWatch.stream(client, jobs.watchers(), id, Json::write,
                job -> Json.write(jobs.get(id, 0, JobService.DEFAULT_ITEM_PAGE)));
    }

    record ProblemBody(String code, String detail) {
    }

    private static JobStatus status(String s) {
        try {
            return JobStatus.valueOf(s.toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.of(new Violation("status", ErrorCode.InvalidRequest,
                    "status must be one of PENDING, RUNNING, SUCCEEDED, FAILED, CLEANED_UP"));
        }
    }

    private static Optional<Instant> time(Context ctx, String name) {
        return Params.string(ctx, name).map(v -> {
            try {
                return Instant.parse(v);
            } catch (DateTimeParseException e) {
                throw ProblemException.of(new Violation(name, ErrorCode.InvalidRequest,
                        name + " must be an ISO-8601 instant, e.g. 2026-11-22T10:00:00Z"));
            }
        });
    }

    @Override
    public void close() {
        // the job watchers are the node's (closed with it)
    }
}
