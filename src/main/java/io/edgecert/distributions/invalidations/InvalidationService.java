package io.edgecert.distributions.invalidations;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.serving.RouteSource;
import io.edgecert.store.ChangeSignals;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Invalidations of a distribution (CloudFront's CreateInvalidation, GetInvalidation,
 * ListInvalidations): a batch of paths is stored InProgress, every node's
 * {@link InvalidationFollower} drops the matching objects from its cache and records it, and the
 * batch is Completed once no live edge node (by the heartbeat the deployment status uses) is left
 * to do it. A node that dies stops counting when its heartbeat expires; the surviving followers
 * complete what it held back.
 */
public final class InvalidationService {
    private static final Logger log = LoggerFactory.getLogger(InvalidationService.class);

    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;
    /** A node that has not reported for this long no longer holds invalidations back (as deployments). */
    static final int LIVE_NODE_SECONDS = (int) RouteSource.LIVENESS.toSeconds();
    /** The longest long-poll of {@link #awaitCompleted}, as SQS's: a request thread is held that long. */
    public static final Duration MAX_WAIT = Duration.ofSeconds(20);
    /** Waiting re-reads at least this often: a node whose heartbeat expires completes nothing by a signal. */
    private static final Duration RECHECK = Duration.ofSeconds(1);

    private final Database db;
    private final Clock clock;
    private final InvalidationRepository repository = new InvalidationRepository();

    public InvalidationService(Database db, Clock clock) {
        this.db = db;
        this.clock = clock;
        // LISTEN from the start: a channel first subscribed by a long-poll would be listened to
        // only at the LISTEN thread's next read, up to a second later (ChangeSignals)
        db.signals().subscribe(InvalidationChannels.PURGED, payload -> {
        });
    }

    public record Page(List<Invalidation> items, Optional<String> nextCursor) {
    }

    /**
     * Creates an invalidation, or returns the one this callerReference already made with the same
     * paths (a retry). Without a callerReference every call is a new invalidation.
     */
    public Invalidation create(String distributionId, List<String> paths, Optional<String> callerReference) {
        requireDistributionId(distributionId);
        InvalidationRules.Batch batch = InvalidationRules.check(paths, callerReference);
        String reference = callerReference.orElseGet(Ids::newId);
        // what no live node holds back any more does not count against the limits
        sweepQuietly();
        Instant now = clock.instant();
        InvalidationRepository.Row row = db.inTransaction(c -> {
            // under the distribution's lock, concurrent creates see each other's batches: the
            // in-progress limits and the callerReference hold across nodes
            if (!repository.lockDistribution(c, distributionId)) {
                throw noSuchDistribution(distributionId);
            }
            Optional<InvalidationRepository.Row> earlier = repository.findByCallerReference(c, distributionId, reference);
            if (earlier.isPresent()) {
                if (batch.samePathsAs(earlier.get().paths())) {
                    return earlier.get();
                }
                throw ProblemException.of(new Violation("callerReference", ErrorCode.InvalidationBatchAlreadyExists,
                        "callerReference '" + reference + "' was used by invalidation " + earlier.get().id()
                                + " with other paths; use a new callerReference for a new invalidation"));
            }
            long[] inProgress = repository.pathsInProgress(c, distributionId);
            InvalidationRules.checkInProgress(batch, inProgress[0], inProgress[1]);
            InvalidationRepository.Row created = new InvalidationRepository.Row(Ids.newId(), distributionId,
                    InvalidationStatus.InProgress, now, Optional.empty(), batch.paths(), reference);
            repository.insert(c, created, batch.filePaths(), batch.wildcardPaths());
            db.signals().raise(c, InvalidationChannels.CREATED, created.id());
            return created;
        });
        if (row.createdAt().equals(now)) {
            log.info("Invalidation {} of distribution {}: {} path(s)", row.id(), distributionId, row.paths().size());
        }
        return view(row);
    }

    public Invalidation get(String distributionId, String id) {
        requireDistributionId(distributionId);
        return view(findRow(distributionId, id));
    }

    /**
     * The invalidation once it is Completed, or as it is when {@code wait} (at most
     * {@link #MAX_WAIT}) runs out. Woken by every node's purge, so completion is seen when it happens.
     */
    public Invalidation awaitCompleted(String distributionId, String id, Duration wait) throws InterruptedException {
        requireDistributionId(distributionId);
        Duration bounded = wait.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : wait;
        long deadline = System.nanoTime() + bounded.toNanos();
        try (ChangeSignals.Wakeup purged = db.signals().wakeup(InvalidationChannels.PURGED)) {
            while (true) {
                InvalidationRepository.Row row = findRow(distributionId, id);
                long left = deadline - System.nanoTime();
                if (row.status() == InvalidationStatus.Completed || left <= 0) {
                    return view(row);
                }
                purged.await(Duration.ofNanos(Math.min(left, RECHECK.toNanos())));
            }
        }
    }

    /** A distribution's invalidations, newest first. */
    public Page list(String distributionId, Optional<String> cursor, int limit) {
        requireDistributionId(distributionId);
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest, "limit must be between 1 and " + MAX_PAGE_SIZE));
        }
        if (cursor.isPresent() && !Ids.looksValid(cursor.get())) {
            throw ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                    "cursor is not one this API handed out; pass nextCursor from the previous page"));
        }
        return db.withConnection(c -> {
            if (!repository.distributionExists(c, distributionId)) {
                throw noSuchDistribution(distributionId);
            }
            List<InvalidationRepository.Row> rows = repository.list(c, distributionId, cursor, limit + 1);
            boolean more = rows.size() > limit;
            List<InvalidationRepository.Row> page = more ? rows.subList(0, limit) : rows;
            return new Page(views(c, page), more ? Optional.of(page.get(limit - 1).id()) : Optional.empty());
        });
    }

    // ---- the followers' side -------------------------------------------------------------------

    List<InvalidationRepository.Pending> pendingFor(String nodeId, int limit) {
        return db.withConnection(c -> repository.pendingFor(c, nodeId, limit));
    }

    /** This node has dropped the objects; then completes whatever that (or an expired node) finished. */
    void recordPurged(String id, String nodeId, long objects) {
        db.inTransaction(c -> {
            repository.recordPurged(c, id, nodeId, objects, clock.instant());
            db.signals().raise(c, InvalidationChannels.PURGED, id);
            return null;
        });
        sweepQuietly();
    }

    /**
     * Completes what no live node holds back (a node whose heartbeat expired, or one that just
     * purged); how many are still InProgress. Its own transaction, never inside another's: two
     * nodes sweeping at once may lock the same rows in another order, and PostgreSQL then aborts
     * one sweep (retried by the next), never a create or a record.
     */
    long sweep() {
        long inProgress = db.withConnection(repository::countInProgress);
        if (inProgress == 0) {
            return 0;
        }
        return db.inTransaction(c -> {
            int completed = completeReady(c, clock.instant());
            return inProgress - completed;
        });
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.debug("Invalidations: a sweep failed (the followers sweep again): {}", e.toString());
        }
    }

    private int completeReady(Connection c, Instant now) throws SQLException {
        int completed = repository.completeReady(c, LIVE_NODE_SECONDS, now);
        if (completed > 0) {
            db.signals().raise(c, InvalidationChannels.PURGED);
        }
        return completed;
    }

    // ---- helpers -------------------------------------------------------------------------------

    private InvalidationRepository.Row findRow(String distributionId, String id) {
        return db.withConnection(c -> {
            Optional<InvalidationRepository.Row> row = Ids.looksValid(id) ? repository.find(c, distributionId, id) : Optional.empty();
            if (row.isPresent()) {
                return row.get();
            }
            if (!repository.distributionExists(c, distributionId)) {
                throw noSuchDistribution(distributionId);
            }
            throw new ProblemException(ErrorCode.NoSuchInvalidation, "distribution " + distributionId
                    + " has no invalidation " + id);
        });
    }

    private Invalidation view(InvalidationRepository.Row row) {
        return db.withConnection(c -> views(c, List.of(row)).get(0));
    }

    private List<Invalidation> views(Connection c, List<InvalidationRepository.Row> rows) throws SQLException {
        List<String> inProgress = rows.stream().filter(r -> r.status() == InvalidationStatus.InProgress)
                .map(InvalidationRepository.Row::id).toList();
        Map<String, List<String>> waiting = repository.waitingFor(c, inProgress, LIVE_NODE_SECONDS);
        return rows.stream().map(r -> new Invalidation(r.id(), r.distributionId(), r.status(), r.createdAt(),
                r.completedAt(), r.paths(), r.callerReference(), r.status() == InvalidationStatus.InProgress
                        ? Optional.of(waiting.getOrDefault(r.id(), List.of())) : Optional.empty())).toList();
    }

    private static void requireDistributionId(String distributionId) {
        if (distributionId == null || !Ids.looksValid(distributionId)) {
            throw noSuchDistribution(distributionId);
        }
    }

    private static ProblemException noSuchDistribution(String distributionId) {
        return new ProblemException(ErrorCode.NoSuchDistribution, "distribution " + distributionId + " was not found");
    }
}
