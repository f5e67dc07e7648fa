package io.edgecert.distributions;

import java.time.Instant;

/** One immutable version of a distribution's config. */
public record DistributionVersion(int version, DistributionConfig config, Instant createdAt) {
}
