package io.edgecert.web;

import io.edgecert.distributions.invalidations.Invalidation;
import io.edgecert.distributions.invalidations.InvalidationService;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** /api/v1/distributions/{id}/invalidations: thin mapping from HTTP to {@link InvalidationService}. */
public final class InvalidationRoutes implements Routes {
    /** 3,000 paths of up to 4,000 characters fit (what CloudFront allows in one batch). */
    static final long MAX_BODY_BYTES = 16L * 1024 * 1024;

    private final InvalidationService service;

    public InvalidationRoutes(InvalidationService service) {
        this.service = service;
    }

    /** CloudFront's InvalidationBatch: the paths, and a callerReference that makes a retry safe. */
    record InvalidationRequest(List<String> paths, String callerReference) {
    }

    @Override
    public List<Endpoint> endpoints() {
        String all = "/api/v1/distributions/{id}/invalidations";
        return List.of(
                Endpoint.post(all, "Drop cached objects from every edge node (InProgress, then Completed)", this::create)
                        .describedAs("Paths start with / and may end with * (a prefix): at most "
                                + "3,000 per invalidation, 3,000 file paths and 15 wildcard paths in progress per "
                                + "distribution. The same callerReference with the same paths returns the invalidation "
                                + "it created; with other paths it is refused.")
                        .accepts(InvalidationRequest.class).returns(201, Endpoint.Body.json(Invalidation.class))
                        .errors(ErrorCode.InvalidArgument, ErrorCode.TooManyInvalidationsInProgress,
                                ErrorCode.InvalidationBatchAlreadyExists, ErrorCode.NoSuchDistribution),
                Endpoint.get(all, "List a distribution's invalidations, newest first", this::list)
                        .pagesOf(Invalidation.class).errors(ErrorCode.NoSuchDistribution),
                Endpoint.get(all + "/{invalidationId}", "Describe an invalidation (waitSeconds: until it is Completed)", this::get)
                        .query("waitSeconds", "integer", "wait up to this many seconds (0 to "
                                + InvalidationService.MAX_WAIT.toSeconds() + ") for the invalidation to be Completed")
                        .returns(Invalidation.class).errors(ErrorCode.NoSuchDistribution, ErrorCode.NoSuchInvalidation));
    }

    private void create(Context ctx) {
        InvalidationRequest r = RequestBodies.json(ctx, InvalidationRequest.class, MAX_BODY_BYTES);
        String distributionId = ctx.pathParam("id");
        Invalidation created = service.create(distributionId, r.paths(), Optional.ofNullable(r.callerReference()));
        ctx.status(201).header("Location", "/api/v1/distributions/" + distributionId + "/invalidations/" + created.id());
        ctx.json(created);
    }

    private void list(Context ctx) {
        Paging.Request p = Paging.of(ctx);
        InvalidationService.Page page = service.list(ctx.pathParam("id"), p.cursor(), p.limit());
        ctx.json(Paging.page(page.items(), page.nextCursor()));
    }

    private void get(Context ctx) throws InterruptedException {
        Optional<Integer> wait = Params.intParam(ctx, "waitSeconds");
        long max = InvalidationService.MAX_WAIT.toSeconds();
        if (wait.isPresent() && (wait.get() < 0 || wait.get() > max)) {
            throw ProblemException.of(new Violation("waitSeconds", ErrorCode.InvalidRequest,
                    "waitSeconds must be between 0 and " + max));
        }
        String distributionId = ctx.pathParam("id");
        String id = ctx.pathParam("invalidationId");
        ctx.json(wait.filter(s -> s > 0).isPresent()
                ? service.awaitCompleted(distributionId, id, Duration.ofSeconds(wait.get()))
                : service.get(distributionId, id));
    }
}
