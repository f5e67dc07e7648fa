package io.edgecert.web.console;

import io.edgecert.jobs.JobService.ImportJobRequest;
import io.edgecert.web.HttpProblem;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Import requests between "Start job" and "Apply": in memory only (private keys never reach a page,
 * a hidden field or the database before the job encrypts them), keyed by a random id, bound to the
 * session that made them, gone after 15 minutes, once applied or at sign-out. Bounded per session
 * (a session makes room among its own drafts only) and in total (a full node refuses new reviews
 * rather than drop other sessions' ones).
 */
final class PendingImports {
    static final Duration TTL = Duration.ofMinutes(15);
    static final int MAX_PER_SESSION = 5;
    static final int MAX_TOTAL = 200;
    /** PEM text held by all pending imports together: 64 MiB (Java keeps Latin-1 text at a byte a character). */
    static final long MAX_TOTAL_CHARS = 64L * 1024 * 1024;
    /** PEM text one session may hold: a quarter of the total, so that one user leaves room for others. */
    static final long MAX_SESSION_CHARS = MAX_TOTAL_CHARS / 4;

    private final Clock clock;
    private final Map<String, Pending> byId = new LinkedHashMap<>();

    PendingImports(Clock clock) {
        this.clock = clock;
    }

    record Pending(String id, String sessionHash, Instant createdAt, ImportJobRequest request,
                   List<Views.ReviewItem> items, List<Views.KeyValue> options, String kind) {
        @Override
        public String toString() {
            return "Pending[" + id + ", " + items.size() + " item(s), keys redacted]";
        }

        Instant expiresAt() {
            return createdAt.plus(TTL);
        }

        long size() {
            return request.certificates().stream().mapToLong(i -> (long) i.certificate().length()
                    + i.privateKey().length() + i.certificateChain().map(String::length).orElse(0)).sum();
        }
    }

    /**
     * Keeps a new pending import. This session's oldest drafts make room for it; other sessions'
     * are never dropped: when the node holds too much, this one is refused.
     */
    synchronized Pending put(String sessionHash, ImportJobRequest request, List<Views.ReviewItem> items,
                             List<Views.KeyValue> options, String kind) {
        purge();
        Pending p = new Pending(Accounts.randomToken(), sessionHash, clock.instant(), request, List.copyOf(items),
                List.copyOf(options), kind);
        if (p.size() > MAX_SESSION_CHARS) {
            throw HttpProblem.withStatus(413, ErrorCode.SizeLimitExceeded, "this import holds " + mib(p.size())
                    + " of PEM text; the console reviews at most " + mib(MAX_SESSION_CHARS)
                    + " at once: split it, or use the API or the CLI (edgecert start-import-job)");
        }
        List<Pending> mine = new ArrayList<>(byId.values().stream().filter(x -> x.sessionHash().equals(sessionHash)).toList());
        long mineSize = mine.stream().mapToLong(Pending::size).sum();
        while (!mine.isEmpty() && (mine.size() >= MAX_PER_SESSION || mineSize + p.size() > MAX_SESSION_CHARS)) {
            Pending oldest = mine.remove(0);
            byId.remove(oldest.id());
            mineSize -= oldest.size();
        }
        long total = byId.values().stream().mapToLong(Pending::size).sum();
        if (byId.size() >= MAX_TOTAL || total + p.size() > MAX_TOTAL_CHARS) {
            throw HttpProblem.withStatus(503, ErrorCode.LimitExceeded, "the console holds too many import reviews "
                    + "right now; try again in a few minutes (reviews are kept for at most 15 minutes)");
        }
        byId.put(p.id(), p);
        return p;
    }

    /** Sign-out: the session's drafts (and the keys in them) go at once, not after 15 minutes. */
    synchronized void dropSession(String sessionHash) {
        byId.values().removeIf(p -> p.sessionHash().equals(sessionHash));
    }

    private static String mib(long chars) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", chars / (1024.0 * 1024));
    }

    /** The pending import of this session, if it is still there. */
    synchronized Optional<Pending> get(String id, String sessionHash) {
        purge();
        Pending p = id == null ? null : byId.get(id);
        return p != null && p.sessionHash().equals(sessionHash) ? Optional.of(p) : Optional.empty();
    }

    /** Takes it out (apply or cancel): a pending import is used at most once. */
    synchronized Optional<Pending> take(String id, String sessionHash) {
        Optional<Pending> p = get(id, sessionHash);
        p.ifPresent(x -> byId.remove(x.id()));
        return p;
    }

    synchronized void put(Pending p) {
        byId.put(p.id(), p);
    }

    synchronized int size() {
        purge();
        return byId.size();
    }

    private void purge() {
        Instant now = clock.instant();
        byId.values().removeIf(p -> now.isAfter(p.expiresAt()));
    }
}
