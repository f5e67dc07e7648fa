package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.jobs.DnsRecord;
import io.edgecert.jobs.ItemStatus;
import io.edgecert.jobs.Job;
import io.edgecert.jobs.StepName;
import io.edgecert.problems.ErrorCode;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class EventMessagesTest {
    static EventMessages.Message render(String type, Object detail) {
        return EventMessages.render(new Event("event-1", type, "subject-1", Instant.parse("2030-01-01T00:00:00Z"),
                Json.MAPPER.valueToTree(detail)));
    }

    @Test
    void theJobRunnersOwnItemRecordsRenderAsDistributionsAndDnsRecords() {
        // the payload as JobRunner.report builds it, from the jobs part's real records
        Job.Item ok = new Job.Item(0, Optional.of("shop"), ItemStatus.SUCCEEDED, "EC P-256", Optional.of("c1"), Optional.of("d1"),
                Optional.of("d1.edge.test"), List.of("shop.example", "*.shop.example"),
                List.of(DnsRecord.forAlias("shop.example", "d1.edge.test"), DnsRecord.forAlias("*.shop.example", "d1.edge.test")),
                Optional.empty());
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("jobId", "job-1");
        payload.put("status", "SUCCEEDED");
        payload.put("succeeded", 1L);
        payload.put("failed", 0L);
        payload.put("items", List.of(ok));

        EventMessages.Message m = render("JobSucceeded", payload);
        assertThat(m.subject()).isEqualTo("[edgecert] Import job succeeded: 1 certificate, 1 distribution");
        assertThat(m.text()).contains("""
                NAME            TYPE   VALUE
                shop.example    CNAME  d1.edge.test (1)
                *.shop.example  CNAME  d1.edge.test

                (1) apex name""");
        assertThat(m.text()).contains("   Aliases:      shop.example, *.shop.example\n");
    }

    @Test
    void aTruncatedReportOfTenThousandItemsCountsThemAllAndSaysWhereTheRestAre() {
        List<Job.Item> items = java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> new Job.Item(i, Optional.of("c" + i),
                ItemStatus.SUCCEEDED, "EC P-256", Optional.of("c" + i), Optional.of("d" + i), Optional.of("d" + i + ".edge.test"),
                List.of("www.shop" + i + ".example"), List.of(DnsRecord.forAlias("www.shop" + i + ".example", "d" + i + ".edge.test")),
                Optional.empty())).toList();
        io.edgecert.jobs.JobReport report = io.edgecert.jobs.JobReport.of("job-big", io.edgecert.jobs.JobStatus.SUCCEEDED,
                Optional.empty(), Optional.empty(), items);
        assertThat(report.truncated()).isTrue();

        EventMessages.Message m = render("JobSucceeded", report);
        assertThat(m.subject()).isEqualTo("[edgecert] Import job succeeded: 10000 certificates, 10000 distributions");
        assertThat(m.text()).contains("This message lists " + report.itemsIncluded() + " of 10000 items",
                "GET /api/v1/jobs/job-big/items");
        assertThat(m.text()).contains("www.shop0.example").doesNotContain("www.shop9999.example");
        // the email grows with the report, not with the job
        assertThat(m.text().length()).isLessThan(2 * io.edgecert.jobs.JobReport.MAX_REPORT_BYTES);
    }

    @Test
    void aFailedJobNamesTheItemTheStepAndTheReasonFromTheItemsWhenFailedItemsIsMissing() {
        Job.Item failed = new Job.Item(2, Optional.empty(), ItemStatus.FAILED, "RSA 2048", Optional.of("c3"), Optional.empty(),
                Optional.empty(), List.of(), List.of(),
                Optional.of(new Job.ItemError(StepName.CREATE_DISTRIBUTIONS, ErrorCode.CnameAlreadyExists,
                        "shop.example is already an alias of distribution d9")));
        Job.Item created = new Job.Item(1, Optional.of("other"), ItemStatus.DISTRIBUTED, "RSA 2048", Optional.of("c2"),
                Optional.of("d2"), Optional.of("d2.edge.test"), List.of("other.example"), List.of(), Optional.empty());
        EventMessages.Message m = render("JobFailed", Map.of("jobId", "job-9", "error", "1 item failed", "items", List.of(created, failed)));

        assertThat(m.subject()).isEqualTo("[edgecert] Import job failed: 1 item failed");
        assertThat(m.text()).contains("#2: CnameAlreadyExists: shop.example is already an alias of distribution d9 (step CREATE_DISTRIBUTIONS)");
        assertThat(m.text()).contains("POST /api/v1/jobs/job-9/cleanup").contains("#1 other\n   Domain name:  d2.edge.test");
    }

    @Test
    void aFailedJobWithRollbackSaysItsDistributionsAreDeletedNotThatTheyStay() {
        Job.Item created = new Job.Item(1, Optional.of("other"), ItemStatus.DISTRIBUTED, "RSA 2048", Optional.of("c2"),
                Optional.of("d2"), Optional.of("d2.edge.test"), List.of("other.example"),
                List.of(DnsRecord.forAlias("other.example", "d2.edge.test")), Optional.empty());
        Map<String, Object> payload = new LinkedHashMap<>(Map.of("jobId", "job-9", "error", "1 item failed",
                "items", List.of(created)));

        payload.put("rollbackOnFailure", true);
        EventMessages.Message rolledBack = render("JobFailed", payload);
        assertThat(rolledBack.text()).contains("created 1 distribution", "deleted automatically")
                .doesNotContain("stay until", "/cleanup", "Domain name:");

        payload.put("rollbackOnFailure", false);
        EventMessages.Message kept = render("JobFailed", payload);
        assertThat(kept.text()).contains("They stay until the job is cleaned up", "POST /api/v1/jobs/job-9/cleanup",
                "#1 other\n   Domain name:  d2.edge.test").doesNotContain("deleted automatically");
    }

    @Test
    void missingOrOddFieldsAreLeftOutInsteadOfFailing() {
        assertThat(render("JobSucceeded", Map.of()).subject()).isEqualTo("[edgecert] Import job succeeded: 0 certificates");
        assertThat(render("JobSucceeded", Map.of()).text()).startsWith("Import job subject-1 succeeded");
        assertThat(render("JobSucceeded", Map.of("items", List.of("not an object", Map.of("index", "x")))).text())
                .doesNotContain("DNS records");
        assertThat(render("JobSucceeded", Map.of("items", List.of(Map.of("distributionDomainName", "d.edge.test",
                "dnsRecords", List.of(Map.of("name", "a.example"), Map.of("value", "v"))))))).satisfies(m -> {
                    assertThat(m.text()).contains("(unnamed item)\n   Domain name:  d.edge.test").doesNotContain("DNS records to add");
                });
        assertThat(render("JobFailed", Map.of()).text()).startsWith("Import job subject-1 failed.");
        assertThat(render("JobFailed", List.of(1, 2)).subject()).isEqualTo("[edgecert] Import job failed");
        assertThat(render("CertificateApproachingExpiration", Map.of()).subject())
                .isEqualTo("[edgecert] Certificate for subject-1 expires soon");
        assertThat(EventMessages.render(new Event("e", "CertificateExpired", "s", Instant.EPOCH, null)).subject())
                .isEqualTo("[edgecert] Certificate for s has expired");
    }

    @Test
    void expiryMessagesCountDays() {
        assertThat(render("CertificateApproachingExpiration", Map.of("domainName", "a.example", "daysToExpiry", 1)).subject())
                .isEqualTo("[edgecert] Certificate for a.example expires in 1 day");
        assertThat(render("CertificateApproachingExpiration", Map.of("domainName", "a.example", "daysToExpiry", 0)).subject())
                .isEqualTo("[edgecert] Certificate for a.example expires within a day");
        EventMessages.Message expired = render("CertificateExpired", Map.of("certificateId", "c1", "domainName", "a.example",
                "name", "A", "notAfter", "2030-01-01T00:00:00Z"));
        assertThat(expired.subject()).isEqualTo("[edgecert] Certificate for a.example has expired");
        assertThat(expired.text()).contains("   Name:         A\n").contains("PUT /api/v1/certificates/c1");
    }

    @Test
    void unknownTypesStillSayWhatHappened() {
        EventMessages.Message m = render("SomethingNew", Map.of("answer", 42));
        assertThat(m.subject()).isEqualTo("[edgecert] SomethingNew");
        assertThat(m.text()).contains("\"answer\" : 42").contains("event event-1");
    }

    @Test
    void theWebhookBodyHasTheDocumentedFieldsInOrder() throws Exception {
        JsonNode body = Json.MAPPER.readTree(WebhookSender.body(new Event("e1", "JobSucceeded", "j1",
                Instant.parse("2030-01-01T00:00:00Z"), Json.MAPPER.valueToTree(Map.of("jobId", "j1")))));
        assertThat(body.fieldNames()).toIterable().containsExactly("id", "type", "createdAt", "subjectId", "detail");
        assertThat(body.get("createdAt").asText()).isEqualTo("2030-01-01T00:00:00Z");
    }
}
