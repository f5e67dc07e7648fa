package io.edgecert.jobs;

import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.ImportRules;
import io.edgecert.certificates.SealedSubmission;
import io.edgecert.certificates.Tag;
import io.edgecert.distributions.DistributionRules;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.DistributionService.CopyFrom;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.store.Database;
import io.edgecert.store.Ids;
import io.edgecert.store.WriteGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

/**
 * Import jobs: submit (every item checked up front, nothing stored unless all pass), read, list,
 * clean up. Running them is {@link JobRunner}'s business.
 */
public final class JobService {
    private static final Logger log = LoggerFactory.getLogger(JobService.class);
    public static final String TYPE = "IMPORT_CERTIFICATES";
    public static final int DEFAULT_ITEM_PAGE = 1000;
    public static final int MAX_ITEM_PAGE = 10_000;

    private final Database db;
    private final CertificateService certificates;
    private final DistributionService distributions;
    private final Clock clock;
    private final int maxItems;
    final JobRepository repository = new JobRepository();
    private final JobWatchers watchers;

    public JobService(Database db, CertificateService certificates, DistributionService distributions,
                      Clock clock, int maxItems) {
        this.db = db;
        this.certificates = certificates;
        this.distributions = distributions;
        this.clock = clock;
        this.maxItems = maxItems;
        this.watchers = new JobWatchers(db, this);
    }

    /** The shared watch of each job that someone watches live (its thread starts with the first watch). */
    public JobWatchers watchers() {
        return watchers;
    }

    /** One certificate of a job as submitted. */
    public record ImportItem(Optional<String> name, String certificate, String privateKey, Optional<String> certificateChain) {
        @Override
        public String toString() {
            return "ImportItem[" + name.orElse("(unnamed)") + ", privateKey=(redacted)]";
        }
    }

    public record ImportJobRequest(List<ImportItem> certificates, Optional<Boolean> createDistributions,
                                   Optional<CopyFrom> distributionTemplate, Optional<String> origin, List<Tag> tags,
                                   boolean rollbackOnFailure) {
    }

    public record Page(List<Job> items, Optional<String> nextCursor) {
    }

    /**
     * Checks every item and the options; stores the job only if all pass (400 with one error per
     * item otherwise, 409 when the certificates would pass the quota).
     */
    public Job submit(ImportJobRequest request) {
        String jobId = Ids.newId();
        Plan plan = plan(jobId, request);
        if (!plan.violations().isEmpty()) {
            // A wrong item count is about the whole request (its code's status); item problems are 400.
            throw plan.checked().isEmpty() ? ProblemException.of(plan.violations()) : ProblemException.ofRequest(plan.violations());
        }
        certificates.checkQuotaFor(plan.checked().size());
        JobOptions options = plan.options();
        List<JobRepository.NewItem> rows = plan.checked().stream().map(c -> newItem(jobId, c, options)).toList();
        List<StepName> steps = List.of(StepName.IMPORT_CERTIFICATES, StepName.CREATE_DISTRIBUTIONS);
        db.inTransaction(c -> {
            repository.insertJob(c, jobId, TYPE, options, steps, rows, clock.instant());
            db.signals().raise(c, JobChannels.SUBMITTED, jobId); // wakes a job worker on any node at commit
            return null;
        });
        log.info("Job {} submitted: {} certificate(s){}", jobId, rows.size(),
                options.createDistributions() ? " with distributions" : "");
        return get(jobId, 0, DEFAULT_ITEM_PAGE);
    }

    /** An item after the up-front check: sealed (its key for the job only) when it passed. */
    private record Checked(int index, ImportItem item, Optional<SealedSubmission.Checked> material, List<Violation> violations) {
    }

    /** The up-front checks' outcome: the options, every item checked, and every violation found. */
    private record Plan(JobOptions options, List<Checked> checked, List<Violation> violations) {
    }

    /** Public facts of an item that passed the checks (no key material): what a review page shows. */
    public record CheckedItem(io.edgecert.certificates.KeyType keyType, io.edgecert.certificates.CertificateFacts facts,
                              List<io.edgecert.certificates.x509.Warning> warnings) {
    }

    /** The outcome of {@link #validate}: every violation, and per item its facts when it passed. */
    public record Validation(List<Violation> violations, List<Optional<CheckedItem>> items) {
    }

    /**
     * The up-front checks of {@link #submit} (same code), storing nothing: the console shows their
     * violations next to its fields before the user starts the job.
     */
    public Validation validate(ImportJobRequest request) {
        Plan plan = plan(Ids.newId(), request); // sealed under an id nothing keeps
        List<Violation> violations = new ArrayList<>(plan.violations());
        if (violations.isEmpty()) {
            try {
                certificates.checkQuotaFor(plan.checked().size());
            } catch (ProblemException e) {
                violations.add(new Violation("certificates", e.code(), e.detail()));
            }
        }
        return new Validation(violations, plan.checked().stream()
                .map(c -> c.material().map(m -> new CheckedItem(m.sealed().analysis().keyType(), m.facts(),
                        m.sealed().analysis().warnings()))).toList());
    }

    private Plan plan(String jobId, ImportJobRequest request) {
        List<ImportItem> items = request.certificates() == null ? List.of() : request.certificates();
        JobOptions options = options(request);
        if (items.isEmpty() || items.size() > maxItems) {
            return new Plan(options, List.of(), List.of(new Violation("certificates",
                    items.isEmpty() ? ErrorCode.MissingField : ErrorCode.LimitExceeded,
                    "a job imports 1 to " + maxItems + " certificates (EDGECERT_MAX_JOB_ITEMS); this one has " + items.size())));
        }
        List<Violation> violations = new ArrayList<>(optionProblems(options));
        // Validation is the expensive part of a big job (signatures, key checks): use every core.
        List<Checked> checked = IntStream.range(0, items.size()).parallel().mapToObj(i -> check(jobId, i, items.get(i))).toList();
        checked.forEach(c -> violations.addAll(c.violations()));
        if (options.createDistributions()) {
            // Refused now rather than in CREATE_DISTRIBUTIONS, after the certificates exist.
            checked.forEach(c -> violations.addAll(aliasRuleProblems(c)));
            violations.addAll(aliasConflicts(checked));
        }
        return new Plan(options, checked, violations);
    }

    private Checked check(String jobId, int index, ImportItem item) {
        if (item == null) {
            return new Checked(index, null, Optional.empty(), List.of(
                    new Violation(null, ErrorCode.MissingField, "the item is empty").forItem("certificates", index)));
        }
        List<Violation> problems = new ArrayList<>();
        item.name().flatMap(ImportRules::checkName).ifPresent(problems::add);
        Optional<SealedSubmission.Checked> material = Optional.empty();
        try {
            material = Optional.of(certificates.checkAndSeal(new CertificateSubmission(item.certificate(), item.privateKey(),
                    item.certificateChain()), keyContext(jobId, index)));
        } catch (ProblemException e) {
            problems.addAll(e.errors().isEmpty() ? List.of(new Violation(null, e.code(), e.detail())) : e.errors());
        }
        return new Checked(index, item, material, problems.stream().map(v -> v.forItem("certificates", index)).toList());
    }

    /** Rules C2 and C4 on the aliases the item's distribution gets: its certificate's DNS names. */
    private List<Violation> aliasRuleProblems(Checked c) {
        if (c.material().isEmpty()) {
            return List.of();
        }
        List<String> aliases = c.material().get().facts().dnsNames();
        List<Violation> out = aliases.isEmpty()
                ? List.of(new Violation("certificate", ErrorCode.InvalidAlias, "the certificate names only IP addresses, "
                        + "which cannot be distribution aliases; import it in a job without distributions"))
                : distributions.aliasProblems(aliases).stream().map(v -> new Violation("certificate", v.code(),
                        "its distribution would get the certificate's names as aliases: " + v.message())).toList();
        return out.stream().map(v -> v.forItem("certificates", c.index())).toList();
    }

    /** Rule C3 up front: aliases already on a distribution, or wanted by two items of this job. */
    private List<Violation> aliasConflicts(List<Checked> checked) {
        Map<String, Integer> wantedBy = new HashMap<>();
        List<Violation> out = new ArrayList<>();
        for (Checked c : checked) {
            for (String alias : c.material().map(m -> m.facts().dnsNames()).orElse(List.of())) {
                Integer other = wantedBy.putIfAbsent(alias, c.index());
                if (other != null && other != c.index()) {
                    out.add(new Violation("certificate", ErrorCode.CnameAlreadyExists, "alias " + alias
                            + " would be on the distributions of items " + other + " and " + c.index()
                            + "; an alias lives on one distribution").forItem("certificates", c.index()));
                }
            }
        }
        distributions.aliasOwners(wantedBy.keySet()).forEach((alias, owner) -> out.add(new Violation("certificate",
                ErrorCode.CnameAlreadyExists, "alias " + alias + " is already on distribution " + owner
                + "; remove it there or do not create distributions").forItem("certificates", wantedBy.get(alias))));
        return out;
    }

    private static JobOptions options(ImportJobRequest r) {
        boolean create = r.createDistributions()
                .orElse(r.distributionTemplate().isPresent() || r.origin().isPresent());
        return new JobOptions(create, r.distributionTemplate(), r.origin().map(String::strip),
                r.tags() == null ? List.of() : r.tags(), r.rollbackOnFailure());
    }

    private List<Violation> optionProblems(JobOptions o) {
        List<Violation> out = new ArrayList<>(ImportRules.checkTags(Tag.toMap(o.tags())));
        o.origin().flatMap(DistributionRules::originUrlProblem)
                .ifPresent(why -> out.add(new Violation("origin", ErrorCode.InvalidRequest, "origin " + why)));
        if (o.createDistributions() && o.template().isEmpty() && o.origin().isEmpty()) {
            out.add(new Violation("distributionTemplate", ErrorCode.MissingField,
                    "creating distributions needs a distributionTemplate {distributionId, version} or an origin URL"));
        }
        if (o.template().isPresent()) {
            try {
                distributions.configToCopy(o.template().get());
            } catch (ProblemException e) {
                e.errors().forEach(v -> out.add(new Violation(v.field().replace("copyFrom", "distributionTemplate"),
                        v.code(), v.message())));
            }
        }
        return out;
    }

    private JobRepository.NewItem newItem(String jobId, Checked c, JobOptions options) {
        SealedSubmission.Checked m = c.material().orElseThrow();
        int keyBytes = c.item().privateKey().getBytes(StandardCharsets.UTF_8).length;
        return new JobRepository.NewItem(c.index(), c.item().name().map(String::strip).filter(n -> !n.isEmpty()),
                m.sealed(), m.sealed().analysis().keyType().displayName() + ", " + keyBytes + " bytes", m.facts().dnsNames(),
                Ids.newId(), options.createDistributions() ? Optional.of(Ids.newId()) : Optional.empty());
    }

    /** Associated data binding an item's encrypted key to its job and position. */
    static String keyContext(String jobId, int index) {
        return jobId + "/" + index;
    }

    // ---- reads ---------------------------------------------------------------------------------

    public Job get(String id, int itemOffset, int itemLimit) {
        if (itemOffset < 0 || itemLimit < 0 || itemLimit > MAX_ITEM_PAGE) {
            throw ProblemException.of(new Violation("itemLimit", ErrorCode.InvalidRequest,
                    "itemOffset must be >= 0 and itemLimit 0-" + MAX_ITEM_PAGE));
        }
        JobRepository.JobRow row = findRow(id);
        return db.withConnection(c -> view(row, repository.steps(c, id), repository.counts(c, id),
                itemLimit == 0 ? List.of() : repository.items(c, id, itemOffset, itemLimit, false)));
    }

    public Page list(Optional<String> cursor, Optional<Integer> limit, Optional<JobStatus> status,
                     Optional<Instant> createdFrom, Optional<Instant> createdTo) {
        int n = limit.orElse(50);
        if (n < 1 || n > 1000) {
            throw ProblemException.of(new Violation("limit", ErrorCode.InvalidRequest, "limit must be between 1 and 1000"));
        }
        if (cursor.isPresent() && !Ids.looksValid(cursor.get())) {
            throw ProblemException.of(new Violation("cursor", ErrorCode.InvalidRequest,
                    "cursor is not one this API handed out; pass nextCursor from the previous page"));
        }
        return db.withConnection(c -> {
            List<JobRepository.JobRow> rows = repository.listJobs(c, cursor, status, createdFrom, createdTo, n + 1);
            boolean more = rows.size() > n;
            List<JobRepository.JobRow> page = more ? rows.subList(0, n) : rows;
            // two queries for the whole page, not two per job (the dashboard lists many)
            List<String> ids = page.stream().map(JobRepository.JobRow::id).toList();
            Map<String, List<JobRepository.StepRow>> steps = repository.steps(c, ids);
            Map<String, JobRepository.Counts> counts = repository.counts(c, ids);
            List<Job> jobs = new ArrayList<>();
            for (JobRepository.JobRow r : page) {
                jobs.add(view(r, steps.getOrDefault(r.id(), List.of()), counts.getOrDefault(r.id(), JobRepository.Counts.NONE),
                        List.of()));
            }
            return new Page(jobs, more ? Optional.of(page.get(n - 1).id()) : Optional.empty());
        });
    }

    /** How many jobs have each status (counted, not listed; statuses without a job are absent). */
    public java.util.Map<JobStatus, Long> countByStatus() {
        return db.withConnection(repository::countByStatus);
    }

    /** Status and counters only: what the live view polls. */
    public Job summary(String id) {
        return get(id, 0, 0);
    }

    // ---- cleanup -------------------------------------------------------------------------------

    /** Deletes what the job created (distributions, then certificates); idempotent. */
    public Job cleanup(String id) {
        JobRepository.JobRow row = findRow(id);
        if (!row.status().finished()) {
            throw new ProblemException(ErrorCode.ResourceInUse, "job " + id + " is " + row.status()
                    + "; clean it up once it has finished");
        }
        if (row.status() != JobStatus.CLEANED_UP) {
            removeCreated(id, WriteGuard.NONE);
            db.inTransaction(c -> {
                repository.jobStatus(c, id, JobStatus.CLEANED_UP, row.error(), clock.instant());
                db.signals().raise(c, JobChannels.CHANGED, id);
                return null;
            });
            log.info("Job {} cleaned up", id);
        }
        return summary(id);
    }

    /**
     * Used by cleanup and by the runner's automatic rollback, which passes its lease as the guard of
     * each item's CLEANED_UP mark. Idempotent, so a rollback cut short is simply run again.
     */
    void removeCreated(String jobId, WriteGuard guard) {
        List<JobRepository.ItemRow> items = db.withConnection(c -> repository.items(c, jobId, 0, Integer.MAX_VALUE, false));
        for (JobRepository.ItemRow item : items) {
            if (item.status() == ItemStatus.CLEANED_UP) {
                continue;
            }
            // A concurrent cleanup (or the runner's rollback) may delete the same things first: gone is done.
            item.distributionId().ifPresent(d -> unlessGone(() -> distributions.delete(d, Optional.empty())));
            unlessGone(() -> certificates.delete(item.certificateId()));
            db.inTransaction(c -> {
                guard.check(c);
                repository.cleanedUp(c, jobId, item.index());
                db.signals().raise(c, JobChannels.CHANGED, jobId);
                return null;
            });
        }
    }

    /** Runs a delete; one that finds its target already deleted (404) has nothing left to do. */
    private static void unlessGone(Runnable delete) {
        try {
            delete.run();
        } catch (ProblemException e) {
            if (e.code() != ErrorCode.NotFound) {
                throw e;
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------

    JobRepository.JobRow findRow(String id) {
        if (!Ids.looksValid(id)) {
            throw ProblemException.notFound("job " + id);
        }
        return db.withConnection(c -> repository.findJob(c, id)).orElseThrow(() -> ProblemException.notFound("job " + id));
    }

    static Job view(JobRepository.JobRow r, List<JobRepository.StepRow> steps, JobRepository.Counts counts,
                    List<JobRepository.ItemRow> items) {
        int total = r.itemCount();
        int imported = counts.at(ItemStatus.IMPORTED) + counts.at(ItemStatus.DISTRIBUTED) + counts.at(ItemStatus.SUCCEEDED);
        int distributed = counts.at(ItemStatus.DISTRIBUTED) + counts.at(ItemStatus.SUCCEEDED);
        boolean createsDistributions = r.options().createDistributions();
        List<Job.Step> stepViews = steps.stream().map(s -> switch (s.name()) {
            case IMPORT_CERTIFICATES -> new Job.Step(s.name(), s.status(), total,
                    imported + failedLater(counts, StepName.CREATE_DISTRIBUTIONS), counts.failedIn().getOrDefault(s.name(), 0));
            case CREATE_DISTRIBUTIONS -> new Job.Step(s.name(), s.status(), createsDistributions ? total : 0,
                    createsDistributions ? distributed : 0, counts.failedIn().getOrDefault(s.name(), 0));
        }).toList();
        return new Job(r.id(), r.type(), r.status(), r.createdAt(), r.startedAt(), r.finishedAt(), stepViews,
                r.itemCount(), items.stream().map(JobService::itemView).toList(), r.error(),
                r.status() == JobStatus.RUNNING ? r.claimedBy() : Optional.empty());
    }

    /** Items that failed in a later step did pass the earlier ones. */
    private static int failedLater(JobRepository.Counts counts, StepName later) {
        return counts.failedIn().getOrDefault(later, 0);
    }

    static Job.Item itemView(JobRepository.ItemRow i) {
        boolean imported = i.status() != ItemStatus.PENDING
                && !(i.status() == ItemStatus.FAILED && i.error().map(e -> e.step() == StepName.IMPORT_CERTIFICATES).orElse(false));
        List<DnsRecord> records = i.distributionDomainName()
                .map(domain -> i.aliases().stream().map(a -> DnsRecord.forAlias(a, domain)).toList())
                .orElse(List.of());
        return new Job.Item(i.index(), i.name(), i.status(), i.keySummary(),
                imported ? Optional.of(i.certificateId()) : Optional.empty(),
                i.distributionDomainName().isPresent() ? i.distributionId() : Optional.empty(),
                i.distributionDomainName(), i.distributionId().isPresent() ? i.aliases() : List.of(), records, i.error());
    }
}
