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

    @Override
    public List<Endpoint> endpoints() {
        String one = "/api/v1/jobs/{id}";
        return List.of(
                Endpoint.post("/api/v1/jobs/import-certificates", "Import certificates (and create distributions) as a job",
                                this::submit)
                        .accepts(ImportJobBody.class).returns(202, Endpoint.Body.json(Accepted.class))
                        // every problem of an item is about the request: 400 whatever its code
                        .errors(400, ErrorCode.MissingField, ErrorCode.SizeLimitExceeded, ErrorCode.InvalidPem,
                                ErrorCode.MultipleCertificates, ErrorCode.EncryptedPrivateKey, ErrorCode.KeyMismatch,
                                ErrorCode.UnsupportedKeyAlgorithm, ErrorCode.UnsupportedKeySize, ErrorCode.InvalidCertificate,
                                ErrorCode.CertificateNotYetValid, ErrorCode.CertificateExpired, ErrorCode.InvalidChain,
                                ErrorCode.TooManyTags, ErrorCode.InvalidTag, ErrorCode.InvalidAlias, ErrorCode.TooManyAliases,
                                ErrorCode.CertificateDoesNotCoverAlias, ErrorCode.CnameAlreadyExists, ErrorCode.NotFound)
                        .errors(ErrorCode.LimitExceeded),
                Endpoint.get("/api/v1/jobs", "List jobs, newest first", this::list)
                        .query("status", "string", "PENDING, RUNNING, SUCCEEDED, FAILED or CLEANED_UP")
                        .query("createdAfter", "string", "ISO-8601 instant")
                        .query("createdBefore", "string", "ISO-8601 instant")
                        .pagesOf(Job.class),
                Endpoint.get(one, "Describe a job with its first items", ctx -> ctx.json(jobs.get(ctx.pathParam("id"),
                                Params.intParam(ctx, "itemOffset").orElse(0),
                                Params.intParam(ctx, "itemLimit").orElse(JobService.DEFAULT_ITEM_PAGE))))
                        .query("itemOffset", "integer", "first item's index (default 0)")
                        .query("itemLimit", "integer", "items to include, 0 to " + JobService.MAX_ITEM_PAGE
                                + " (default " + JobService.DEFAULT_ITEM_PAGE + "); page them with /items instead")
                        .returns(Job.class),
                Endpoint.get(one + "/items", "A job's items, in index order", this::items).pagesOf(Job.Item.class),
                Endpoint.post(one + "/cleanup", "Delete what the job created", ctx -> ctx.json(jobs.cleanup(ctx.pathParam("id"))))
                        .returns(Job.class).errors(ErrorCode.ResourceInUse),
                Endpoint.get(one + "/events", "Server-sent events as the job moves", this::events)
                        .describedAs("Events: progress (the job's counters, as JSON), finished (the job), and error "
                                + "(an application/problem+json body, then the stream ends). Needs Accept: text/event-stream.")
                        .returns(200, Endpoint.Body.text("text/event-stream")).errors(406, ErrorCode.InvalidRequest));
    }

    private final SseHandler events = new SseHandler(0, this::watch);

    private void events(Context ctx) throws Exception {
        // Javalin streams only for this exact Accept value (what EventSource sends); say so
        // instead of answering an empty 200.
        if (!"text/event-stream".equals(ctx.header("Accept"))) {
            throw HttpProblem.withStatus(406, ErrorCode.InvalidRequest,
                    "this is a server-sent event stream: send the header Accept: text/event-stream");
        }
        events.handle(ctx);
    }

    /** The items after the cursor (an index), in index order. */
    private void items(Context ctx) {
        Paging.Request p = Paging.of(ctx);
        int from = p.cursor().map(JobRoutes::index).orElse(0);
        Job job = jobs.get(ctx.pathParam("id"), from, p.limit());
        int next = from + job.items().size();
        ctx.json(Paging.page(job.items(), next < job.itemCount() ? Optional.of(String.valueOf(next)) : Optional.empty()));
    }

    private static int index(String position) {
        try {
            int i = Integer.parseInt(position);
            if (i >= 0) {
                return i;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw Paging.badCursor();
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
        Paging.Request p = Paging.of(ctx);
        var page = jobs.list(p.cursor(), Optional.of(p.limit()),
                Params.string(ctx, "status").map(JobRoutes::status), time(ctx, "createdAfter"), time(ctx, "createdBefore"));
        ctx.json(Paging.page(page.items(), page.nextCursor()));
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
            client.sendEvent("error", ProblemResponses.json(e));
            client.close();
            return;
        }
        JobWatch.stream(client, jobs.watchers(), id, Json::write,
                job -> Json.write(jobs.get(id, 0, JobService.DEFAULT_ITEM_PAGE)));
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
