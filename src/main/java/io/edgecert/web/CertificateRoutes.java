package io.edgecert.web;

import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateStatus;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.Tag;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
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

    /** What rules A2-A13 refuse in submitted material (import and reimport alike). */
    private static final ErrorCode[] MATERIAL = {ErrorCode.MissingField, ErrorCode.SizeLimitExceeded, ErrorCode.InvalidPem,
            ErrorCode.MultipleCertificates, ErrorCode.EncryptedPrivateKey, ErrorCode.KeyMismatch,
            ErrorCode.UnsupportedKeyAlgorithm, ErrorCode.UnsupportedKeySize, ErrorCode.InvalidCertificate,
            ErrorCode.CertificateNotYetValid, ErrorCode.CertificateExpired, ErrorCode.InvalidChain};

    @Override
    public List<Endpoint> endpoints() {
        String one = "/api/v1/certificates/{id}";
        return List.of(
                Endpoint.post("/api/v1/certificates", "Import a certificate with its private key", this::importCertificate)
                        .accepts(ImportRequest.class).returns(201, Endpoint.Body.json(Certificate.class))
                        .errors(MATERIAL).errors(ErrorCode.TooManyTags, ErrorCode.InvalidTag, ErrorCode.LimitExceeded),
                Endpoint.get("/api/v1/certificates", "List certificates, oldest first (by id)", this::list)
                        .query("domain", "string", "a name the certificate covers (wildcards match their labels)")
                        .query("expiringWithinDays", "integer", "expires within this many days (0 to 36500)")
                        .query("status", "string", "ISSUED, EXPIRED or NOT_YET_VALID")
                        .query("tag", "string", "key or key=value")
                        .query("tagKey", "string", "a tag key, verbatim")
                        .query("tagValue", "string", "with tagKey: the value it must have")
                        .pagesOf(Certificate.class),
                Endpoint.get(one, "Describe a certificate (public material only; ETag: its version)",
                        ctx -> respond(ctx, service.describe(ctx.pathParam("id")))).returns(Certificate.class),
                Endpoint.put(one, "Reimport: replace the material, same id (If-Match: the version it replaces, optional)",
                                this::reimport)
                        .accepts(ReimportRequest.class).returns(Certificate.class).errors(MATERIAL)
                        .errors(ErrorCode.ReimportKeyTypeChanged, ErrorCode.ReimportUsageRemoved, ErrorCode.TaggingOnReimport,
                                ErrorCode.PreconditionFailed)
                        // a distribution's aliases are state, not this request: a conflict
                        .errors(409, ErrorCode.CertificateDoesNotCoverAlias),
                Endpoint.delete(one, "Delete a certificate no distribution uses", ctx -> {
                    service.delete(ctx.pathParam("id"));
                    ctx.status(204);
                }).errors(ErrorCode.ResourceInUse),
                Endpoint.post(one + "/tags", "Add or change tags", ctx -> respond(ctx, service.addTags(ctx.pathParam("id"),
                                Params.tagMap(RequestBodies.json(ctx, TagsRequest.class, 64 * 1024).tags()))))
                        .accepts(TagsRequest.class).returns(Certificate.class).errors(ErrorCode.TooManyTags, ErrorCode.InvalidTag),
                Endpoint.delete(one + "/tags/{key}", "Remove one tag", ctx -> respond(ctx, service.removeTags(ctx.pathParam("id"),
                        new LinkedHashSet<>(List.of(ctx.pathParam("key")))))).returns(200, Endpoint.Body.json(Certificate.class)),
                // The key as a query parameter: keys may hold '/', which a path segment cannot carry.
                Endpoint.delete(one + "/tags", "Remove tags named by key= (repeatable)", ctx -> respond(ctx, service.removeTags(
                                ctx.pathParam("id"), tagKeysToRemove(ctx))))
                        .query("key", "string", "a tag key to remove; repeat to remove several")
                        .returns(200, Endpoint.Body.json(Certificate.class)).errors(ErrorCode.InvalidRequest));
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
        ctx.status(201).header("Location", "/api/v1/certificates/" + created.id());
        respond(ctx, created);
    }

    private void reimport(Context ctx) {
        ReimportRequest r = RequestBodies.json(ctx, ReimportRequest.class, MAX_BODY_BYTES);
        if (r.tags() != null) {
            throw ProblemException.of(new Violation("tags", ErrorCode.TaggingOnReimport,
                    "tags cannot be given with a reimport; change them with POST /api/v1/certificates/{id}/tags"));
        }
        Optional<Integer> ifMatch = ETags.ifMatch(ctx, "certificate");
        respond(ctx, counted("reimport", () -> service.reimport(ctx.pathParam("id"),
                submission(r.certificate(), r.privateKey(), r.certificateChain()), ifMatch)));
    }

    private void list(Context ctx) {
        Paging.Request paging = Paging.of(ctx);
        TagFilter tag = tagFilter(ctx);
        var page = service.list(new CertificateService.ListQuery(
                Optional.ofNullable(ctx.queryParam("domain")).filter(s -> !s.isBlank()),
                Params.intParam(ctx, "expiringWithinDays"),
                Optional.ofNullable(ctx.queryParam("status")).filter(s -> !s.isBlank()).map(CertificateRoutes::status),
                tag.key(),
                tag.value(),
                paging.cursor(),
                Optional.of(paging.limit())));
        ctx.json(Paging.page(page.items(), page.nextCursor()));
    }

    /** A certificate's ETag is its version: reimport's If-Match compares with it. */
    private static void respond(Context ctx, Certificate c) {
        ETags.set(ctx, c.version());
        ctx.json(c);
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
