package io.edgecert.jobs;

/** The two steps of an import job, in order. */
public enum StepName {
    IMPORT_CERTIFICATES,
    CREATE_DISTRIBUTIONS
}
