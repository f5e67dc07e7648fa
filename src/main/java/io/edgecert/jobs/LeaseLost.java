package io.edgecert.jobs;

/** This node no longer holds the job (or is stopping): the run ends here and resumes under a new lease. */
final class LeaseLost extends RuntimeException {
    LeaseLost() {
        super(null, null, false, false);
    }
}
