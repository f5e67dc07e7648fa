package io.edgecert.web;

import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateStatus;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.Tag;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.micrometer.core.instrument.MeterRegistry;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** /api/v1/certificates: thin mapping from HTTP to {@link CertificateService}. */
public final class CertificateRoutes implements Routes {
    /**
     * Largest body of a certificate call: the field limits of import-rules A2 (32 KiB certificate,
     * 5 KiB key, 2 MiB chain) plus room for JSON escaping of newlines, a name and 50 tags.
     */
    static final long MAX_BODY_BYTES = 2_300_000;

    private final CertificateService service;
    private final MeterRegistry metrics;

    public CertificateRoutes(CertificateService service, MeterRegistry metrics) {
        this.service = service;
        this.metrics = metrics;
    }

    record ImportRequest(String name, String certificate, String privateKey, String certificateChain, List<Tag> tags) {
    }

    record ReimportRequest(String certificate, String privateKey, String certificateChain, List<Tag> tags) {
    }

    record TagsRequest(List<Tag> tags) {
    }

    record PageResponse<T>(List<T> items, String nextCursor) {
    }

    @Override
    public void routes(Javalin app) {
        app.post("/api/v1/certificates", this::importCertificate);
        app.get("/api/v1/certificates", this::list);
        app.get("/api/v1/certificates/{id}", ctx -> ctx.json(service.describe(ctx.pathParam("id"))));
        app.put("/api/v1/certificates/{id}", this::reimport);
        app.delete("/api/v1/certificates/{id}", ctx -> {
            service.delete(ctx.pathParam("id"));
            ctx.status(204);
        });
        app.post("/api/v1/certificates/{id}/tags", ctx -> ctx.json(service.addTags(ctx.pathParam("id"),
                Params.tagMap(RequestBodies.json(ctx, TagsRequest.class, 64 * 1024).tags()))));
        app.delete("/api/v1/certificates/{id}/tags/{key}", ctx -> ctx.json(service.removeTags(ctx.pathParam("id"),
                new LinkedHashSet<>(List.of(ctx.pathParam("key"))))));
        // The key as a query parameter: keys may hold '/', which a path segment cannot carry.
        app.delete("/api/v1/certificates/{id}/tags", ctx -> ctx.json(service.removeTags(ctx.pathParam("id"),
                tagKeysToRemove(ctx))));
    }

    private static LinkedHashSet<String> tagKeysToRemove(Context ctx) {
        List<String> keys = ctx.queryParams("key");
        if (keys.isEmpty() || keys.stream().anyMatch(String::isEmpty)) {
            throw ProblemException.of(new Violation("key", ErrorCode.InvalidRequest, "name the tag to remove: "
                    + "DELETE /api/v1/certificates/{id}/tags?key=KEY (URL-encoded; repeat key= to remove several)"));
        }
        return new LinkedHashSet<>(keys);
    }

    /** A tag filter: a key and, optionally, the value it must have. */
    private record TagFilter(Optional<String> key, Optional<String> value) {
    }

    /**
     * {@code tag=key[=value]} splits at the first '=', so it cannot name a key that holds '='.
     * {@code tagKey=key[&tagValue=value]} takes both verbatim; giving both forms is refused.
     */
    private static TagFilter tagFilter(Context ctx) {
        Optional<String> tag = Optional.ofNullable(ctx.queryParam("tag")).filter(s -> !s.isEmpty());
        Optional<String> tagKey = Optional.ofNullable(ctx.queryParam("tagKey")).filter(s -> !s.isEmpty());
        Optional<String> tagValue = Optional.ofNullable(ctx.queryParam("tagValue"));
        if (tag.isPresent() && (tagKey.isPresent() || tagValue.isPresent())) {
            throw ProblemException.of(new Violation("tag", ErrorCode.InvalidRequest,
                    "give either tag=key[=value] or tagKey=key with an optional tagValue=value, not both"));
        }
        if (tagValue.isPresent() && tagKey.isEmpty()) {
            throw ProblemException.of(new Violation("tagValue", ErrorCode.InvalidRequest, "tagValue needs tagKey"));
        }
        if (tag.isPresent()) {
            String t = tag.get();
            int eq = t.indexOf('=');
            return eq < 0 ? new TagFilter(tag, Optional.empty())
                    : new TagFilter(Optional.of(t.substring(0, eq)), Optional.of(t.substring(eq + 1)));
        }
        return new TagFilter(tagKey, tagValue);
    }

    private void importCertificate(Context ctx) {
        ImportRequest r = RequestBodies.json(ctx, ImportRequest.class, MAX_BODY_BYTES);
        Certificate created = counted("import", () -> service.importCertificate(new CertificateService.NewCertificate(
                Optional.ofNullable(r.name()), submission(r.certificate(), r.privateKey(), r.certificateChain()),
                Params.tagMap(r.tags()))));
        ctx.status(201).header("Location", "/api/v1/certificates/" + created.id()).json(created);
    }

    private void reimport(Context ctx) {
        ReimportRequest r = RequestBodies.json(ctx, ReimportRequest.class, MAX_BODY_BYTES);
        if (r.tags() != null) {
            throw ProblemException.of(new Violation("tags", ErrorCode.TaggingOnReimport,
                    "tags cannot be given with a reimport; change them with POST /api/v1/certificates/{id}/tags"));
        }
        ctx.json(counted("reimport", () -> service.reimport(ctx.pathParam("id"),
                submission(r.certificate(), r.privateKey(), r.certificateChain()))));
    }

    private void list(Context ctx) {
        TagFilter tag = tagFilter(ctx);
        var page = service.list(new CertificateService.ListQuery(
                Optional.ofNullable(ctx.queryParam("domain")).filter(s -> !s.isBlank()),
                Params.intParam(ctx, "expiringWithinDays"),
                Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isBlank()).map(CertificateRoutes::status),
                tag.key(),
                tag.value(),
                Optional.ofNullable(ctx.queryParam("cursor")).filter(s -> !s.isBlank()),
                Params.intParam(ctx, "limit")));
        ctx.json(new PageResponse<>(page.items(), page.nextCursor().orElse(null)));
    }

    private <T> T counted(String operation, java.util.function.Supplier<T> call) {
        try {
            T result = call.get();
            metrics.counter("edgecert_certificate_operations_total", "operation", operation, "result", "ok").increment();
            return result;
        } catch (ProblemException e) {
            metrics.counter("edgecert_certificate_operations_total", "operation", operation, "result", e.code().name())
                    .increment();
            throw e;
        }
    }

    private static CertificateSubmission submission(String certificate, String privateKey, String chain) {
        return new CertificateSubmission(certificate, privateKey, Optional.ofNullable(chain).filter(s -> !s.isBlank()));
    }


    private static CertificateStatus status(String s) {
        try {
            return CertificateStatus.valueOf(s.strip().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw ProblemException.of(new Violation("status", ErrorCode.InvalidRequest,
                    "status must be one of ISSUED, EXPIRED, NOT_YET_VALID"));
        }
    }
}
