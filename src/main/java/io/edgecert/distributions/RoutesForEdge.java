package io.edgecert.distributions;

import io.edgecert.serving.DeployedRoute;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.RouteSource;
import io.edgecert.serving.RoutesFingerprint;
import io.edgecert.store.Database;

import java.net.URI;
import java.util.List;

/**
 * The distributions' side of the edge's loader: deployed versions as routes, and the edge_nodes
 * rows through which each node says what it serves. A report that moves a node's applied change
 * raises {@link DistributionChannels#APPLIED} in its transaction, which wakes
 * {@link DistributionService#awaitDeployed} on every node.
 */
final class RoutesForEdge implements RouteSource {
    private final Database db;
    private final DistributionRepository repository;

    RoutesForEdge(Database db, DistributionRepository repository) {
        this.db = db;
        this.repository = repository;
    }

    @Override
    public RoutesFingerprint fingerprint() {
        return db.withConnection(repository::fingerprint);
    }

    @Override
    public List<DeployedRoute> changedSince(long afterSeq) {
        return db.withConnection(c -> repository.changedSince(c, afterSeq)).stream().map(RoutesForEdge::deployed).toList();
    }

    @Override
    public List<DeployedRoute> all() {
        return db.withConnection(repository::allForFirstLoad).stream().map(RoutesForEdge::deployed).toList();
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

    static DeployedRoute deployed(DistributionRepository.Served s) {
        DistributionConfig c = s.config();
        EdgeRoute route = new EdgeRoute(s.id(), s.version(), c.aliases(), s.domainName(), c.certificateId(),
                s.certificateVersion(),
                MinimumProtocol.fromApiName(c.minimumProtocolVersion()).orElse(MinimumProtocol.DEFAULT),
                c.origins().stream().map(o -> new EdgeRoute.Origin(o.id(), URI.create(o.url()))).toList(),
                c.defaultOriginId());
        return new DeployedRoute(route, s.changeSeq(), s.enabled());
    }
}
