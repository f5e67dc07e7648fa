package io.edgecert.distributions;

import io.edgecert.serving.DeployedRoute;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.RouteSource;
import io.edgecert.serving.RoutesFingerprint;
import io.edgecert.store.Database;

import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.ViewerProtocolPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The distributions' side of the edge's loader: deployed versions as routes, and the edge_nodes
 * rows through which each node says what it serves. A report that moves a node's applied change
 * raises {@link DistributionChannels#APPLIED} in its transaction, which wakes
 * {@link DistributionService#awaitDeployed} on every node.
 */
final class RoutesForEdge implements RouteSource {
    private static final Logger log = LoggerFactory.getLogger(RoutesForEdge.class);
    private final Database db;
    private final DistributionRepository repository;
    private final PolicyService policies;

    RoutesForEdge(Database db, DistributionRepository repository, PolicyService policies) {
        this.db = db;
        this.repository = repository;
        this.policies = policies;
    }

    @Override
    public RoutesFingerprint fingerprint() {
        return db.withConnection(repository::fingerprint);
    }

    @Override
    public List<DeployedRoute> changedSince(long afterSeq) {
        // the policies on the same connection, read after the distributions: a policy change restamps
        // its users, so a route built here is never older than the policies it names
        return db.withConnection(c -> {
            List<DistributionRepository.Served> served = repository.changedSince(c, afterSeq);
            PolicyService.Resolver resolver = policies.resolver(c);
            return served.stream().map(s -> deployed(s, resolver)).toList();
        });
    }

    @Override
    public List<DeployedRoute> all() {
        return db.withConnection(c -> {
            List<DistributionRepository.Served> served = repository.allForFirstLoad(c);
            PolicyService.Resolver resolver = policies.resolver(c);
            return served.stream().map(s -> deployed(s, resolver)).toList();
        });
    }

    @Override
    public void report(String nodeId, String host, long appliedSeq) {
        db.inTransaction(c -> {
            if (repository.heartbeat(c, nodeId, host, appliedSeq)) {
                db.signals().raise(c, DistributionChannels.APPLIED, nodeId);
            }
            return null;
        });
    }

    @Override
    public void forget(String nodeId) {
        db.inTransaction(c -> {
            if (repository.forgetNode(c, nodeId)) {
                db.signals().raise(c, DistributionChannels.APPLIED, nodeId); // it no longer holds deployments back
            }
            return null;
        });
    }

    static DeployedRoute deployed(DistributionRepository.Served s, PolicyService.Resolver policies) {
        DistributionConfig c = s.config();
        EdgeRoute route = new EdgeRoute(s.id(), s.version(), c.aliases(), s.domainName(), c.certificateId(),
                s.certificateVersion(),
                MinimumProtocol.fromApiName(c.minimumProtocolVersion()).orElse(MinimumProtocol.DEFAULT),
                c.origins().stream().map(o -> new EdgeRoute.Origin(o.id(), URI.create(o.url()), o.originPath().orElse("")))
                        .toList(),
                c.defaultOriginId(), c.originGroups().stream().map(RoutesForEdge::group).toList(),
                behavior(s.id(), c, c.defaultCacheBehavior().orElse(EMPTY), policies),
                c.cacheBehaviors().stream().map(b -> behavior(s.id(), c, b, policies)).toList(),
                c.customErrorResponses().stream().map(RoutesForEdge::errorResponse).toList());
        return new DeployedRoute(route, s.changeSeq(), s.enabled());
    }

    /** The default behavior of a config that names none: every field absent, today's pass-through. */
    private static final DistributionConfig.Behavior EMPTY = new DistributionConfig.Behavior(null, null, null, null, null,
            null, null, null, null);

    /** A stored behavior with its defaults filled in and its policies resolved (see DistributionConfig.Behavior). */
    static CacheBehavior behavior(String distributionId, DistributionConfig c, DistributionConfig.Behavior b,
                                  PolicyService.Resolver policies) {
        CacheBehavior pass = CacheBehavior.passThrough(Optional.ofNullable(b.targetOriginId()).orElse(c.defaultOriginId()));
        PathPattern pattern = Optional.ofNullable(b.pathPattern()).flatMap(PathPattern::parse).orElse(PathPattern.DEFAULT);
        return new CacheBehavior(pattern, pass.targetOriginId(),
                Optional.ofNullable(b.viewerProtocolPolicy()).flatMap(ViewerProtocolPolicy::fromApiName)
                        .orElse(pass.viewerProtocolPolicy()),
                Optional.ofNullable(b.allowedMethods()).<Set<String>>map(Set::copyOf).orElse(pass.allowedMethods()),
                Optional.ofNullable(b.cachedMethods()).<Set<String>>map(Set::copyOf).orElse(pass.cachedMethods()),
                Optional.ofNullable(b.compress()).orElse(pass.compress()),
                resolve(distributionId, policies, PolicyKind.CACHE, b.cachePolicyId()).orElse(pass.cachePolicy()),
                resolve(distributionId, policies, PolicyKind.ORIGIN_REQUEST, b.originRequestPolicyId())
                        .orElse(pass.originRequestPolicy()),
                resolve(distributionId, policies, PolicyKind.RESPONSE_HEADERS, b.responseHeadersPolicyId())
                        .or(pass::responseHeadersPolicy));
    }

    /**
     * A named policy that is gone cannot happen (a policy in use is not deleted, the write locks
     * it); should it all the same, the behavior falls back to the pass-through default, logged.
     */
    private static <S> Optional<S> resolve(String distributionId, PolicyService.Resolver policies,
                                           PolicyKind<?, S> kind, String id) {
        if (id == null) {
            return Optional.empty();
        }
        Optional<S> found = policies.resolve(kind, id);
        if (found.isEmpty()) {
            log.warn("Distribution {} names {} {} which does not exist; serving the default instead", distributionId,
                    kind.label(), id);
        }
        return found;
    }

    private static OriginGroup group(DistributionConfig.OriginGroup g) {
        return new OriginGroup(g.id(), g.primaryOriginId(), g.secondaryOriginId(),
                g.failoverStatusCodes() == null ? CdnRules.DEFAULT_FAILOVER_CODES : Set.copyOf(g.failoverStatusCodes()));
    }

    private static CustomErrorResponse errorResponse(DistributionConfig.ErrorResponse e) {
        return new CustomErrorResponse(e.errorCode(), Optional.ofNullable(e.responsePagePath()),
                Optional.ofNullable(e.responseCode()),
                Optional.ofNullable(e.errorCachingMinTtl()).orElse(CustomErrorResponse.DEFAULT_ERROR_CACHING_MIN_TTL));
    }
}
