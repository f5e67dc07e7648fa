package io.edgecert.web;

import io.edgecert.distributions.policies.CachePolicyConfig;
import io.edgecert.distributions.policies.OriginRequestPolicyConfig;
import io.edgecert.distributions.policies.Policy;
import io.edgecert.distributions.policies.PolicyConfig;
import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.distributions.policies.PolicyType;
import io.edgecert.distributions.policies.ResponseHeadersPolicyConfig;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.javalin.http.Context;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * /api/v1/cache-policies, /api/v1/origin-request-policies and /api/v1/response-headers-policies:
 * one set of calls per kind, thin over {@link PolicyService}. A policy is shown as
 * {@code {id, type, version, lastModifiedTime, <kind>PolicyConfig}} (CloudFront's names); create
 * and update take the config itself, and an update replaces it (If-Match: the version).
 */
public final class PolicyRoutes implements Routes {
    /** A policy's config is small: CloudFront caps every list at a few dozen short items. */
    static final long MAX_BODY_BYTES = 64 * 1024;

    private final PolicyService service;

    public PolicyRoutes(PolicyService service) {
        this.service = service;
    }

    public record CachePolicyView(String id, PolicyType type, int version, Optional<Instant> lastModifiedTime,
                                  CachePolicyConfig cachePolicyConfig) {
    }

    public record OriginRequestPolicyView(String id, PolicyType type, int version, Optional<Instant> lastModifiedTime,
                                          OriginRequestPolicyConfig originRequestPolicyConfig) {
    }

    public record ResponseHeadersPolicyView(String id, PolicyType type, int version, Optional<Instant> lastModifiedTime,
                                            ResponseHeadersPolicyConfig responseHeadersPolicyConfig) {
    }

    @Override
    public List<Endpoint> endpoints() {
        List<Endpoint> out = new ArrayList<>();
        out.addAll(group(PolicyKind.CACHE, CachePolicyView.class,
                p -> new CachePolicyView(p.id(), p.type(), p.version(), p.lastModifiedTime(), p.config())));
        out.addAll(group(PolicyKind.ORIGIN_REQUEST, OriginRequestPolicyView.class,
                p -> new OriginRequestPolicyView(p.id(), p.type(), p.version(), p.lastModifiedTime(), p.config())));
        out.addAll(group(PolicyKind.RESPONSE_HEADERS, ResponseHeadersPolicyView.class,
                p -> new ResponseHeadersPolicyView(p.id(), p.type(), p.version(), p.lastModifiedTime(), p.config())));
        return out;
    }

    static String path(PolicyKind<?, ?> kind) {
        return "/api/v1/" + kind.key() + "-policies";
    }

    private <C extends PolicyConfig> List<Endpoint> group(PolicyKind<C, ?> kind, Class<?> view, Function<Policy<C>, Object> show) {
        String all = path(kind);
        String one = all + "/{id}";
        String label = kind.label();
        return List.of(
                Endpoint.get(all, "List " + label + "s, managed (CloudFront's) then custom", ctx -> {
                    Paging.Request p = Paging.of(ctx);
                    Optional<PolicyType> type = Params.string(ctx, "type").map(t -> PolicyType.fromApiName(t)
                            .orElseThrow(() -> ProblemException.of(new Violation("type", ErrorCode.InvalidRequest,
                                    "type is managed or custom"))));
                    Paging.Page<Policy<C>> page = Paging.slice(service.list(kind, type), p, Policy::id);
                    ctx.json(new Paging.Page<>(page.items().stream().map(show).toList(), page.nextCursor()));
                }).query("type", "string", "managed or custom (default: both)").errors(ErrorCode.InvalidRequest).pagesOf(view),
                Endpoint.get(one, "Describe a " + label + " (ETag: its version)", ctx -> respond(ctx,
                        service.get(kind, ctx.pathParam("id")), show)).returns(view),
                Endpoint.post(all, "Create a custom " + label, ctx -> {
                    C config = RequestBodies.json(ctx, kind.configType(), MAX_BODY_BYTES);
                    Policy<C> created = service.create(kind, config);
                    ctx.status(201).header("Location", all + "/" + created.id());
                    respond(ctx, created, show);
                }).accepts(kind.configType()).returns(201, Endpoint.Body.json(view))
                        .errors(409, ErrorCode.InvalidRequest).errors(ErrorCode.LimitExceeded),
                Endpoint.put(one, "Replace a custom " + label + "'s config (If-Match: the version it changes); "
                        + "the distributions using it are redeployed", ctx -> {
                    int version = ETags.requireIfMatch(ctx, label);
                    C config = RequestBodies.json(ctx, kind.configType(), MAX_BODY_BYTES);
                    respond(ctx, service.update(kind, ctx.pathParam("id"), version, config), show);
                }).accepts(kind.configType()).returns(view).errors(409, ErrorCode.InvalidRequest)
                        .errors(ErrorCode.Forbidden, ErrorCode.PreconditionFailed).errors(428, ErrorCode.PreconditionFailed),
                Endpoint.delete(one, "Delete a custom " + label + " that no distribution uses (If-Match optional)", ctx -> {
                    service.delete(kind, ctx.pathParam("id"), ETags.ifMatch(ctx, label));
                    ctx.status(204);
                }).errors(ErrorCode.InvalidRequest, ErrorCode.Forbidden, ErrorCode.ResourceInUse, ErrorCode.PreconditionFailed));
    }

    private static <C extends PolicyConfig> void respond(Context ctx, Policy<C> p, Function<Policy<C>, Object> show) {
        ETags.set(ctx, p.version());
        ctx.json(show.apply(p));
    }
}
