package io.edgecert.distributions;

/** Rule C7: InProgress until every live edge node serves the current version. */
public enum DistributionStatus {
    InProgress,
    Deployed
}
