package io.edgecert.distributions.policies;

import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import io.edgecert.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Cache, origin request and response headers policies: the managed ones (CloudFront's, read-only)
 * and the custom ones in the store, created, replaced under If-Match and deleted while no
 * distribution names them. A change to a policy in use restamps its distributions, which is how
 * every edge node learns of it (the same change counter and signal as a distribution update).
 */
public final class PolicyService {
    private static final Logger log = LoggerFactory.getLogger(PolicyService.class);

    /** Custom policies per kind (CloudFront allows 20; a node keeps every one in memory per edge load). */
    public static final int MAX_CUSTOM_PER_KIND = 1000;

    private final Database db;
    private final Clock clock;
    private final PolicyRepository repository = new PolicyRepository();
    private volatile PolicyUsage usage = PolicyUsage.NONE;

    public PolicyService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /** Set once by the node, as the distributions service is made after this one. */
    public void setUsage(PolicyUsage usage) {
        this.usage = usage;
    }

    // ---- reads ---------------------------------------------------------------------------------

    /** Managed first (in CloudFront's order), then custom oldest first; {@code type} filters. */
    public <C extends PolicyConfig> List<Policy<C>> list(PolicyKind<C, ?> kind, Optional<PolicyType> type) {
        Stream<Policy<C>> managed = type.filter(t -> t != PolicyType.managed).isPresent() ? Stream.empty()
                : kind.managed().stream();
        Stream<Policy<C>> custom = type.filter(t -> t != PolicyType.custom).isPresent() ? Stream.empty()
                : db.withConnection(c -> repository.list(c, kind.key())).stream().map(r -> policy(kind, r));
        return Stream.concat(managed, custom).toList();
    }

    public <C extends PolicyConfig> Policy<C> get(PolicyKind<C, ?> kind, String id) {
        return kind.managed().stream().filter(p -> p.id().equals(id)).findFirst()
                .orElseGet(() -> policy(kind, findRow(kind, id)));
    }

    /** True when a policy of this kind has this id, managed or custom. */
    public boolean exists(PolicyKind<?, ?> kind, String id) {
        return id != null && (kind.isManaged(id)
                || Ids.looksValid(id) && db.withConnection(c -> repository.find(c, kind.key(), id)).isPresent());
    }

    /**
     * For a distribution's write, in its transaction: which of these custom policy ids exist and
     * of which kind ({@link PolicyKind#key()}), their rows locked until commit so that a delete
     * waits for the write and then sees the distribution naming them.
     */
    public Map<String, String> lockKinds(Connection c, Collection<String> ids) throws SQLException {
        return repository.lockKinds(c, ids.stream().filter(Ids::looksValid).toList());
    }

    /** Every policy resolved for the edge, read on the caller's connection: one read per edge load. */
    public Resolver resolver(Connection c) throws SQLException {
        Map<String, PolicyRepository.Row> rows = new HashMap<>();
        for (PolicyRepository.Row r : repository.list(c, null)) {
            rows.put(r.id(), r);
        }
        return new Resolver(rows);
    }

    /** Looks policies up by id, managed first, for the routes the edge gets. */
    public static final class Resolver {
        private final Map<String, PolicyRepository.Row> rows;
        private final Map<String, Object> resolved = new HashMap<>();

        private Resolver(Map<String, PolicyRepository.Row> rows) {
            this.rows = rows;
        }

        @SuppressWarnings("unchecked")
        public <C extends PolicyConfig, S> Optional<S> resolve(PolicyKind<C, S> kind, String id) {
            Optional<S> managed = kind.managedPolicy(id);
            if (managed.isPresent()) {
                return managed;
            }
            PolicyRepository.Row r = rows.get(id);
            if (r == null || !r.kind().equals(kind.key())) {
                return Optional.empty();
            }
            return Optional.of((S) resolved.computeIfAbsent(id,
                    k -> kind.resolve(id, Json.read(r.configJson(), kind.configType()))));
        }
    }

    // ---- writes --------------------------------------------------------------------------------

    public <C extends PolicyConfig> Policy<C> create(PolicyKind<C, ?> kind, C config) {
        check(kind, config);
        String id = Ids.newId();
        Instant now = clock.instant();
        try {
            db.inTransaction(c -> {
                if (repository.count(c, kind.key()) >= MAX_CUSTOM_PER_KIND) {
                    throw new ProblemException(ErrorCode.LimitExceeded, "a node holds at most " + MAX_CUSTOM_PER_KIND
                            + " custom " + kind.label() + "s; delete unused ones first");
                }
                repository.insert(c, id, kind.key(), config.name(), Json.write(config), now);
                return null;
            });
        } catch (StoreException e) {
            throw e.isConstraintViolation() ? nameTaken(kind, config.name()) : e;
        }
        log.info("Created {} {} ({})", kind.label(), id, config.name());
        return get(kind, id);
    }

    /** Replaces the config of a custom policy still at {@code ifMatch}; its users are redeployed. */
    public <C extends PolicyConfig> Policy<C> update(PolicyKind<C, ?> kind, String id, int ifMatch, C config) {
        refuseManaged(kind, id, "changed");
        PolicyRepository.Row current = findRow(kind, id);
        if (current.version() != ifMatch) {
            throw stale(kind, id, ifMatch);
        }
        check(kind, config);
        List<String> redeployed;
        try {
            redeployed = db.inTransaction(c -> {
                // the policy's row first, then its users, then the change counter: the order of every writer
                if (!repository.update(c, id, kind.key(), ifMatch, config.name(), Json.write(config), clock.instant())) {
                    throw stale(kind, id, ifMatch);
                }
                List<String> users = usage.lockUsersOf(c, id);
                usage.policyChanged(c, id, users);
                return users;
            });
        } catch (StoreException e) {
            throw e.isConstraintViolation() ? nameTaken(kind, config.name()) : e;
        }
        log.info("Updated {} {} to version {}; {} distribution(s) redeployed", kind.label(), id, ifMatch + 1,
                redeployed.size());
        return get(kind, id);
    }

    public void delete(PolicyKind<?, ?> kind, String id, Optional<Integer> ifMatch) {
        refuseManaged(kind, id, "deleted");
        PolicyRepository.Row current = findRow(kind, id);
        if (ifMatch.isPresent() && current.version() != ifMatch.get()) {
            throw stale(kind, id, ifMatch.get());
        }
        db.inTransaction(c -> {
            if (!repository.delete(c, id, kind.key())) {
                throw ProblemException.notFound(kind.label() + " " + id);
            }
            List<String> users = usage.lockUsersOf(c, id);
            if (!users.isEmpty()) {
                throw new ProblemException(ErrorCode.ResourceInUse, kind.label() + " " + id + " is in use by "
                        + users.size() + " distribution(s) (" + String.join(", ", users.stream().limit(10).toList())
                        + (users.size() > 10 ? ", ..." : "") + "); change their behaviors to another policy first",
                        List.of(new Violation("id", ErrorCode.ResourceInUse, "in use by distribution(s) "
                                + String.join(", ", users))));
            }
            return null;
        });
        log.info("Deleted {} {}", kind.label(), id);
    }

    // ---- helpers -------------------------------------------------------------------------------

    private <C extends PolicyConfig> void check(PolicyKind<C, ?> kind, C config) {
        List<Violation> violations = new ArrayList<>(kind.check(config));
        if (violations.isEmpty() && kind.managed().stream().anyMatch(p -> p.config().name().equals(config.name()))) {
            violations.add(new Violation("name", ErrorCode.InvalidRequest, "'" + config.name() + "' is a managed "
                    + kind.label() + "'s name"));
        }
        if (!violations.isEmpty()) {
            throw ProblemException.of(violations);
        }
    }

    private ProblemException nameTaken(PolicyKind<?, ?> kind, String name) {
        String other = db.withConnection(c -> repository.idNamed(c, kind.key(), name)).orElse("another one");
        String message = "a " + kind.label() + " named '" + name + "' exists already (" + other + "); names are unique per kind";
        return new ProblemException(ErrorCode.InvalidRequest, ProblemException.About.STATE, message,
                List.of(new Violation("name", ErrorCode.InvalidRequest, message)));
    }

    private static void refuseManaged(PolicyKind<?, ?> kind, String id, String what) {
        kind.managed().stream().filter(p -> p.id().equals(id)).findFirst().ifPresent(p -> {
            throw new ProblemException(ErrorCode.Forbidden, p.config().name() + " is a managed " + kind.label()
                    + " and cannot be " + what + "; create a custom " + kind.label() + " instead");
        });
    }

    private PolicyRepository.Row findRow(PolicyKind<?, ?> kind, String id) {
        if (!Ids.looksValid(id)) {
            throw ProblemException.notFound(kind.label() + " " + id);
        }
        return db.withConnection(c -> repository.find(c, kind.key(), id))
                .orElseThrow(() -> ProblemException.notFound(kind.label() + " " + id));
    }

    private static ProblemException stale(PolicyKind<?, ?> kind, String id, int ifMatch) {
        return new ProblemException(ErrorCode.PreconditionFailed, kind.label() + " " + id + " is no longer at version "
                + ifMatch + "; read it again (GET) and retry with its current version in If-Match");
    }

    private static <C extends PolicyConfig> Policy<C> policy(PolicyKind<C, ?> kind, PolicyRepository.Row r) {
        return new Policy<>(r.id(), PolicyType.custom, r.version(), Optional.of(r.updatedAt()),
                Json.read(r.configJson(), kind.configType()));
    }
}
