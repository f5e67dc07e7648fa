package io.edgecert.jobs;

import io.edgecert.json.Json;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a job's end tells its subscribers: the detail of its JobSucceeded / JobFailed event, sent
 * as is by webhook and rendered by email. Version {@value #VERSION}. A summary, the failed items'
 * errors, then every item with its distribution and DNS records, while the whole stays under
 * {@link #MAX_REPORT_BYTES} of JSON; a larger job's report is {@code truncated}, says how many items
 * it holds ({@code itemsIncluded}) and where the rest are ({@code itemsUrl}, the paged API), so a
 * 10,000-item job's message has a bounded size.
 */
public record JobReport(int reportVersion, String jobId, JobStatus status, Optional<String> error,
                        Optional<Boolean> rollbackOnFailure, Summary summary, List<FailedItem> failedItems,
                        List<Job.Item> items, boolean truncated, int itemsIncluded, String itemsUrl) {
    public static final int VERSION = 1;
    /** The cap on a report's JSON (UTF-8): about 600 items with their DNS records. */
    public static final int MAX_REPORT_BYTES = 256 * 1024;

    /**
     * @param items                how many items the job has
     * @param succeeded            items that did not fail (for a cleaned-up job: those removed again)
     * @param distributionsCreated items that got a distribution
     */
    public record Summary(int items, int succeeded, int failed, int distributionsCreated) {
    }

    /** A failed item, short: which one, and the step, code and message of its error. */
    public record FailedItem(int index, Optional<String> name, Job.ItemError error) {
    }

    public static String itemsUrl(String jobId) {
        return "/api/v1/jobs/" + jobId + "/items";
    }

    /**
     * The report of a job that ended with {@code status}: failed items first (what a reader must act
     * on), then the items in order, each taken only while the report stays under the cap.
     */
    public static JobReport of(String jobId, JobStatus status, Optional<String> error, Optional<Boolean> rollbackOnFailure,
                               List<Job.Item> all) {
        int failed = (int) all.stream().filter(i -> i.status() == ItemStatus.FAILED).count();
        int distributed = (int) all.stream().filter(i -> i.distributionDomainName().isPresent()).count();
        Summary summary = new Summary(all.size(), all.size() - failed, failed, distributed);
        JobReport empty = new JobReport(VERSION, jobId, status, error, rollbackOnFailure, summary, List.of(), List.of(),
                true, Integer.MAX_VALUE, itemsUrl(jobId));
        // the envelope at its widest (truncated, the largest count), so adding items can only shrink the margin
        int budget = MAX_REPORT_BYTES - bytes(empty);
        List<FailedItem> failedItems = new ArrayList<>();
        boolean cut = false;
        for (Job.Item i : all) {
            if (i.error().isPresent()) {
                FailedItem f = new FailedItem(i.index(), i.name(), i.error().get());
                int size = bytes(f) + 1; // and its comma
                if (size > budget) {
                    cut = true;
                    break;
                }
                budget -= size;
                failedItems.add(f);
            }
        }
        List<Job.Item> items = new ArrayList<>();
        for (Job.Item i : cut ? List.<Job.Item>of() : all) {
            int size = bytes(i) + 1;
            if (size > budget) {
                break;
            }
            budget -= size;
            items.add(i);
        }
        boolean truncated = cut || items.size() < all.size();
        return new JobReport(VERSION, jobId, status, error, rollbackOnFailure, summary, failedItems, items, truncated,
                items.size(), itemsUrl(jobId));
    }

    private static int bytes(Object value) {
        return Json.write(value).getBytes(StandardCharsets.UTF_8).length;
    }
}
