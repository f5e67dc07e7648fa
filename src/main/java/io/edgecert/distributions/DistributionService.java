package io.edgecert.distributions;

import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateFacts;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateUsage;
import io.edgecert.certificates.Tag;
import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.distributions.policies.PolicyUsage;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.serving.RouteSource;
import io.edgecert.store.ChangeSignals;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import io.edgecert.store.StoreException;
import io.edgecert.store.WriteGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.function.Function;

/**
 * Distributions: create (optionally copying another one's config at a version), update with
 * If-Match, delete, read with deployment status. Also tells the certificates part who uses what
 * (rules B7, C6) and wakes the edge when something it serves changed.
 */
public final class DistributionService implements CertificateUsage, PolicyUsage {
    private static final Logger log = LoggerFactory.getLogger(DistributionService.class);

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    /** A node that has not reported for this long no longer holds deployments back. */
    static final int LIVE_NODE_SECONDS = (int) RouteSource.LIVENESS.toSeconds();
    /**
     * awaitDeployed re-reads at least this often: a node whose heartbeat expires (a crash) stops
     * holding deployments back without any signal.
     */
    private static final Duration DEPLOYED_RECHECK = Duration.ofSeconds(1);

    private final Database db;
    private final CertificateService certificates;
    private final Clock clock;
    private final String edgeDomain;
    private final PolicyService policies;
    private final DistributionRepository repository = new DistributionRepository();

    /** The policies' users are this service's distributions: it registers itself with them. */
    public DistributionService(Database db, CertificateService certificates, PolicyService policies, Clock clock,
                               String edgeDomain) {
        this.db = db;
        this.certificates = certificates;
        this.policies = policies;
        this.clock = clock;
        this.edgeDomain = edgeDomain;
        policies.setUsage(this);
    }

    /**
     * Fields of a create or update; absent ones come from the base config (the copied
     * distribution, the current version on update, or the defaults).
     */
    public record Settings(Optional<List<String>> aliases, Optional<List<DistributionConfig.Origin>> origins,
                           Optional<String> defaultOriginId, Optional<Optional<String>> certificateId,
                           Optional<String> minimumProtocolVersion, Optional<Boolean> enabled, Optional<String> comment,
                           Optional<List<Tag>> tags, Optional<List<DistributionConfig.OriginGroup>> originGroups,
                           Optional<DistributionConfig.Behavior> defaultCacheBehavior,
                           Optional<List<DistributionConfig.Behavior>> cacheBehaviors,
                           Optional<List<DistributionConfig.ErrorResponse>> customErrorResponses) {
        /** Settings without the CDN fields (they keep the base's). */
        public Settings(Optional<List<String>> aliases, Optional<List<DistributionConfig.Origin>> origins,
                        Optional<String> defaultOriginId, Optional<Optional<String>> certificateId,
                        Optional<String> minimumProtocolVersion, Optional<Boolean> enabled, Optional<String> comment,
                        Optional<List<Tag>> tags) {
            this(aliases, origins, defaultOriginId, certificateId, minimumProtocolVersion, enabled, comment, tags,
                    Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        }

        public static Settings none() {
            return new Settings(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    /** Which config a create copies: a distribution at a version (default: its current one). */
    public record CopyFrom(String distributionId, Optional<Integer> version) {
    }

    public record Page(List<Distribution> items, Optional<String> nextCursor) {
    }

    // ---- writes --------------------------------------------------------------------------------

    public Distribution create(Optional<CopyFrom> copyFrom, Settings settings) {
        return createWithId(Ids.newId(), copyFrom, settings);
    }

    /**
     * Creates a distribution under an id the caller chose, once: if it exists already (a job step
     * retried after a crash) it is returned as it is.
     */
    public Distribution createWithId(String id, Optional<CopyFrom> copyFrom, Settings settings) {
        if (db.withConnection(c -> repository.find(c, id)).isPresent()) {
            return get(id);
        }
        DistributionConfig config = merge(copyFrom.map(this::configToCopy), settings);
        checkConfig(config, this::certificateNames);
        insert(id, config);
        return get(id);
    }

    /**
     * A job's create: the template config is read once per job and the certificate's names are
     * known, so this costs one lookup and one insert. Returns the domain name; idempotent by id,
     * also against a concurrent run of the same item (two nodes, or a node and its stale self):
     * when the planned id clashes, the row that won is this very distribution and is returned.
     * The guard runs inside the insert's transaction (the job's lease fence).
     */
    public String createForJob(String id, DistributionConfig base, Settings settings, List<String> certificateNames,
                               WriteGuard guard) {
        if (db.withConnection(c -> repository.find(c, id)).isEmpty()) {
            DistributionConfig config = merge(Optional.of(base), settings);
            checkConfig(config, certId -> Optional.of(certificateNames));
            insert(id, config, guard, () -> samePlanned(id, config) ? Optional.of(false) : Optional.empty());
        }
        return domainNameOf(id);
    }

    /** The row under this id exists and is the one planned: same certificate, same aliases. */
    private boolean samePlanned(String id, DistributionConfig planned) {
        return db.withConnection(c -> repository.find(c, id))
                .map(r -> r.config().certificateId().equals(planned.certificateId())
                        && Set.copyOf(r.config().aliases()).equals(Set.copyOf(planned.aliases())))
                .orElse(false);
    }

    /** Rules C2 and C4 (and the reserved edge domain) on aliases a job plans to give a distribution. */
    public List<Violation> aliasProblems(List<String> aliases) {
        return DistributionRules.aliasProblems(aliases, edgeDomain);
    }

    private void insert(String id, DistributionConfig config) {
        insert(id, config, WriteGuard.NONE, Optional::empty);
    }

    /** {@code onConflict} may call a clash on the id benign (false: nothing was inserted). */
    private void insert(String id, DistributionConfig config, WriteGuard guard, Supplier<Optional<Boolean>> onConflict) {
        Instant now = clock.instant();
        boolean inserted = write(config, id, guard, c -> {
            repository.insert(c, id, domainNameOf(id), config, now);
            return true;
        }, onConflict);
        if (inserted) {
            log.info("Created distribution {} for {} alias(es)", id, config.aliases().size());
        }
    }

    private String domainNameOf(String id) {
        return id + "." + edgeDomain;
    }

    private Optional<List<String>> certificateNames(String certificateId) {
        return certificates.find(certificateId).map(Certificate::subjectAlternativeNames);
    }

    /** Rule C8: the update carries the version it changes. */
    public Distribution update(String id, int ifMatchVersion, Settings settings) {
        DistributionRepository.Row current = findRow(id);
        requireVersion(current, ifMatchVersion);
        DistributionConfig config = merge(Optional.of(current.config()), settings);
        checkConfig(config, this::certificateNames);
        boolean updated = write(config, id, c -> repository.update(c, id, ifMatchVersion, config, clock.instant()));
        if (!updated) {
            throw stale(id, ifMatchVersion);
        }
        log.info("Updated distribution {} to version {}", id, ifMatchVersion + 1);
        return get(id);
    }

    public void delete(String id, Optional<Integer> ifMatchVersion) {
        DistributionRepository.Row current = findRow(id);
        ifMatchVersion.ifPresent(v -> requireVersion(current, v));
        if (!db.inTransaction(c -> {
            db.signals().raise(c, DistributionChannels.CHANGED, id);
            return repository.delete(c, id);
        })) {
            throw ProblemException.notFound("distribution " + id);
        }
        log.info("Deleted distribution {}", id);
    }

    // ---- reads ---------------------------------------------------------------------------------

    public Distribution get(String id) {
        DistributionRepository.Row row = findRow(id);
        long applied = db.withConnection(c -> repository.appliedByAllLiveNodes(c, LIVE_NODE_SECONDS));
        return view(row, applied);
    }

    public Page list(Optional<String> cursor, Optional<Integer> limit, Optional<String> certificateId, Optional<String> alias) {
        int n = limit.orElse(DEFAULT_PAGE_SIZE);
        if (n < 1 || n > MAX_PAGE_SIZE) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest, "limit must be between 1 and " + MAX_PAGE_SIZE));
        }
        if (cursor.isPresent() && !Ids.looksValid(cursor.get())) {
            throw ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                    "cursor is not one this API handed out; pass nextCursor from the previous page"));
        }
        return db.withConnection(c -> {
            long applied = repository.appliedByAllLiveNodes(c, LIVE_NODE_SECONDS);
            List<DistributionRepository.Row> rows = repository.list(c, cursor, certificateId, alias, n + 1);
            boolean more = rows.size() > n;
            List<DistributionRepository.Row> page = more ? rows.subList(0, n) : rows;
            return new Page(page.stream().map(r -> view(r, applied)).toList(),
                    more ? Optional.of(page.get(n - 1).id()) : Optional.empty());
        });
    }

    public record Counts(long total, long inProgress) {
    }

    /** How many distributions there are, and how many are InProgress (counted, not listed). */
    public Counts counts() {
        return db.withConnection(c -> repository.counts(c, repository.appliedByAllLiveNodes(c, LIVE_NODE_SECONDS)));
    }

    /** True when every live edge node serves the current version of each of these distributions. */
    public boolean allDeployed(Collection<String> ids) {
        return db.withConnection(c -> {
            long applied = repository.appliedByAllLiveNodes(c, LIVE_NODE_SECONDS);
            return applied >= 0 && repository.maxChangeSeq(c, ids) <= applied;
        });
    }

    /**
     * Waits until {@link #allDeployed} or the timeout (false). Woken by any node's edge reporting a
     * newly applied change, so a deploy is seen the moment it is reported, not at a poll.
     * {@code whileWaiting} runs before each check (a job's lease check; it may throw to stop).
     */
    public boolean awaitDeployed(Collection<String> ids, Duration timeout, Runnable whileWaiting)
            throws InterruptedException {
        return awaitDeployed(ids, timeout, DEPLOYED_RECHECK, whileWaiting);
    }

    /** As above, re-reading at least every {@code recheck} without a signal. */
    boolean awaitDeployed(Collection<String> ids, Duration timeout, Duration recheck, Runnable whileWaiting)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        try (ChangeSignals.Wakeup applied = db.signals().wakeup(DistributionChannels.APPLIED)) {
            while (true) {
                whileWaiting.run();
                if (allDeployed(ids)) {
                    return true;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                applied.await(Duration.ofNanos(Math.min(left, recheck.toNanos())));
            }
        }
    }

    /** What this node's edge loads and reports through (edge.EdgeDeployment). */
    public RouteSource routesForEdge() {
        return new RoutesForEdge(db, repository, policies);
    }

    /** Which of these aliases are already on a distribution, and on which. */
    public Map<String, String> aliasOwners(Collection<String> aliases) {
        return db.withConnection(c -> repository.aliasOwners(c, aliases));
    }

    public boolean exists(String id) {
        return Ids.looksValid(id) && db.withConnection(c -> repository.find(c, id)).isPresent();
    }

    public List<DistributionVersion> versions(String id) {
        findRow(id);
        return db.withConnection(c -> repository.versions(c, id));
    }

    // ---- CertificateUsage ----------------------------------------------------------------------

    @Override
    public Map<String, List<String>> usersOf(Collection<String> certificateIds) {
        return db.withConnection(c -> repository.usersOf(c, certificateIds));
    }

    @Override
    public void checkReimportKeepsAliasesCovered(Connection c, String certificateId, X509Certificate newLeaf)
            throws SQLException {
        List<String> names = CertificateFacts.of(newLeaf).subjectAlternativeNames();
        Map<String, List<String>> aliases = repository.aliasesOfUsers(c, certificateId);
        List<String> problems = new ArrayList<>();
        aliases.forEach((distributionId, list) -> {
            List<String> uncovered = DistributionRules.uncovered(list, names);
            if (!uncovered.isEmpty()) {
                problems.add(String.join(", ", uncovered) + " of distribution " + distributionId);
            }
        });
        if (!problems.isEmpty()) {
            throw new ProblemException(ErrorCode.CertificateDoesNotCoverAlias, ProblemException.About.STATE, "the new certificate (names "
                    + String.join(", ", names) + ") would not cover alias(es) " + String.join("; ", problems)
                    + "; include them in the certificate or remove them from the distribution(s) first",
                    List.of(new Violation("certificate", ErrorCode.CertificateDoesNotCoverAlias, "aliases left uncovered: "
                            + String.join("; ", problems))));
        }
    }

    @Override
    public void materialChanged(Connection c, String certificateId) throws SQLException {
        List<String> users = repository.lockUsersOf(c, certificateId);
        db.signals().raise(c, DistributionChannels.CHANGED, certificateId);
        if (!users.isEmpty()) {
            repository.stampChange(c, users); // last: see stampChange
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    /** The config a copy starts from; refused (InvalidRequest) when the distribution or version does not exist. */
    public DistributionConfig configToCopy(CopyFrom from) {
        if (from.distributionId() == null || !Ids.looksValid(from.distributionId())) {
            throw ProblemException.of(new Violation("copyFrom.distributionId", ErrorCode.InvalidRequest,
                    "copyFrom.distributionId must be the id of an existing distribution"));
        }
        DistributionRepository.Row source = db.withConnection(c -> repository.find(c, from.distributionId()))
                .orElseThrow(() -> ProblemException.of(new Violation("copyFrom.distributionId", ErrorCode.InvalidRequest,
                        "distribution " + from.distributionId() + " to copy from does not exist")));
        if (from.version().isEmpty() || from.version().get() == source.version()) {
            return source.config();
        }
        return db.withConnection(c -> repository.versions(c, source.id())).stream()
                .filter(v -> v.version() == from.version().get()).findFirst()
                .map(DistributionVersion::config)
                .orElseThrow(() -> ProblemException.of(new Violation("copyFrom.version", ErrorCode.InvalidRequest,
                        "distribution " + source.id() + " has no version " + from.version().get()
                                + " (current is " + source.version() + ")")));
    }

    private static DistributionConfig merge(Optional<DistributionConfig> base, Settings s) {
        List<DistributionConfig.Origin> origins = s.origins().orElse(base.map(DistributionConfig::origins).orElse(List.of()));
        String defaultOrigin = s.defaultOriginId()
                .or(() -> base.map(DistributionConfig::defaultOriginId)
                        .filter(id -> origins.stream().anyMatch(o -> o != null && id.equals(o.id()))))
                .orElse(origins.isEmpty() || origins.get(0) == null ? "" : origins.get(0).id());
        return new DistributionConfig(
                s.aliases().orElse(base.map(DistributionConfig::aliases).orElse(List.of())),
                origins,
                defaultOrigin,
                s.certificateId().orElse(base.flatMap(DistributionConfig::certificateId)),
                s.minimumProtocolVersion().orElse(base.map(DistributionConfig::minimumProtocolVersion)
                        .orElse(MinimumProtocol.DEFAULT.apiName())),
                s.enabled().orElse(base.map(DistributionConfig::enabled).orElse(true)),
                s.comment().orElse(base.map(DistributionConfig::comment).orElse("")),
                s.tags().orElse(base.map(DistributionConfig::tags).orElse(List.of())),
                s.originGroups().orElse(base.map(DistributionConfig::originGroups).orElse(List.of())),
                s.defaultCacheBehavior().or(() -> base.flatMap(DistributionConfig::defaultCacheBehavior)),
                s.cacheBehaviors().orElse(base.map(DistributionConfig::cacheBehaviors).orElse(List.of())),
                s.customErrorResponses().orElse(base.map(DistributionConfig::customErrorResponses).orElse(List.of())));
    }

    /** Rules C1, C2, C4, C9 and the certificate's existence; names looks a certificate's names up. */
    private void checkConfig(DistributionConfig config, Function<String, Optional<List<String>>> names) {
        List<Violation> violations = new ArrayList<>(DistributionRules.check(config, edgeDomain, policies::exists));
        config.certificateId().flatMap(certId -> coverageProblem(config, certId, names.apply(certId)))
                .ifPresent(violations::add);
        if (!violations.isEmpty()) {
            throw ProblemException.of(violations);
        }
    }

    /** Rule C1 for a certificate with these names (empty: it does not exist). */
    private static Optional<Violation> coverageProblem(DistributionConfig config, String certId,
                                                       Optional<List<String>> certificateNames) {
        if (certificateNames.isEmpty()) {
            return Optional.of(new Violation("certificateId", ErrorCode.InvalidRequest, "certificate " + certId + " does not exist"));
        }
        List<String> uncovered = DistributionRules.uncovered(config.aliases(), certificateNames.get());
        if (uncovered.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new Violation("aliases", ErrorCode.CertificateDoesNotCoverAlias, "certificate " + certId
                + " (names " + String.join(", ", certificateNames.get()) + ") does not cover "
                + String.join(", ", uncovered) + "; a wildcard covers exactly one label and never the apex"));
    }

    /**
     * Runs a write of distribution {@code id} that says whether it changed it, stamps the change
     * as the transaction's last step (rule C7, see DistributionRepository.stampChange), and turns
     * a taken alias (C3) into CnameAlreadyExists naming its distribution.
     */
    private boolean write(DistributionConfig config, String id, Database.Work<Boolean> work) {
        return write(config, id, WriteGuard.NONE, work, Optional::empty);
    }

    /**
     * As {@link #write(DistributionConfig, String, Database.Work)}, first running {@code guard} (a
     * job's lease fence); on a constraint violation, asks {@code onConflict} first whether the clash
     * is benign (its value is then the result). Locks in one order on every path: the job's row (the
     * guard), the certificate's, the distribution's, the change counter's.
     */
    private boolean write(DistributionConfig config, String id, WriteGuard guard, Database.Work<Boolean> work,
                          Supplier<Optional<Boolean>> onConflict) {
        boolean result;
        try {
            result = db.inTransaction(c -> {
                guard.check(c);
                // The reimport's lock (rule B7): a reimport that drops a name and this write that
                // adds an alias under it cannot both pass their checks; the names are re-read here.
                if (config.certificateId().isPresent()) {
                    String certId = config.certificateId().get();
                    Optional<Violation> problem = coverageProblem(config, certId, certificates.lockNames(c, certId));
                    if (problem.isPresent()) {
                        throw ProblemException.of(List.of(problem.get()));
                    }
                }
                // Then the policies it names, locked so that a delete waits and then sees them in use.
                List<Violation> unknown = lockPolicies(c, config);
                if (!unknown.isEmpty()) {
                    throw ProblemException.of(unknown);
                }
                if (!work.run(c)) {
                    return false;
                }
                db.signals().raise(c, DistributionChannels.CHANGED, id);
                repository.stampChange(c, List.of(id));
                return true;
            });
        } catch (StoreException e) {
            if (!e.isConstraintViolation()) {
                throw e;
            }
            return onConflict.get().orElseThrow(() -> aliasTaken(config));
        }
        return result;
    }

    /** The custom policies the config names, locked; violations for those that (no longer) exist. */
    private List<Violation> lockPolicies(Connection c, DistributionConfig config) throws SQLException {
        List<CdnRules.PolicyRef> refs = CdnRules.policyRefs(config).stream().filter(r -> !r.kind().isManaged(r.id())).toList();
        if (refs.isEmpty()) {
            return List.of();
        }
        Map<String, String> kinds = policies.lockKinds(c, refs.stream().map(CdnRules.PolicyRef::id).toList());
        return refs.stream().filter(r -> !r.kind().key().equals(kinds.get(r.id()))).map(CdnRules::unknownPolicy).toList();
    }

    // ---- PolicyUsage ---------------------------------------------------------------------------

    @Override
    public List<String> lockUsersOf(Connection c, String policyId) throws SQLException {
        return repository.lockUsersOfPolicy(c, policyId);
    }

    @Override
    public void policyChanged(Connection c, String policyId, List<String> users) throws SQLException {
        if (!users.isEmpty()) {
            db.signals().raise(c, DistributionChannels.CHANGED, policyId);
            repository.stampChange(c, users); // last: see stampChange
        }
    }

    private ProblemException aliasTaken(DistributionConfig config) {
        Map<String, String> owners = db.withConnection(c -> repository.aliasOwners(c, config.aliases()));
        List<Violation> violations = owners.entrySet().stream()
                .map(e -> new Violation("aliases", ErrorCode.CnameAlreadyExists, "alias " + e.getKey()
                        + " is already on distribution " + e.getValue() + "; remove it there first"))
                .toList();
        if (violations.isEmpty()) {
            return new ProblemException(ErrorCode.CnameAlreadyExists,
                    "an alias was taken by another distribution at the same moment; try again");
        }
        return new ProblemException(ErrorCode.CnameAlreadyExists, violations.get(0).message()
                + (violations.size() > 1 ? " (and " + (violations.size() - 1) + " more)" : ""), violations);
    }

    private DistributionRepository.Row findRow(String id) {
        if (!Ids.looksValid(id)) {
            throw ProblemException.notFound("distribution " + id);
        }
        return db.withConnection(c -> repository.find(c, id))
                .orElseThrow(() -> ProblemException.notFound("distribution " + id));
    }

    private static void requireVersion(DistributionRepository.Row current, int ifMatch) {
        if (current.version() != ifMatch) {
            throw stale(current.id(), ifMatch);
        }
    }

    private static ProblemException stale(String id, int ifMatch) {
        return new ProblemException(ErrorCode.PreconditionFailed, "distribution " + id + " is no longer at version "
                + ifMatch + "; read it again (GET) and retry with its current version in If-Match");
    }

    private static Distribution view(DistributionRepository.Row r, long appliedByAll) {
        DistributionStatus status = appliedByAll >= r.changeSeq() ? DistributionStatus.Deployed : DistributionStatus.InProgress;
        return new Distribution(r.id(), r.domainName(), status, r.version(), r.config(), r.createdAt(), r.updatedAt());
    }
}
