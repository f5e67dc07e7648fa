package io.edgecert.jobs;

import io.edgecert.certificates.CertificateService;
import io.edgecert.distributions.DistributionService;
import io.edgecert.events.EventLog;
import io.edgecert.jobs.JobLeases.Lease;
import io.edgecert.store.ClaimLoop;
import io.edgecert.store.Database;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Runs jobs on this node: the job engine ({@link ClaimLoop} over {@link JobLeases}) running the
 * {@link ImportWorkflow}. The loop wakes when a job is submitted on any node (the SUBMITTED
 * signal, raised in the submit's transaction), when one of its runs ends, and at the slow safety
 * poll, which also finds the jobs whose holder died once their lease has expired.
 */
public final class JobRunner implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);
    /** Only for what no signal reports: a dead node's lease running out, a signal lost with its connection. */
    static final Duration SAFETY_POLL = Duration.ofSeconds(5);
    /** How long a job waits for every live edge to serve its distributions (EDGECERT_JOB_DEPLOY_TIMEOUT). */
    public static final Duration DEFAULT_DEPLOY_TIMEOUT = Duration.ofMinutes(10);

    private final JobLeases leases;
    private final ImportWorkflow workflow;
    private final ExecutorService itemWorkers;
    private final ClaimLoop<Lease> loop;
    private final MeterRegistry metrics;

    public JobRunner(Database db, JobService jobs, CertificateService certificates, DistributionService distributions,
                     EventLog events, Clock clock, MeterRegistry metrics, String nodeId, int itemThreads,
                     int maxConcurrentJobs, Duration deployTimeout) {
        this.metrics = metrics;
        this.leases = new JobLeases(db, jobs.repository, nodeId);
        this.itemWorkers = Executors.newFixedThreadPool(itemThreads, r -> {
            Thread t = new Thread(r, "edgecert-job-item");
            t.setDaemon(true);
            return t;
        });
        this.workflow = new ImportWorkflow(db, jobs, certificates, distributions, events, clock, itemWorkers,
                deployTimeout);
        Gauge.builder("edgecert_jobs_awaiting_deploy", workflow, ImportWorkflow::awaitingDeploy)
                .description("jobs of this node waiting for the edge to deploy their distributions").register(metrics);
        this.loop = new ClaimLoop<>("edgecert-job", maxConcurrentJobs, SAFETY_POLL,
                db.signals().wakeup(JobChannels.SUBMITTED), leases::claim, this::runClaimed);
    }

    public JobRunner start() {
        loop.start();
        return this;
    }

    private void runClaimed(Lease lease) {
        String jobId = lease.jobId;
        String end = "finished";
        try {
            workflow.run(lease);
        } catch (LeaseLost e) {
            end = "lease_lost";
            log.warn("Job {}: lease lost, stopped; it resumes under a new lease", jobId);
        } catch (RuntimeException e) {
            // Infrastructure trouble (database away): keep the lease expiring, a later run resumes.
            end = "interrupted";
            log.warn("Job {} interrupted by {}, it will resume", jobId, e.toString());
        } finally {
            lease.release();
            // how runs end: operators see lost leases, tests wait on it instead of sleeping
            metrics.counter("edgecert_job_runs_total", "end", end).increment();
        }
    }

    @Override
    public void close() {
        leases.close(); // every lease reads as lost: the runs stop at their next check
        loop.close();
        itemWorkers.shutdownNow();
    }
}
