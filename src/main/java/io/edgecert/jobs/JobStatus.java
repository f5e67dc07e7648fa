package io.edgecert.jobs;

/** api.md job statuses. */
public enum JobStatus {
    PENDING,
    RUNNING,
    SUCCEEDED,
    FAILED,
    CLEANED_UP;

    public boolean finished() {
        return this == SUCCEEDED || this == FAILED || this == CLEANED_UP;
    }
}
