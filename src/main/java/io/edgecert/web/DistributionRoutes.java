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
                               List<Tag> tags, CopyFromRequest copyFrom,
                               List<DistributionConfig.OriginGroup> originGroups,
                               DistributionConfig.Behavior defaultCacheBehavior,
                               List<DistributionConfig.Behavior> cacheBehaviors,
                               List<DistributionConfig.ErrorResponse> customErrorResponses) {
    }

    record CopyFromRequest(String distributionId, Integer version) {
    }

    /** What rules C1-C6 refuse in a distribution's settings. */
    private static final ErrorCode[] SETTINGS = {ErrorCode.MissingField, ErrorCode.CertificateDoesNotCoverAlias,
            ErrorCode.InvalidAlias, ErrorCode.CnameAlreadyExists, ErrorCode.TooManyAliases,
            ErrorCode.InvalidMinimumProtocolVersion, ErrorCode.TooManyTags, ErrorCode.InvalidTag};

    @Override
    public List<Endpoint> endpoints() {
        String one = "/api/v1/distributions/{id}";
        return List.of(
                Endpoint.post("/api/v1/distributions", "Create a distribution (or copy one with copyFrom)", this::create)
                        .accepts(DistributionRequest.class).returns(201, Endpoint.Body.json(Distribution.class))
                        .errors(SETTINGS).errors(ErrorCode.LimitExceeded),
                Endpoint.get("/api/v1/distributions", "List distributions, oldest first (by id)", this::list)
                        .query("certificateId", "string", "only distributions serving this certificate")
                        .query("alias", "string", "only the distribution with this alias")
                        .pagesOf(Distribution.class),
                Endpoint.get(one, "Describe a distribution (ETag: its version)", ctx -> respond(ctx, service.get(ctx.pathParam("id"))))
                        .returns(Distribution.class),
                Endpoint.put(one, "Change a distribution (If-Match: the version it changes)", this::update)
                        .accepts(DistributionRequest.class).returns(Distribution.class).errors(SETTINGS)
                        .errors(ErrorCode.PreconditionFailed).errors(428, ErrorCode.PreconditionFailed),
                Endpoint.delete(one, "Delete a distribution (If-Match optional)", ctx -> {
                    service.delete(ctx.pathParam("id"), ETags.ifMatch(ctx, "distribution"));
                    ctx.status(204);
                }).errors(ErrorCode.InvalidRequest, ErrorCode.PreconditionFailed),
                Endpoint.get(one + "/versions", "Every version of a distribution's config, oldest first", ctx -> {
                    Paging.Request p = Paging.of(ctx);
                    List<DistributionVersion> all = service.versions(ctx.pathParam("id"));
                    ctx.json(Paging.slice(all, p, v -> String.valueOf(v.version())));
                }).pagesOf(DistributionVersion.class));
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
        int version = ETags.requireIfMatch(ctx, "distribution"); // rule C8
        DistributionRequest r = RequestBodies.json(ctx, DistributionRequest.class, MAX_BODY_BYTES);
        if (r.copyFrom() != null) {
            throw ProblemException.of(new Violation("copyFrom", ErrorCode.InvalidRequest,
                    "copyFrom is only for creating a distribution"));
        }
        respond(ctx, service.update(ctx.pathParam("id"), version, settings(r)));
    }

    private void list(Context ctx) {
        Paging.Request p = Paging.of(ctx);
        var page = service.list(p.cursor(), Optional.of(p.limit()),
                Params.string(ctx, "certificateId"), Params.string(ctx, "alias"));
        ctx.json(Paging.page(page.items(), page.nextCursor()));
    }

    private static void respond(Context ctx, Distribution d) {
        ETags.set(ctx, d.version());
        ctx.json(d);
    }

    private static Settings settings(DistributionRequest r) {
        Optional<Optional<String>> certificateId = r.certificateId() == null ? Optional.empty()
                : r.certificateId().isNull() ? Optional.of(Optional.empty())
                : r.certificateId().isTextual() ? Optional.of(Optional.of(r.certificateId().asText()))
                : invalid("certificateId", "certificateId must be a string or null");
        return new Settings(Optional.ofNullable(r.aliases()), Optional.ofNullable(r.origins()),
                Optional.ofNullable(r.defaultOriginId()), certificateId, Optional.ofNullable(r.minimumProtocolVersion()),
                Optional.ofNullable(r.enabled()), Optional.ofNullable(r.comment()), Optional.ofNullable(r.tags()),
                Optional.ofNullable(r.originGroups()), Optional.ofNullable(r.defaultCacheBehavior()),
                Optional.ofNullable(r.cacheBehaviors()), Optional.ofNullable(r.customErrorResponses()));
    }

    private static <T> T invalid(String field, String message) {
        throw ProblemException.of(new Violation(field, ErrorCode.InvalidRequest, message));
    }
}
