package io.edgecert.jobs;

import io.edgecert.problems.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A job as the API shows it (api.md). Items may be one page of them: itemCount says how many
 * exist. runningOn names the node holding the job while it runs.
 */
public record Job(String id, String type, JobStatus status, Instant createdAt, Optional<Instant> startedAt,
                  Optional<Instant> finishedAt, List<Step> steps, int itemCount, List<Item> items,
                  Optional<String> error, Optional<String> runningOn) {

    public record Step(StepName name, StepStatus status, int total, int succeeded, int failed) {
    }

    public record Item(int index, Optional<String> name, ItemStatus status, String keySummary,
                       Optional<String> certificateId, Optional<String> distributionId,
                       Optional<String> distributionDomainName, List<String> aliases, List<DnsRecord> dnsRecords,
                       Optional<ItemError> error) {
    }

    public record ItemError(StepName step, ErrorCode code, String message) {
    }
}
