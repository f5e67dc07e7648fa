package io.edgecert.jobs;

/** The jobs part's {@link io.edgecert.store.ChangeSignals} channels. */
public final class JobChannels {
    /** A job became claimable (submitted, or released by a node); wakes the job workers of every node. */
    public static final String SUBMITTED = "edgecert_jobs";
    /** A job's status, progress or items changed; the payload is the job's id (wakes its watchers). */
    public static final String CHANGED = "edgecert_job_changed";

    private JobChannels() {
    }
}
