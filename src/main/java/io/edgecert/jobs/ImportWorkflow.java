package io.edgecert.jobs;

import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.SealedSubmission;
import io.edgecert.certificates.Tag;
import io.edgecert.distributions.DistributionConfig;
import io.edgecert.distributions.DistributionService;
import io.edgecert.distributions.DistributionService.Settings;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.events.EventLog;
import io.edgecert.events.EventType;
import io.edgecert.jobs.JobLeases.Lease;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.edgecert.store.StoreException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * The import job's workflow, run under a {@link Lease}: IMPORT_CERTIFICATES, then (if asked)
 * CREATE_DISTRIBUTIONS and the wait for the edge to deploy them; bounded retries of an item's
 * unexpected errors; the end (its {@link JobReport} event) and, with rollbackOnFailure, the
 * rollback. Every step is safe to repeat: items carry the ids their certificate and distribution
 * get, so work done before a crash is found, not redone.
 */
final class ImportWorkflow {
    private static final Logger log = LoggerFactory.getLogger(ImportWorkflow.class);
    static final int BATCH = 200;
    /** Attempts of an item that hit an unexpected error before it fails with InternalError. */
    static final int MAX_ATTEMPTS = 3;
    /** Pause before the first retry pass; doubled for each further one. */
    static final long RETRY_BACKOFF_MILLIS = 500;

    private final Database db;
    private final JobService jobs;
    private final JobRepository repository;
    private final CertificateService certificates;
    private final DistributionService distributions;
    private final EventLog events;
    private final Clock clock;
    private final ExecutorService itemWorkers;
    private final Duration deployTimeout;
    private final java.util.concurrent.atomic.AtomicInteger awaitingDeploy = new java.util.concurrent.atomic.AtomicInteger();

    ImportWorkflow(Database db, JobService jobs, CertificateService certificates, DistributionService distributions,
                   EventLog events, Clock clock, ExecutorService itemWorkers, Duration deployTimeout) {
        this.db = db;
        this.jobs = jobs;
        this.repository = jobs.repository;
        this.certificates = certificates;
        this.distributions = distributions;
        this.events = events;
        this.clock = clock;
        this.itemWorkers = itemWorkers;
        this.deployTimeout = deployTimeout;
    }

    void run(Lease lease) {
        String jobId = lease.jobId;
        JobRepository.JobRow job = jobs.findRow(jobId);
        if (job.status().finished()) {
            return;
        }
        if (job.rollbackPending()) {
            rollBack(lease, job);
            return;
        }
        lease.write(c -> repository.jobStatus(c, jobId, JobStatus.RUNNING, Optional.empty(), clock.instant()));

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
            lease.write(c -> repository.moveAll(c, jobId, ItemStatus.IMPORTED, ItemStatus.SUCCEEDED));
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
            fail(lease, job, "the edge did not deploy the distributions within " + readable(deployTimeout));
            return;
        }
        lease.write(c -> repository.moveAll(c, jobId, ItemStatus.DISTRIBUTED, ItemStatus.SUCCEEDED));
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
            } catch (ExecutionException e) {
                futures.forEach(f -> f.cancel(false)); // the rest would be thrown away anyway
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            lease.write(c -> {
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

    /** The certificates part opens the item's sealed key and stores the certificate: jobs never see the key. */
    private Outcome importItem(Lease lease, JobOptions options, JobRepository.ItemRow item) {
        Optional<SealedSubmission> sealed = item.material().orElseThrow().sealed();
        if (sealed.isEmpty()) {
            // Defensive: the key goes only together with the item's move to IMPORTED or FAILED.
            return new Failed(item.index(), StepName.IMPORT_CERTIFICATES, ErrorCode.InternalError,
                    "the item's key is gone; submit it again");
        }
        try {
            certificates.storeSealedOnce(item.certificateId(), item.name(), sealed.get(),
                    JobService.keyContext(lease.jobId, item.index()), Tag.toMap(options.tags()), lease);
            return new Imported(item.index());
        } catch (ProblemException e) {
            return new Failed(item.index(), StepName.IMPORT_CERTIFICATES, e.code(), e.detail());
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

    /** Waits until every live edge applied the job's distributions: woken by each applied version. */
    private boolean awaitDeployed(String jobId, Lease lease) {
        List<String> ids = db.withConnection(c -> repository.items(c, jobId, 0, Integer.MAX_VALUE, false)).stream()
                .map(JobRepository.ItemRow::distributionId).flatMap(Optional::stream).toList();
        awaitingDeploy.incrementAndGet();
        try {
            return distributions.awaitDeployed(ids, deployTimeout, lease::check);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseLost();
        } finally {
            awaitingDeploy.decrementAndGet();
        }
    }

    /** Jobs in {@link #awaitDeployed} now (a gauge). */
    int awaitingDeploy() {
        return awaitingDeploy.get();
    }

    /** "10 minutes", "90 seconds": the timeout as the failed job's message states it. */
    private static String readable(Duration d) {
        return d.toSecondsPart() == 0 && d.toMinutes() > 0 ? d.toMinutes() + " minute" + (d.toMinutes() == 1 ? "" : "s")
                : d.toSeconds() + " second" + (d.toSeconds() == 1 ? "" : "s");
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
        JobReport report = report(job.id(), JobStatus.SUCCEEDED, Optional.empty(), Optional.empty());
        lease.write(c -> {
            repository.jobStatus(c, job.id(), JobStatus.SUCCEEDED, Optional.empty(), clock.instant());
            events.append(c, EventType.JobSucceeded, job.id(), report);
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
        boolean rollBack = job.options().rollbackOnFailure();
        // the message says what happens next
        JobReport report = report(job.id(), JobStatus.FAILED, Optional.of(error), Optional.of(rollBack));
        lease.write(c -> {
            if (rollBack) {
                repository.rollbackPending(c, job.id(), error);
            } else {
                repository.jobStatus(c, job.id(), JobStatus.FAILED, Optional.of(error), clock.instant());
            }
            events.append(c, EventType.JobFailed, job.id(), report);
        });
        log.warn("Job {} failed: {}{}", job.id(), error, rollBack ? "; rolling back" : "");
        if (rollBack) {
            rollBack(lease, job.withError(error));
        }
    }

    /** Removes what the job created (each item marked CLEANED_UP under the lease), then ends it. */
    private void rollBack(Lease lease, JobRepository.JobRow job) {
        jobs.removeCreated(job.id(), lease);
        lease.write(c -> repository.jobStatus(c, job.id(), JobStatus.CLEANED_UP, job.error(), clock.instant()));
        log.info("Job {} rolled back", job.id());
    }

    private JobReport report(String jobId, JobStatus status, Optional<String> error, Optional<Boolean> rollBack) {
        List<Job.Item> items = db.withConnection(c -> repository.items(c, jobId, 0, Integer.MAX_VALUE, false))
                .stream().map(JobService::itemView).toList();
        return JobReport.of(jobId, status, error, rollBack, items);
    }

    private void step(Lease lease, StepName step) {
        lease.write(c -> repository.stepStatus(c, lease.jobId, step, StepStatus.RUNNING, clock.instant()));
    }

    private void finishStep(Lease lease, StepName step, StepStatus status) {
        lease.write(c -> repository.stepStatus(c, lease.jobId, step, status, clock.instant()));
    }

    private boolean failedIn(String jobId, StepName step) {
        return db.withConnection(c -> repository.counts(c, jobId)).failedIn().getOrDefault(step, 0) > 0;
    }
}
