package io.edgecert.jobs;

/**
 * Where one item of a job is. The order is the workflow's: an item only moves forward, except to
 * FAILED (with the step and reason) and, after a cleanup, CLEANED_UP.
 */
public enum ItemStatus {
    PENDING,
    IMPORTED,
    DISTRIBUTED,
    SUCCEEDED,
    FAILED,
    CLEANED_UP
}
