package io.edgecert.jobs;

import io.edgecert.certificates.Tag;
import io.edgecert.distributions.DistributionService.CopyFrom;

import java.util.List;
import java.util.Optional;

/**
 * How a job creates what it creates; stored with the job as JSON.
 *
 * @param template the distribution whose config each new distribution copies
 * @param origin   an origin URL that replaces the template's (or, without template, the only one)
 */
public record JobOptions(boolean createDistributions, Optional<CopyFrom> template, Optional<String> origin,
                         List<Tag> tags, boolean rollbackOnFailure) {
    public JobOptions {
        tags = List.copyOf(tags);
    }
}
