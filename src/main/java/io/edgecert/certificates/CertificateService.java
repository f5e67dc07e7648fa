package io.edgecert.certificates;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import io.edgecert.store.StoreException;
import io.edgecert.store.WriteGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The certificates part's one public service: import, reimport, describe, list, tag, delete. The
 * rules live in {@link ImportRules}; this class adds identity, storage, encryption and the checks
 * that need the database (quota, use by distributions).
 */
public final class CertificateService {
    private static final Logger log = LoggerFactory.getLogger(CertificateService.class);

    public static final int MAX_NAME_LENGTH = ImportRules.MAX_NAME_LENGTH;
    public static final int DEFAULT_PAGE_SIZE = 100;
    public static final int MAX_PAGE_SIZE = 1000;

    private final Database db;
    private final ImportRules rules;
    private final KeyCipher cipher;
    private final Clock clock;
    private final OptionalLong maxCertificates;
    private final CertificateRepository repository = new CertificateRepository();
    private volatile CertificateUsage usage = CertificateUsage.NONE;

    public CertificateService(Database db, ImportRules rules, KeyCipher cipher, Clock clock, OptionalLong maxCertificates) {
        this.db = db;
        this.rules = rules;
        this.cipher = cipher;
        this.clock = clock;
        this.maxCertificates = maxCertificates;
    }

    /** Called once by the distributions part when it starts. */
    public void setUsage(CertificateUsage usage) {
        this.usage = usage;
    }

    /** What an import asks for; name and tags optional. */
    public record NewCertificate(Optional<String> name, CertificateSubmission material, Map<String, String> tags) {
    }

    /** One page of a list. */
    public record Page<T>(List<T> items, Optional<String> nextCursor) {
    }

    /** List filters (api.md): all optional. */
    /**
     * @param expiringAfterDays with {@code expiringWithinDays}, only those that are still valid that
     *                          many days from now (the console's expiry timeline: one week's bar)
     */
    public record ListQuery(Optional<String> domain, Optional<Integer> expiringWithinDays,
                            Optional<CertificateStatus> status, Optional<String> tagKey, Optional<String> tagValue,
                            Optional<String> cursor, Optional<Integer> limit, Optional<Integer> expiringAfterDays) {
        public ListQuery(Optional<String> domain, Optional<Integer> expiringWithinDays, Optional<CertificateStatus> status,
                         Optional<String> tagKey, Optional<String> tagValue, Optional<String> cursor,
                         Optional<Integer> limit) {
            this(domain, expiringWithinDays, status, tagKey, tagValue, cursor, limit, Optional.empty());
        }

        public static ListQuery all() {
            return new ListQuery(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
    }

    // ---- import and reimport -----------------------------------------------------------------

    public Certificate importCertificate(NewCertificate request) {
        List<Violation> violations = new ArrayList<>();
        request.name().ifPresent(n -> ImportRules.checkName(n).ifPresent(violations::add));
        violations.addAll(ImportRules.checkTags(request.tags()));
        ValidatedMaterial material;
        try {
            material = rules.check(request.material());
        } catch (ProblemException e) {
            violations.addAll(e.errors().isEmpty()
                    ? List.of(new Violation(null, e.code(), e.detail())) : e.errors());
            throw ProblemException.of(violations);
        }
        if (!violations.isEmpty()) {
            throw ProblemException.of(violations);
        }
        return store(request.name(), material, request.tags());
    }

    /**
     * Stores already validated material under a new id. Jobs call this after validating up front.
     */
    public Certificate store(Optional<String> name, ValidatedMaterial material, Map<String, String> tags) {
        // A fresh id cannot exist and a new certificate has no users or history: no reads needed,
        // the response is made from what was written (bench/import: 5 fewer queries per import).
        CertificateRepository.Row row = insertNew(Ids.newId(), name, material, tags, WriteGuard.NONE);
        return view(row, tags, List.of(), Optional.of(List.of()));
    }

    /** Import rules A1-A11 and the warnings, without storing anything (jobs check items up front). */
    public ValidatedMaterial check(CertificateSubmission submission) {
        return rules.check(submission);
    }

    /**
     * Stores validated material under an id the caller chose, once: returns false when the id
     * exists already (a job step retried after a crash), leaving that certificate unchanged.
     * The guard runs inside the insert's transaction (a job fences the create on its lease).
     */
    public boolean storeOnce(String id, Optional<String> name, ValidatedMaterial material, Map<String, String> tags,
                             WriteGuard guard) {
        if (db.withConnection(c -> repository.find(c, id)).isPresent()) {
            return false;
        }
        try {
            insertNew(id, name, material, tags, guard);
        } catch (StoreException e) {
            if (e.isConstraintViolation() && db.withConnection(c -> repository.find(c, id)).isPresent()) {
                return false; // the same id stored by a concurrent retry
            }
            throw e;
        }
        return true;
    }

    /**
     * The import rules like {@link #check}, then the key sealed at once under {@code context}: what a
     * job keeps between its submission and its import step, so it never holds a key in clear.
     */
    public SealedSubmission.Checked checkAndSeal(CertificateSubmission submission, String context) {
        ValidatedMaterial m = rules.check(submission);
        return new SealedSubmission.Checked(SealedSubmission.seal(m, cipher, context), m.facts());
    }

    /** {@link #storeOnce} of material sealed by {@link #checkAndSeal} under the same context. */
    public boolean storeSealedOnce(String id, Optional<String> name, SealedSubmission sealed, String context,
                                   Map<String, String> tags, WriteGuard guard) {
        return storeOnce(id, name, sealed.open(cipher, context), tags, guard);
    }

    private CertificateRepository.Row insertNew(String id, Optional<String> name, ValidatedMaterial material,
                                                Map<String, String> tags, WriteGuard guard) {
        Instant now = clock.instant();
        CertificateRepository.Row row = toRow(id, name.map(String::strip).orElse(material.facts().domainName()),
                material, 1, now, now);
        byte[] encrypted = encryptKey(id, material.privateKey());
        db.inTransaction(c -> {
            guard.check(c);
            if (maxCertificates.isPresent()) {
                // Without the lock two imports can both count max - 1 and both insert.
                repository.lockQuota(c);
                if (repository.count(c) >= maxCertificates.getAsLong()) {
                    throw quotaReached(1);
                }
            }
            repository.insert(c, row, encrypted, names(material), tags);
            return null;
        });
        log.info("Imported certificate {} for {} ({}, expires {})", id, row.domainName(), row.keyType(), row.notAfter());
        return row;
    }

    /**
     * Rule A14 for a batch (a job checks it up front): 409 LimitExceeded when adding {@code count}
     * certificates would pass the quota. The insert re-checks, as others may import meanwhile.
     */
    public void checkQuotaFor(int count) {
        if (maxCertificates.isPresent() && count() + count > maxCertificates.getAsLong()) {
            throw quotaReached(count);
        }
    }

    private ProblemException quotaReached(int adding) {
        return new ProblemException(ErrorCode.LimitExceeded, "the quota of " + maxCertificates.getAsLong()
                + " certificates (EDGECERT_MAX_CERTIFICATES) leaves no room for " + (adding == 1 ? "another one"
                : adding + " more") + "; delete unused certificates or raise it");
    }

    /**
     * Rule set B: replaces the material, keeps the id, the tags and every distribution using it.
     * Parsing and signature checks run first, outside any transaction; then one transaction locks
     * the certificate's row and, against the version it locked, checks B3-B5 and B7, writes the
     * history and the new material. Concurrent reimports of one certificate therefore queue on the
     * lock and each one replaces the material the one before it left.
     */
    public Certificate reimport(String id, CertificateSubmission submission) {
        return reimport(id, submission, Optional.empty());
    }

    /** A reimport that applies only while the certificate is at {@code expectedVersion} (If-Match). */
    public Certificate reimport(String id, CertificateSubmission submission, Optional<Integer> expectedVersion) {
        findRow(id); // B1 before the work of B2
        ValidatedMaterial next = rules.check(submission);
        byte[] encrypted = encryptKey(id, next.privateKey());
        int version = db.inTransaction(c -> {
            CertificateRepository.Row previous = repository.lockForUpdate(c, id)
                    .orElseThrow(() -> ProblemException.notFound("certificate " + id));
            if (expectedVersion.isPresent() && expectedVersion.get() != previous.materialVersion()) {
                throw new ProblemException(ErrorCode.PreconditionFailed, "certificate " + id + " is no longer at version "
                        + expectedVersion.get() + " (it is at " + previous.materialVersion()
                        + "); read it again (GET) and retry with its current ETag in If-Match");
            }
            X509Certificate previousLeaf = Pem.certificates("certificate", previous.certificatePem()).get(0);
            rules.checkReimport(previousLeaf, previous.keyType(), next);
            usage.checkReimportKeepsAliasesCovered(c, id, next.leaf());
            CertificateRepository.Row row = toRow(id, previous.name(), next, previous.materialVersion() + 1,
                    previous.createdAt(), clock.instant());
            if (!repository.replaceMaterial(c, previous, row, encrypted, names(next))) {
                // Unreachable while every writer takes the row lock; refuse rather than overwrite.
                throw new ProblemException(ErrorCode.PreconditionFailed, "certificate " + id
                        + " changed while it was being reimported; look at it and try again");
            }
            usage.materialChanged(c, id);
            return row.materialVersion();
        });
        log.info("Reimported certificate {} (material version {}, expires {})", id, version, next.facts().notAfter());
        return describe(id);
    }

    // ---- reads -------------------------------------------------------------------------------

    public Certificate describe(String id) {
        CertificateRepository.Row row = findRow(id);
        return db.withConnection(c -> view(row,
                repository.tags(c, List.of(id)).getOrDefault(id, Map.of()),
                usage.usersOf(List.of(id)).getOrDefault(id, List.of()),
                Optional.of(repository.history(c, id))));
    }

    /**
     * Locks the certificate's row for the caller's transaction, as a reimport does, and returns its
     * names (empty: no such certificate). A distribution write holds it so that rule B7 and rule
     * C1 are checked against the same names.
     */
    public Optional<List<String>> lockNames(Connection c, String id) throws SQLException {
        return repository.lockForUpdate(c, id).map(CertificateRepository.Row::sans);
    }

    public Optional<Certificate> find(String id) {
        if (!Ids.looksValid(id)) {
            return Optional.empty();
        }
        return db.withConnection(c -> repository.find(c, id)).map(r -> describe(r.id()));
    }

    public Page<Certificate> list(ListQuery q) {
        int limit = q.limit().orElse(DEFAULT_PAGE_SIZE);
        if (limit < 1 || limit > MAX_PAGE_SIZE) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest,
                    "limit must be between 1 and " + MAX_PAGE_SIZE));
        }
        q.cursor().ifPresent(cur -> {
            if (!Ids.looksValid(cur)) {
                throw ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                        "cursor is not one this API handed out; pass nextCursor from the previous page"));
            }
        });
        Instant now = clock.instant();
        Optional<Instant> notAfterBefore = Optional.empty();
        Optional<Instant> notAfterAfter = Optional.empty();
        Optional<Instant> notBeforeAfter = Optional.empty();
        Optional<Instant> notBeforeBefore = Optional.empty();
        if (q.expiringWithinDays().isPresent()) {
            int days = q.expiringWithinDays().get();
            if (days < 0 || days > 36500) {
                throw ProblemException.of(new Violation("expiringWithinDays", ErrorCode.InvalidRequest,
                        "expiringWithinDays must be between 0 and 36500"));
            }
            notAfterBefore = Optional.of(now.plus(Duration.ofDays(days)));
            notAfterAfter = Optional.of(now);
            if (q.expiringAfterDays().isPresent()) {
                int after = q.expiringAfterDays().get();
                if (after < 0 || after >= days) {
                    throw ProblemException.of(new Violation("expiringAfterDays", ErrorCode.InvalidRequest,
                            "expiringAfterDays must be at least 0 and less than expiringWithinDays"));
                }
                notAfterAfter = Optional.of(now.plus(Duration.ofDays(after)));
            }
        }
        if (q.status().isPresent()) {
            switch (q.status().get()) {
                case EXPIRED -> notAfterBefore = min(notAfterBefore, now);
                case NOT_YET_VALID -> notBeforeAfter = Optional.of(now);
                case ISSUED -> {
                    notAfterAfter = Optional.of(notAfterAfter.filter(t -> t.isAfter(now)).orElse(now));
                    notBeforeBefore = Optional.of(now);
                }
            }
        }
        CertificateRepository.Query query = new CertificateRepository.Query(
                q.domain().map(CertificateService::namesMatching).orElse(List.of()),
                notAfterBefore, notAfterAfter, notBeforeAfter, notBeforeBefore, q.tagKey(), q.tagValue(),
                q.cursor(), limit + 1);
        return db.withConnection(c -> {
            List<CertificateRepository.Row> rows = repository.list(c, query);
            boolean more = rows.size() > limit;
            List<CertificateRepository.Row> page = more ? rows.subList(0, limit) : rows;
            List<String> ids = page.stream().map(CertificateRepository.Row::id).toList();
            Map<String, Map<String, String>> tags = repository.tags(c, ids);
            Map<String, List<String>> users = usage.usersOf(ids);
            List<Certificate> items = page.stream()
                    .map(r -> view(r, tags.getOrDefault(r.id(), Map.of()), users.getOrDefault(r.id(), List.of()),
                            Optional.empty())) // history is read per certificate, on GET by id
                    .toList();
            return new Page<>(items, more ? Optional.of(page.get(page.size() - 1).id()) : Optional.empty());
        });
    }

    public long count() {
        return db.withConnection(repository::count);
    }

    /** How many are expired: what {@code status=EXPIRED} lists. */
    public long countExpired() {
        Instant now = clock.instant();
        return db.withConnection(c -> repository.countNotAfter(c, Optional.empty(), now));
    }

    /** How many are still valid and expire within the days: what {@code expiringWithinDays} lists. */
    public long countExpiringWithin(int days) {
        Instant now = clock.instant();
        return db.withConnection(c -> repository.countNotAfter(c, Optional.of(now), now.plus(Duration.ofDays(days))));
    }

    /**
     * Certificates by expiry for the dashboard's timeline: how many are expired, how many expire in
     * each of the next {@code weeks} weeks (week k: more than 7k and at most 7k + 7 days from now,
     * what {@code expiringAfterDays=7k, expiringWithinDays=7k+7} lists). One query that counts in
     * the database over the not_after index: no certificate is loaded, at 100,000 of them as at ten.
     */
    public ExpiryTimeline expiryTimeline(int weeks) {
        if (weeks < 1 || weeks > 520) {
            throw ProblemException.of(new Violation("weeks", ErrorCode.InvalidRequest, "weeks must be between 1 and 520"));
        }
        Instant now = clock.instant();
        List<Instant> bounds = new ArrayList<>(weeks + 1);
        for (int k = 0; k <= weeks; k++) {
            bounds.add(now.plus(Duration.ofDays(7L * k)));
        }
        long[] counts = db.withConnection(c -> repository.countByExpiry(c, bounds));
        List<ExpiryTimeline.Week> list = new ArrayList<>(weeks);
        for (int k = 0; k < weeks; k++) {
            list.add(new ExpiryTimeline.Week(7 * k, 7 * k + 7, bounds.get(k), bounds.get(k + 1), counts[k + 1]));
        }
        return new ExpiryTimeline(now, counts[0], list);
    }

    public record ExpiryTimeline(Instant now, long expired, List<Week> weeks) {
        public ExpiryTimeline {
            weeks = List.copyOf(weeks);
        }

        /** {@code count} certificates expire after {@code from} and at or before {@code to}. */
        public record Week(int fromDay, int toDay, Instant from, Instant to, long count) {
        }

        public long max() {
            return Math.max(expired, weeks.stream().mapToLong(Week::count).max().orElse(0));
        }
    }

    private volatile long cachedCount = -1;
    private volatile long cachedCountAt;

    /**
     * The count for the metrics gauge, at most 10 s old: COUNT(*) reads every row on H2 (~30 ms
     * at 10,000 certificates), too much for every scrape.
     */
    public long recentCount() {
        long now = System.nanoTime();
        if (cachedCount < 0 || now - cachedCountAt > 10_000_000_000L) {
            cachedCount = count();
            cachedCountAt = now;
        }
        return cachedCount;
    }

    // ---- tags and delete ---------------------------------------------------------------------

    public Certificate addTags(String id, Map<String, String> add) {
        return updateTags(id, current -> {
            Map<String, String> merged = new LinkedHashMap<>(current);
            merged.putAll(add);
            return merged;
        });
    }

    public Certificate removeTags(String id, Set<String> keys) {
        return updateTags(id, current -> {
            Map<String, String> left = new LinkedHashMap<>(current);
            left.keySet().removeAll(keys);
            return left;
        });
    }

    private Certificate updateTags(String id, java.util.function.UnaryOperator<Map<String, String>> change) {
        findRow(id);
        db.inTransaction(c -> {
            Map<String, String> next = change.apply(repository.tags(c, List.of(id)).getOrDefault(id, Map.of()));
            List<Violation> violations = ImportRules.checkTags(next);
            if (!violations.isEmpty()) {
                throw ProblemException.of(violations);
            }
            repository.replaceTags(c, id, next);
            return null;
        });
        return describe(id);
    }

    /** Rule C6: refused while a distribution uses the certificate. */
    public void delete(String id) {
        findRow(id);
        List<String> users = usage.usersOf(List.of(id)).getOrDefault(id, List.of());
        if (!users.isEmpty()) {
            throw new ProblemException(ErrorCode.ResourceInUse, "certificate " + id + " is used by distribution(s) "
                    + String.join(", ", users) + "; move them to another certificate or delete them first");
        }
        try {
            if (!db.inTransaction(c -> repository.delete(c, id))) {
                throw ProblemException.notFound("certificate " + id);
            }
        } catch (StoreException e) {
            if (e.isConstraintViolation()) {
                throw new ProblemException(ErrorCode.ResourceInUse, "certificate " + id + " is in use");
            }
            throw e;
        }
        log.info("Deleted certificate {}", id);
    }

    // ---- helpers -----------------------------------------------------------------------------

    private CertificateRepository.Row findRow(String id) {
        if (!Ids.looksValid(id)) {
            throw ProblemException.notFound("certificate " + id);
        }
        return db.withConnection(c -> repository.find(c, id))
                .orElseThrow(() -> ProblemException.notFound("certificate " + id));
    }

    private byte[] encryptKey(String id, PrivateKey key) {
        byte[] pkcs8 = key.getEncoded();
        try {
            return cipher.encrypt(pkcs8, id);
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    private static List<String> names(ValidatedMaterial m) {
        Set<String> names = new LinkedHashSet<>();
        for (String n : m.facts().subjectAlternativeNames()) {
            names.add(n.toLowerCase(Locale.ROOT));
        }
        if (names.isEmpty()) {
            names.add(m.facts().domainName().toLowerCase(Locale.ROOT));
        }
        return List.copyOf(names);
    }

    /**
     * The stored names a domain filter matches: the name itself and the wildcard one label up
     * (a.example.com is served by *.example.com too).
     */
    static List<String> namesMatching(String domain) {
        String d = domain.strip().toLowerCase(Locale.ROOT);
        if (d.endsWith(".")) {
            d = d.substring(0, d.length() - 1);
        }
        int dot = d.indexOf('.');
        if (d.startsWith("*.") || dot < 0 || dot == d.length() - 1) {
            return List.of(d);
        }
        return List.of(d, "*." + d.substring(dot + 1));
    }

    private static CertificateRepository.Row toRow(String id, String name, ValidatedMaterial m, int version,
                                                   Instant createdAt, Instant updatedAt) {
        CertificateFacts f = m.facts();
        return new CertificateRepository.Row(id, name, f.domainName(), f.subjectAlternativeNames(), f.subject(),
                f.issuer(), f.serial(), m.keyType(), f.signatureAlgorithm(), f.notBefore(), f.notAfter(),
                f.fingerprintSha256(), Pem.encode(List.of(m.leaf())), Pem.encode(m.chain()), m.trusted(),
                m.trustStoreName(), new CertificateRepository.Usages(f.keyUsages(), f.extendedKeyUsages()),
                m.warnings(), version, createdAt, updatedAt);
    }

    private Certificate view(CertificateRepository.Row r, Map<String, String> tags, List<String> inUseBy,
                             Optional<List<Certificate.PreviousMaterial>> history) {
        Instant now = clock.instant();
        long daysToExpiry = Math.floorDiv(Duration.between(now, r.notAfter()).toSeconds(), 86_400L);
        return new Certificate(r.id(), r.name(), r.domainName(), r.sans(), r.subject(), r.issuer(), r.serial(),
                r.keyType(), r.signatureAlgorithm(), r.notBefore(), r.notAfter(), daysToExpiry,
                CertificateStatus.at(now, r.notBefore(), r.notAfter()), r.fingerprintSha256(),
                r.usages().keyUsages(), r.usages().extendedKeyUsages(), r.trusted(), r.trustStore(),
                r.certificatePem(), r.chainPem(), inUseBy, Tag.fromMap(tags), r.warnings(), r.materialVersion(),
                history, r.createdAt(), r.updatedAt());
    }

    private static Optional<Instant> min(Optional<Instant> a, Instant b) {
        return Optional.of(a.filter(x -> x.isBefore(b)).orElse(b));
    }
}
