package io.edgecert.jobs;

import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.Tag;
import io.edgecert.certificates.ValidatedMaterial;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.DistributionService.Settings;
import io.edgecert.events.EventLog;
import io.edgecert.events.EventType;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.edgecert.store.StoreException;
import io.edgecert.store.WriteGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Runs jobs on this node. A job is run by the node holding its lease (renewed while it runs; a
 * crashed node's lease expires and another node, or the same one restarted, takes over). Every step
 * is safe to repeat: items carry the ids their certificate and distribution get, so work done before
 * a crash is found, not redone. Every write of a run is fenced on the lease's epoch (see {@link Lease}),
 * so a node that lost the job cannot record results or create anything once another holds it.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** A lease outlives three missed renewals, so a long GC pause does not hand the job over. */
    static final int LEASE_SECONDS = 15;
    static final long RENEW_MILLIS = 4_000;
    static final long POLL_MILLIS = 500;
    static final int BATCH = 200;
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    /** Attempts of an item that hit an unexpected error before it fails with InternalError. */
    static final int MAX_ATTEMPTS = 3;
    /** Pause before the first retry pass; doubled for each further one. */
    static final long RETRY_BACKOFF_MILLIS = 500;

    private final Database db;
    private final JobService jobs;
    private final JobRepository repository;
    private final CertificateService certificates;
    private final DistributionService distributions;
    private final KeyCipher cipher;
    private final EventLog events;
    private final Clock clock;
    private final String nodeId;
    private final ExecutorService itemWorkers;
    private final ExecutorService jobThreads;
    private final ScheduledExecutorService leases;
    private final Semaphore wake = new Semaphore(0);
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final Thread scheduler;
    private final int maxConcurrentJobs;
    private volatile boolean open = true;

    public JobRunner(Database db, JobService jobs, CertificateService certificates, DistributionService distributions,
                     KeyCipher cipher, EventLog events, Clock clock, String nodeId, int itemThreads, int maxConcurrentJobs) {
        this.db = db;
        this.jobs = jobs;
        this.repository = jobs.repository;
        this.certificates = certificates;
        this.distributions = distributions;
        this.cipher = cipher;
        this.events = events;
        this.clock = clock;
        this.nodeId = nodeId;
        this.maxConcurrentJobs = maxConcurrentJobs;
        this.itemWorkers = Executors.newFixedThreadPool(itemThreads, named("edgecert-job-item"));
        this.jobThreads = Executors.newFixedThreadPool(maxConcurrentJobs, named("edgecert-job"));
        this.leases = Executors.newSingleThreadScheduledExecutor(named("edgecert-job-lease"));
        this.scheduler = new Thread(this::schedule, "edgecert-job-scheduler");
        this.scheduler.setDaemon(true);
        jobs.onSubmit(wake::release);
    }

    private static java.util.concurrent.ThreadFactory named(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    public JobRunner start() {
        scheduler.start();
        return this;
    }

    // ---- scheduling ----------------------------------------------------------------------------

    private void schedule() {
        while (open) {
            try {
                if (wake.tryAcquire(POLL_MILLIS, TimeUnit.MILLISECONDS)) {
                    wake.drainPermits();
                }
                if (running.size() >= maxConcurrentJobs) {
                    continue;
                }
                for (String id : db.withConnection(c -> repository.runnable(c, nodeId, maxConcurrentJobs * 2))) {
                    if (running.size() >= maxConcurrentJobs || running.contains(id)) {
                        continue;
                    }
                    long claimedAt = System.nanoTime();
                    OptionalLong epoch = db.inTransaction(c -> repository.claim(c, id, nodeId, LEASE_SECONDS));
                    if (epoch.isPresent()) {
                        running.add(id);
                        Lease lease = new Lease(id, epoch.getAsLong(), claimedAt);
                        jobThreads.submit(() -> runClaimed(lease));
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("Job scheduling failed, retrying: {}", e.toString());
            }
        }
    }

    private void runClaimed(Lease lease) {
        String jobId = lease.jobId;
        try {
            run(lease);
        } catch (LeaseLost e) {
            log.warn("Job {}: lease lost, stopped; it resumes under a new lease", jobId);
        } catch (RuntimeException e) {
            // Infrastructure trouble (database away): keep the lease expiring, a later run resumes.
            log.warn("Job {} interrupted by {}, it will resume", jobId, e.toString());
        } finally {
            lease.stop();
            running.remove(jobId);
            if (!lease.lost) {
                try {
                    db.inTransaction(c -> {
                        repository.release(c, jobId, nodeId, lease.epoch);
                        return null;
                    });
                } catch (RuntimeException e) {
                    log.debug("Could not release job {}: {}", jobId, e.toString());
                }
            }
            wake.release();
        }
    }

    /**
     * This node's hold on one job, under one epoch. Renewed in the background; a renewal that is
     * refused, fails or comes too late marks it lost, and every result write checks it in its own
     * transaction (the {@link WriteGuard}), so work done after the loss is never recorded.
     */
    private final class Lease implements WriteGuard {
        /** Local margin under the database's lease: clocks and a slow commit must not make us overstay. */
        private static final long VALID_NANOS = TimeUnit.SECONDS.toNanos(LEASE_SECONDS) - TimeUnit.MILLISECONDS.toNanos(RENEW_MILLIS / 2);
        final String jobId;
        final long epoch;
        private final java.util.concurrent.ScheduledFuture<?> renewal;
        private volatile long validUntil;
        private volatile boolean lost;

        Lease(String jobId, long epoch, long claimedAt) {
            this.jobId = jobId;
            this.epoch = epoch;
            this.validUntil = claimedAt + VALID_NANOS;
            this.renewal = leases.scheduleAtFixedRate(this::renew, RENEW_MILLIS, RENEW_MILLIS, TimeUnit.MILLISECONDS);
        }

        private void renew() {
            if (lost) {
                return;
            }
            long started = System.nanoTime();
            try {
                if (db.inTransaction(c -> repository.renew(c, jobId, nodeId, epoch, LEASE_SECONDS))) {
                    validUntil = started + VALID_NANOS;
                } else {
                    lose("renewal refused: the job was taken over or the lease had lapsed");
                }
            } catch (RuntimeException e) {
                // We cannot tell whether the lease still stands; another node may take it soon.
                lose("renewal failed: " + e);
            }
        }

        private void lose(String why) {
            if (!lost) {
                lost = true;
                log.warn("Job {}: lease {} lost ({})", jobId, epoch, why);
            }
        }

        /** Throws LeaseLost unless the lease is held, as far as this node can tell without asking. */
        void check() {
            if (!lost && System.nanoTime() - validUntil > 0) {
                lose("not renewed in time");
            }
            if (lost || !open) {
                throw new LeaseLost();
            }
        }

        /** The fence of the item workers' creates and the rollback's marks (a shared lock on PostgreSQL). */
        @Override
        public void check(java.sql.Connection c) throws java.sql.SQLException {
            fence(c, true);
        }

        /** Inside a write's transaction, asks the database, locking the job row till the commit. */
        void fence(java.sql.Connection c, boolean shared) throws java.sql.SQLException {
            check();
            if (!repository.holds(c, jobId, nodeId, epoch, shared)) {
                lose("another holder");
                throw new LeaseLost();
            }
        }

        void stop() {
            renewal.cancel(false);
        }
    }

    private static final class LeaseLost extends RuntimeException {
        LeaseLost() {
            super(null, null, false, false);
        }
    }

    // ---- the workflow --------------------------------------------------------------------------

    private void run(Lease lease) {
        String jobId = lease.jobId;
        JobRepository.JobRow job = jobs.findRow(jobId);
        if (job.status().finished()) {
            return;
        }
        if (job.rollbackPending()) {
            rollBack(lease, job);
            return;
        }
        write(lease, c -> repository.jobStatus(c, jobId, JobStatus.RUNNING, Optional.empty(), clock.instant()));

        step(lease, StepName.IMPORT_CERTIFICATES);
        runStep(lease, StepName.IMPORT_CERTIFICATES, ItemStatus.PENDING, true, item -> importItem(lease, job.options(), item));
        if (failedIn(jobId, StepName.IMPORT_CERTIFICATES)) {
            finishStep(lease, StepName.IMPORT_CERTIFICATES, StepStatus.FAILED);
            finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.SKIPPED);
            fail(lease, job, "certificate import failed for some items; see the items' errors");
            return;
        }
        finishStep(lease, StepName.IMPORT_CERTIFICATES, StepStatus.SUCCEEDED);

        if (!job.options().createDistributions()) {
            finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.SKIPPED);
            write(lease, c -> repository.moveAll(c, jobId, ItemStatus.IMPORTED, ItemStatus.SUCCEEDED));
            succeed(lease, job);
            return;
        }
        step(lease, StepName.CREATE_DISTRIBUTIONS);
        DistributionConfig base;
        try {
            base = baseConfig(job.options());
        } catch (ProblemException e) {
            finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.FAILED);
            fail(lease, job, "the distribution template is gone: " + e.detail());
            return;
        }
        runStep(lease, StepName.CREATE_DISTRIBUTIONS, ItemStatus.IMPORTED, false,
                item -> distributeItem(lease, base, job.options(), item));
        if (failedIn(jobId, StepName.CREATE_DISTRIBUTIONS)) {
            finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.FAILED);
            fail(lease, job, "distribution creation failed for some items; see the items' errors");
            return;
        }
        if (!awaitDeployed(jobId, lease)) {
            finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.FAILED);
            fail(lease, job, "the edge did not deploy the distributions within " + DEPLOY_TIMEOUT.toMinutes() + " minutes");
            return;
        }
        write(lease, c -> repository.moveAll(c, jobId, ItemStatus.DISTRIBUTED, ItemStatus.SUCCEEDED));
        finishStep(lease, StepName.CREATE_DISTRIBUTIONS, StepStatus.SUCCEEDED);
        succeed(lease, job);
    }

    /** What happened to one item in a step; applied to the job's rows a batch at a time. */
    private sealed interface Outcome permits Imported, Distributed, Failed, Retry {
        int index();
    }

    private record Imported(int index) implements Outcome {
    }

    private record Distributed(int index, String domainName) implements Outcome {
    }

    private record Failed(int index, StepName step, ErrorCode code, String message) implements Outcome {
    }

    /** An unexpected error that may pass (it is counted; at MAX_ATTEMPTS the item fails instead). */
    private record Retry(int index) implements Outcome {
    }

    private interface ItemWork {
        Outcome run(JobRepository.ItemRow item);
    }

    /** Runs the step over its items until none is left to retry; attempts are bounded, so this ends. */
    private void runStep(Lease lease, StepName step, ItemStatus status, boolean withMaterial, ItemWork work) {
        for (int pass = 0; forEachItem(lease, step, status, withMaterial, work) > 0; pass++) {
            pause(lease, RETRY_BACKOFF_MILLIS << pass);
        }
    }

    /**
     * Runs the work on every item in {@code status}, a batch at a time on the item workers, then
     * records the batch's outcomes in one fenced transaction. A crash before that transaction repeats
     * the batch, which finds its certificates and distributions by id and does not create them again.
     * Returns how many items are to be retried.
     */
    private int forEachItem(Lease lease, StepName step, ItemStatus status, boolean withMaterial, ItemWork work) {
        String jobId = lease.jobId;
        int offset = 0;
        int retries = 0;
        while (true) {
            lease.check();
            int from = offset;
            List<JobRepository.ItemRow> batch = db.withConnection(c -> repository.items(c, jobId, from, BATCH, withMaterial));
            if (batch.isEmpty()) {
                return retries;
            }
            int to = batch.get(batch.size() - 1).index();
            // Not fenced on purpose: it counts every start, also a stale node's (tests look for doubles).
            db.withConnection(c -> {
                repository.started(c, jobId, step, from, to, status);
                return null;
            });
            List<Future<Outcome>> futures = new ArrayList<>();
            for (JobRepository.ItemRow item : batch) {
                if (item.status() == status) {
                    futures.add(itemWorkers.submit(() -> attempt(lease, step, item, work)));
                }
            }
            List<Outcome> outcomes = new ArrayList<>(futures.size());
            try {
                for (Future<Outcome> f : futures) {
                    outcomes.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeaseLost();
            } catch (java.util.concurrent.ExecutionException e) {
                futures.forEach(f -> f.cancel(false)); // the rest would be thrown away anyway
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            write(lease, c -> {
                for (Outcome o : outcomes) {
                    // JDK 17: no pattern switch yet; the sealed interface keeps this list closed.
                    if (o instanceof Imported i) {
                        repository.imported(c, jobId, i.index());
                    } else if (o instanceof Distributed d) {
                        repository.distributed(c, jobId, d.index(), d.domainName());
                    } else if (o instanceof Failed f) {
                        repository.failed(c, jobId, f.index(), status, f.step(), f.code(), f.message());
                    } else if (o instanceof Retry r) {
                        repository.attempted(c, jobId, r.index(), status);
                    }
                }
            });
            retries += (int) outcomes.stream().filter(o -> o instanceof Retry).count();
            offset = to + 1;
        }
    }

    /**
     * One item's work. Validation problems fail the item (the work returns Failed); a lost lease or
     * a database error stops the run (a later run resumes); anything else is the item's own trouble
     * (a key that will not decrypt or decode) and is retried a few times, then fails the item. The
     * message names the exception's type only: its text might quote material.
     */
    private Outcome attempt(Lease lease, StepName step, JobRepository.ItemRow item, ItemWork work) {
        lease.check();
        try {
            return work.run(item);
        } catch (LeaseLost | StoreException e) {
            throw e;
        } catch (RuntimeException e) {
            int attempt = item.attempts() + 1;
            log.warn("Job {} item {}: attempt {} of {} in {} failed: {}", lease.jobId, item.index(), attempt, MAX_ATTEMPTS,
                    step, e.getClass().getName());
            if (attempt < MAX_ATTEMPTS) {
                return new Retry(item.index());
            }
            return new Failed(item.index(), step, ErrorCode.InternalError, "internal error (" + e.getClass().getSimpleName()
                    + ") in " + MAX_ATTEMPTS + " attempts; the node's log has the details; clean the job up and submit "
                    + "the item again");
        }
    }

    private Outcome importItem(Lease lease, JobOptions options, JobRepository.ItemRow item) {
        JobRepository.Material m = item.material().orElseThrow();
        try {
            if (m.encryptedKey().isEmpty()) {
                // Defensive: the key goes only together with the item's move to IMPORTED or FAILED.
                return new Failed(item.index(), StepName.IMPORT_CERTIFICATES, ErrorCode.InternalError,
                        "the item's key is gone; submit it again");
            }
            ItemAnalysis a = m.analysis();
            ValidatedMaterial material = ValidatedMaterial.restore(m.certificatePem(), m.chainPem(),
                    decryptKey(lease.jobId, item, m.encryptedKey().get(), a), a.keyType(), a.trusted(), a.trustStoreName(),
                    a.warnings());
            certificates.storeOnce(item.certificateId(), item.name(), material, Tag.toMap(options.tags()), lease);
            return new Imported(item.index());
        } catch (ProblemException e) {
            return new Failed(item.index(), StepName.IMPORT_CERTIFICATES, e.code(), e.detail());
        }
    }

    private PrivateKey decryptKey(String jobId, JobRepository.ItemRow item, byte[] encrypted, ItemAnalysis analysis) {
        byte[] pkcs8 = cipher.decrypt(encrypted, JobService.keyContext(jobId, item.index()));
        try {
            return KeyFactory.getInstance(analysis.keyType().algorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("stored key of job " + jobId + " item " + item.index() + " does not decode");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** The config every distribution of the job starts from: the template's, or one built around the origin. */
    private DistributionConfig baseConfig(JobOptions options) {
        return options.template().map(distributions::configToCopy).orElseGet(() -> new DistributionConfig(List.of(),
                List.of(new DistributionConfig.Origin("origin", options.origin().orElseThrow())), "origin",
                Optional.empty(), MinimumProtocol.DEFAULT.apiName(), true, "", List.of()));
    }

    private Outcome distributeItem(Lease lease, DistributionConfig base, JobOptions options, JobRepository.ItemRow item) {
        try {
            Optional<List<DistributionConfig.Origin>> origins = options.origin()
                    .map(url -> List.of(new DistributionConfig.Origin("origin", url)));
            Settings settings = new Settings(Optional.of(item.aliases()), origins, origins.map(o -> "origin"),
                    Optional.of(Optional.of(item.certificateId())), Optional.empty(), Optional.empty(),
                    Optional.empty(), options.tags().isEmpty() ? Optional.empty() : Optional.of(options.tags()));
            String domain = distributions.createForJob(item.distributionId().orElseThrow(), base, settings, item.aliases(), lease);
            return new Distributed(item.index(), domain);
        } catch (ProblemException e) {
            return new Failed(item.index(), StepName.CREATE_DISTRIBUTIONS, e.code(), e.detail());
        }
    }

    private boolean awaitDeployed(String jobId, Lease lease) {
        List<String> ids = db.withConnection(c -> repository.items(c, jobId, 0, Integer.MAX_VALUE, false)).stream()
                .map(JobRepository.ItemRow::distributionId).flatMap(Optional::stream).toList();
        try {
            return distributions.awaitDeployed(ids, DEPLOY_TIMEOUT, lease::check);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseLost();
        }
    }

    /** Sleeps, staying responsive to a lost lease and to shutdown. */
    private static void pause(Lease lease, long millis) {
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        try {
            for (long left = millis; left > 0; left = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime())) {
                lease.check();
                Thread.sleep(Math.min(left, 100));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseLost();
        }
    }

    // ---- endings -------------------------------------------------------------------------------

    private void succeed(Lease lease, JobRepository.JobRow job) {
        Map<String, Object> payload = report(job.id(), JobStatus.SUCCEEDED, Optional.empty());
        write(lease, c -> {
            repository.jobStatus(c, job.id(), JobStatus.SUCCEEDED, Optional.empty(), clock.instant());
            events.append(c, EventType.JobSucceeded, job.id(), payload);
        });
        log.info("Job {} succeeded ({} items)", job.id(), job.itemCount());
    }

    /**
     * Decides the failure and raises JobFailed, once: in the same fenced transaction as the status
     * change. With rollbackOnFailure the job does not become FAILED but stays RUNNING with
     * rollback_pending (and its error): the rollback is a phase like the steps, resumed after a
     * crash, and the job ends CLEANED_UP.
     */
    private void fail(Lease lease, JobRepository.JobRow job, String error) {
        Map<String, Object> payload = report(job.id(), JobStatus.FAILED, Optional.of(error));
        payload.put("rollbackOnFailure", job.options().rollbackOnFailure()); // the message says what happens next
        boolean rollBack = job.options().rollbackOnFailure();
        write(lease, c -> {
            if (rollBack) {
                repository.rollbackPending(c, job.id(), error);
            } else {
                repository.jobStatus(c, job.id(), JobStatus.FAILED, Optional.of(error), clock.instant());
            }
            events.append(c, EventType.JobFailed, job.id(), payload);
        });
        log.warn("Job {} failed: {}{}", job.id(), error, rollBack ? "; rolling back" : "");
        if (rollBack) {
            rollBack(lease, job.withError(error));
        }
    }

    /** Removes what the job created (each item marked CLEANED_UP under the lease), then ends it. */
    private void rollBack(Lease lease, JobRepository.JobRow job) {
        jobs.removeCreated(job.id(), lease);
        write(lease, c -> repository.jobStatus(c, job.id(), JobStatus.CLEANED_UP, job.error(), clock.instant()));
        log.info("Job {} rolled back", job.id());
    }

    /** What subscribers are told: every distribution created with its DNS records, or what failed. */
    private Map<String, Object> report(String jobId, JobStatus status, Optional<String> error) {
        List<Job.Item> items = db.withConnection(c -> repository.items(c, jobId, 0, Integer.MAX_VALUE, false))
                .stream().map(JobService::itemView).toList();
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("jobId", jobId);
        payload.put("status", status.name());
        error.ifPresent(e -> payload.put("error", e));
        payload.put("succeeded", items.stream().filter(i -> i.status() != ItemStatus.FAILED).count());
        payload.put("failed", items.stream().filter(i -> i.status() == ItemStatus.FAILED).count());
        payload.put("items", items);
        if (error.isPresent()) {
            payload.put("failedItems", items.stream().filter(i -> i.error().isPresent()).toList());
        }
        return payload;
    }

    // ---- small helpers -------------------------------------------------------------------------

    private interface Write {
        void run(java.sql.Connection c) throws java.sql.SQLException;
    }

    /** Every write of a run is fenced on its lease: refused (LeaseLost) once another holder has the job. */
    private void write(Lease lease, Write w) {
        db.inTransaction(c -> {
            lease.fence(c, false);
            w.run(c);
            return null;
        });
    }

    private void step(Lease lease, StepName step) {
        write(lease, c -> repository.stepStatus(c, lease.jobId, step, StepStatus.RUNNING, clock.instant()));
    }

    private void finishStep(Lease lease, StepName step, StepStatus status) {
        write(lease, c -> repository.stepStatus(c, lease.jobId, step, status, clock.instant()));
    }

    private boolean failedIn(String jobId, StepName step) {
        return db.withConnection(c -> repository.counts(c, jobId)).failedIn().getOrDefault(step, 0) > 0;
    }

    @Override
    public void close() {
        open = false;
        scheduler.interrupt();
        jobThreads.shutdownNow();
        itemWorkers.shutdownNow();
        leases.shutdownNow();
        try {
            jobThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
