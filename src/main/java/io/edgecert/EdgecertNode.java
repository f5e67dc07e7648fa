package io.edgecert;

import io.edgecert.serving.SealedMaterial;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.ServingKeys;
import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.ImportRules;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.crypto.MasterKey;
import io.edgecert.store.Database;
import io.edgecert.crypto.AdminToken;
import io.edgecert.web.ApiServer;
import io.edgecert.web.CertificateRoutes;
import io.edgecert.web.JobRoutes;
import io.edgecert.web.SubscriptionRoutes;
import io.edgecert.jobs.JobRunner;
import io.edgecert.jobs.JobService;
import io.edgecert.events.EventLog;
import io.edgecert.events.Notifications;
import io.edgecert.web.DistributionRoutes;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.distributions.DistributionChannels;
import io.edgecert.edge.EdgeDeployment;
import io.edgecert.edge.EdgeSnapshot;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.CachePurger;
import io.edgecert.distributions.invalidations.InvalidationChannels;
import io.edgecert.distributions.invalidations.InvalidationFollower;
import io.edgecert.distributions.invalidations.InvalidationService;
import io.edgecert.web.InvalidationRoutes;
import io.edgecert.edge.EdgeServer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.UnaryOperator;

/**
 * One running edgecert: wires the parts together in dependency order and closes them in reverse.
 * {@code edgecert serve} runs one; tests start as many as they need.
 */
public final class EdgecertNode implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(EdgecertNode.class);

    /** Everything started so far, closed in reverse: by close(), or by start() when a later part fails. */
    private final List<AutoCloseable> closeables;
    private final Database database;
    private final CertificateService certificates;
    private final ServingKeys servingKeys;
    private final ApiServer api;
    private final DistributionService distributions;
    private final PolicyService policies;
    private final EdgeDeployment edgeDeployment;
    private final EdgeServer edgeServer;
    private final JobService jobs;
    private final InvalidationService invalidations;
    private final String nodeId;
    private volatile List<EdgeRoute> servedRoutes = List.of();

    private EdgecertNode(EdgecertConfig config, UnaryOperator<CachePurger> purgers, List<AutoCloseable> closeables)
            throws Exception {
        this.closeables = closeables;
        Files.createDirectories(config.dataDir());
        Clock clock = Clock.systemUTC();
        MasterKey masterKey = MasterKey.load(config.masterKey(), config.dataDir(), log::warn);
        AdminToken adminToken = AdminToken.load(config.adminToken(), config.dataDir(), log::warn);

        // The edge starts first (BoringSSL, the default certificate, sockets: ~1 s of a cold JVM)
        // while this thread opens the database and reads every distribution: bench/edge start-up.
        // It asks for certificates only once the first deployment applies its routes: by then
        // servingKeys, its key provider, is set.
        PrometheusMeterRegistry metrics = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        FutureTask<EdgeServer> edgeStart = new FutureTask<>(() -> EdgeServer.start(config.edge(), this::servingKeys, metrics));
        new Thread(edgeStart, "edgecert-edge-start").start();
        Path snapshotFile = EdgeSnapshot.file(config.dataDir());
        FutureTask<Optional<EdgeSnapshot>> snapshot = new FutureTask<>(() -> EdgeSnapshot.read(snapshotFile));
        new Thread(snapshot, "edgecert-snapshot-read").start();
        EdgeDeployment deployment;
        TrustStore trustStore;
        KeyCipher cipher;
        try {
            trustStore = config.trustStorePem().map(TrustStore::fromPemFile).orElseGet(TrustStore::jdkDefault);
            cipher = new KeyCipher(masterKey);
            database = track(Database.open(config.dbUrl(), config.dbUser(), config.dbPassword(), config.dataDir()));
            certificates = new CertificateService(database, new ImportRules(new ChainAnalyzer(trustStore), clock),
                    cipher, clock, config.maxCertificates());
            servingKeys = new ServingKeys(database, cipher);
            nodeId = NodeId.load(config.dataDir());
            policies = new PolicyService(database, clock);
            distributions = new DistributionService(database, certificates, policies, clock, config.edgeDomain());
            certificates.setUsage(distributions);
            deployment = new EdgeDeployment(distributions.routesForEdge(), new EdgeDeployment.Edge() {
                @Override
                public void apply(List<EdgeRoute> routes) {
                    started(edgeStart).apply(routes);
                    servedRoutes = routes;
                }

                @Override
                public Collection<SealedMaterial> material() {
                    return started(edgeStart).material();
                }

                @Override
                public void preload(Collection<SealedMaterial> material) {
                    started(edgeStart).preload(material);
                }
            }, database.signals().wakeup(DistributionChannels.CHANGED), snapshotFile, snapshot, nodeId,
                    NodeId.hostName()).start();
        } finally {
            edgeServer = track(started(edgeStart)); // closed with the node even when the deployment failed
        }
        edgeDeployment = track(deployment);

        // Every node follows every invalidation: it drops the matching objects from this node's
        // cache (the edge's store) and records that it did. Tests wrap it (purgers) to record.
        invalidations = new InvalidationService(database, clock);
        track(new InvalidationFollower(invalidations, purgers.apply(edgeServer.cache()), nodeId,
                database.signals().wakeup(InvalidationChannels.CREATED), clock, metrics).start());

        new JvmMemoryMetrics().bindTo(metrics);
        new JvmGcMetrics().bindTo(metrics);
        new JvmThreadMetrics().bindTo(metrics);
        new ProcessorMetrics().bindTo(metrics);
        Gauge.builder("edgecert_certificates", certificates, CertificateService::recentCount)
                .description("certificates stored").register(metrics);

        jobs = new JobService(database, certificates, distributions, clock, config.maxJobItems());
        EventLog events = new EventLog(clock, database.signals());
        if (config.jobWorkers() > 0) {
            track(new JobRunner(database, jobs, certificates, distributions, events, clock, metrics, nodeId,
                    Runtime.getRuntime().availableProcessors(), config.jobWorkers(), config.jobDeployTimeout()).start());
        } else {
            // an API/console-only node: jobs submitted here wait for a node with workers
            log.info("EDGECERT_JOB_WORKERS=0: this node runs no jobs");
        }
        track(jobs.watchers());
        JobRoutes jobRoutes = track(new JobRoutes(jobs));
        Notifications notifications = track(Notifications.start(database, cipher, clock, metrics, config.notifications()));

        io.edgecert.web.console.Console console = track(new io.edgecert.web.console.Console(database, certificates,
                distributions, jobs, notifications.subscriptions(), adminToken, config.dataDir(), config.consolePassword(), clock,
                edgeServer.traffic(), policies, invalidations));

        api = track(new ApiServer(adminToken, database, metrics, List.of(
                new CertificateRoutes(certificates, metrics),
                new DistributionRoutes(distributions),
                new io.edgecert.web.PolicyRoutes(policies),
                new InvalidationRoutes(invalidations),
                jobRoutes,
                new SubscriptionRoutes(notifications.subscriptions())), java.util.Optional.of(console))
                .start(config.apiBind(), config.apiPort()));
        log.info("edgecert API on http://{}:{} (master key {}, trust store {} with {} roots)", config.apiBind(),
                api.port(), masterKey.id(), trustStore.name(), trustStore.anchors().size());
    }

    private static EdgeServer started(FutureTask<EdgeServer> edgeStart) {
        try {
            return edgeStart.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the edge started", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException("the edge did not start", e.getCause());
        }
    }

    public static EdgecertNode start(EdgecertConfig config) throws Exception {
        return start(config, UnaryOperator.identity());
    }

    /**
     * A node whose invalidation follower purges through {@code purgers} applied to this node's
     * own cache purger (a test wraps it to see what each node was asked to drop).
     */
    public static EdgecertNode start(EdgecertConfig config, UnaryOperator<CachePurger> purgers) throws Exception {
        List<AutoCloseable> started = new ArrayList<>();
        try {
            return new EdgecertNode(config, purgers, started);
        } catch (Exception | Error e) {
            // e.g. the API port taken: the database, edge and workers already started must not linger
            closeAll(started);
            throw e;
        }
    }

    private <T extends AutoCloseable> T track(T c) {
        closeables.add(c);
        return c;
    }

    public ApiServer apiServer() {
        return api;
    }

    public int apiPort() {
        return api.port();
    }

    public EdgeServer edge() {
        return edgeServer;
    }

    /** Whether this node's edge started from its snapshot in the data dir (else from the database). */
    public boolean edgeRestoredFromSnapshot() {
        return edgeDeployment.restoredFromSnapshot();
    }

    public CertificateService certificates() {
        return certificates;
    }

    /** The edge's key provider (tests check what it decrypts). */
    public ServingKeys servingKeys() {
        return servingKeys;
    }

    public DistributionService distributions() {
        return distributions;
    }

    public PolicyService policies() {
        return policies;
    }

    /** What this node's edge was last told to serve. */
    public List<EdgeRoute> servedRoutes() {
        return servedRoutes;
    }

    /** This node's name in edge_nodes (and job leases, invalidation_nodes). */
    public String nodeId() {
        return nodeId;
    }

    public InvalidationService invalidations() {
        return invalidations;
    }

    public JobService jobs() {
        return jobs;
    }

    public Database database() {
        return database;
    }

    @Override
    public void close() {
        closeAll(closeables);
    }

    private static void closeAll(List<AutoCloseable> closeables) {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            try {
                closeables.get(i).close();
            } catch (Exception e) {
                log.warn("Error while stopping {}", closeables.get(i), e);
            }
        }
    }
}
