package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.certificates.Tag;
import io.edgecert.distributions.Distribution;
import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.DistributionService.CopyFrom;
import io.edgecert.distributions.DistributionService.Settings;
import io.edgecert.distributions.DistributionVersion;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.util.List;
import java.util.Optional;

/** /api/v1/distributions: thin mapping from HTTP to {@link DistributionService}. */
public final class DistributionRoutes implements Routes {
    static final long MAX_BODY_BYTES = 256 * 1024;

    private final DistributionService service;

    public DistributionRoutes(DistributionService service) {
        this.service = service;
    }

    /**
     * Create or update body. Absent fields keep the base value (defaults, the copied config, or the
     * current version); certificateId: null removes the certificate.
     */
    record DistributionRequest(List<String> aliases, List<DistributionConfig.Origin> origins, String defaultOriginId,
                               JsonNode certificateId, String minimumProtocolVersion, Boolean enabled, String comment,
                               List<Tag> tags, CopyFromRequest copyFrom) {
    }

    record CopyFromRequest(String distributionId, Integer version) {
    }

    record PageResponse<T>(List<T> items, String nextCursor) {
    }

    @Override
    public void routes(Javalin app) {
        app.post("/api/v1/distributions", this::create);
        app.get("/api/v1/distributions", this::list);
        app.get("/api/v1/distributions/{id}", ctx -> respond(ctx, service.get(ctx.pathParam("id"))));
        app.put("/api/v1/distributions/{id}", this::update);
        app.delete("/api/v1/distributions/{id}", ctx -> {
            service.delete(ctx.pathParam("id"), ifMatch(ctx, false));
            ctx.status(204);
        });
        app.get("/api/v1/distributions/{id}/versions", ctx -> {
            List<DistributionVersion> versions = service.versions(ctx.pathParam("id"));
            ctx.json(new PageResponse<>(versions, null));
        });
    }

    private void create(Context ctx) {
        DistributionRequest r = RequestBodies.json(ctx, DistributionRequest.class, MAX_BODY_BYTES);
        Optional<CopyFrom> copyFrom = Optional.ofNullable(r.copyFrom())
                .map(c -> new CopyFrom(c.distributionId(), Optional.ofNullable(c.version())));
        Distribution created = service.create(copyFrom, settings(r));
        ctx.status(201).header("Location", "/api/v1/distributions/" + created.id());
        respond(ctx, created);
    }

    private void update(Context ctx) {
        int version = ifMatch(ctx, true).orElseThrow();
        DistributionRequest r = RequestBodies.json(ctx, DistributionRequest.class, MAX_BODY_BYTES);
        if (r.copyFrom() != null) {
            throw ProblemException.of(new Violation("copyFrom", ErrorCode.InvalidRequest,
                    "copyFrom is only for creating a distribution"));
        }
        respond(ctx, service.update(ctx.pathParam("id"), version, settings(r)));
    }

    private void list(Context ctx) {
        var page = service.list(Params.string(ctx, "cursor"), Params.intParam(ctx, "limit"),
                Params.string(ctx, "certificateId"), Params.string(ctx, "alias"));
        ctx.json(new PageResponse<>(page.items(), page.nextCursor().orElse(null)));
    }

    private static void respond(Context ctx, Distribution d) {
        ctx.header("ETag", "\"" + d.version() + "\"").json(d);
    }

    private static Settings settings(DistributionRequest r) {
        Optional<Optional<String>> certificateId = r.certificateId() == null ? Optional.empty()
                : r.certificateId().isNull() ? Optional.of(Optional.empty())
                : r.certificateId().isTextual() ? Optional.of(Optional.of(r.certificateId().asText()))
                : invalid("certificateId", "certificateId must be a string or null");
        return new Settings(Optional.ofNullable(r.aliases()), Optional.ofNullable(r.origins()),
                Optional.ofNullable(r.defaultOriginId()), certificateId, Optional.ofNullable(r.minimumProtocolVersion()),
                Optional.ofNullable(r.enabled()), Optional.ofNullable(r.comment()), Optional.ofNullable(r.tags()));
    }

    /** Rule C8: "If-Match: 3" or the ETag form "\"3\"". */
    private static Optional<Integer> ifMatch(Context ctx, boolean required) {
        String h = ctx.header("If-Match");
        if (h == null || h.isBlank()) {
            if (required) {
                throw new ProblemException(428, ErrorCode.PreconditionFailed,
                        "an update needs If-Match with the version it changes (the ETag of GET)", List.of());
            }
            return Optional.empty();
        }
        String v = h.strip().replace("W/", "").replace("\"", "");
        try {
            return Optional.of(Integer.parseInt(v));
        } catch (NumberFormatException e) {
            return invalid("If-Match", "If-Match must be the distribution's version number, e.g. If-Match: 3");
        }
    }

    private static <T> T invalid(String field, String message) {
        throw ProblemException.of(new Violation(field, ErrorCode.InvalidRequest, message));
    }
}
