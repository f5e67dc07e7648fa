package io.edgecert.distributions.invalidations;

/** CloudFront's two states: InProgress until every live edge node has dropped the matching objects. */
public enum InvalidationStatus {
    InProgress,
    Completed
}
