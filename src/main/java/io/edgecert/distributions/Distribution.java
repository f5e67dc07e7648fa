package io.edgecert.distributions;

import java.time.Instant;

/** A distribution as the API shows it: identity, deployment state and the current config. */
public record Distribution(String id, String domainName, DistributionStatus status, int version,
                           DistributionConfig config, Instant createdAt, Instant updatedAt) {
}
