package io.edgecert.distributions.invalidations;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An invalidation as the API shows it, with CloudFront's field names ({@code createTime},
 * {@code callerReference}); {@code paths} are the normalised ones (InvalidationPaths).
 *
 * @param completeTime when the last live node purged it (absent while InProgress)
 * @param waitingFor   while InProgress, the live edge nodes that have not purged it yet
 */
public record Invalidation(String id, String distributionId, InvalidationStatus status, Instant createTime,
                           Optional<Instant> completeTime, List<String> paths, String callerReference,
                           Optional<List<String>> waitingFor) {
}
