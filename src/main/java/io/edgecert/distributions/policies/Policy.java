package io.edgecert.distributions.policies;

import java.time.Instant;
import java.util.Optional;

/**
 * A policy as the API shows it: managed ones are version 1 forever and have no modification
 * time; a custom one's version is its ETag and moves with every update.
 */
public record Policy<C extends PolicyConfig>(String id, PolicyType type, int version, Optional<Instant> lastModifiedTime,
                                             C config) {
}
