package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.problems.ErrorCode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/** The report a job's end sends (email, webhook): versioned, complete while small, capped when large. */
class JobReportTest {
    private static Job.Item distributed(int i) {
        String alias = "shop" + i + ".customer" + i + ".example.com";
        String domain = "d" + i + "abcdefghijklmnop.edge.example.net";
        return new Job.Item(i, Optional.of("customer " + i), ItemStatus.SUCCEEDED, "EC P-256, 241 bytes",
                Optional.of("01JCERT" + i), Optional.of("01JDIST" + i), Optional.of(domain),
                List.of(alias, "www." + alias), List.of(DnsRecord.forAlias(alias, domain), DnsRecord.forAlias("www." + alias, domain)),
                Optional.empty());
    }

    private static Job.Item failed(int i) {
        return new Job.Item(i, Optional.empty(), ItemStatus.FAILED, "RSA 2048, 1704 bytes", Optional.empty(),
                Optional.empty(), Optional.empty(), List.of(), List.of(), Optional.of(new Job.ItemError(
                StepName.IMPORT_CERTIFICATES, ErrorCode.CertificateExpired, "the certificate expired on 2026-01-01")));
    }

    private static JsonNode json(JobReport r) {
        return Json.read(Json.write(r), JsonNode.class);
    }

    @Test
    void aSmallJobsReportHasEveryItemAndItsDnsRecords() {
        List<Job.Item> items = IntStream.range(0, 3).mapToObj(JobReportTest::distributed).toList();
        JsonNode r = json(JobReport.of("01JOB", JobStatus.SUCCEEDED, Optional.empty(), Optional.empty(), items));
        assertThat(r.get("reportVersion").asInt()).isEqualTo(1);
        assertThat(r.get("summary").get("items").asInt()).isEqualTo(3);
        assertThat(r.get("summary").get("succeeded").asInt()).isEqualTo(3);
        assertThat(r.get("summary").get("distributionsCreated").asInt()).isEqualTo(3);
        assertThat(r.get("items")).hasSize(3);
        assertThat(r.at("/items/2/dnsRecords/1/name").asText()).isEqualTo("www.shop2.customer2.example.com");
        assertThat(r.get("truncated").asBoolean()).isFalse();
        assertThat(r.get("itemsIncluded").asInt()).isEqualTo(3);
        assertThat(r.get("itemsUrl").asText()).isEqualTo("/api/v1/jobs/01JOB/items");
    }

    @Test
    void aTenThousandItemJobsReportStaysUnderTheCapAndSaysWhereTheRestIs() {
        List<Job.Item> items = IntStream.range(0, 10_000).mapToObj(JobReportTest::distributed).toList();
        JobReport report = JobReport.of("01JOB", JobStatus.SUCCEEDED, Optional.empty(), Optional.empty(), items);
        int size = Json.write(report).getBytes(StandardCharsets.UTF_8).length;
        assertThat(size).isLessThanOrEqualTo(JobReport.MAX_REPORT_BYTES);
        // the cap is used, not wasted: what is left is less than one more item
        assertThat(JobReport.MAX_REPORT_BYTES - size).isLessThan(Json.write(items.get(0)).length() + 200);
        JsonNode r = json(report);
        assertThat(r.get("truncated").asBoolean()).isTrue();
        assertThat(r.get("itemsIncluded").asInt()).isEqualTo(r.get("items").size()).isBetween(100, 9_999);
        assertThat(r.get("summary").get("items").asInt()).isEqualTo(10_000);
        assertThat(r.at("/items/0/index").asInt()).isZero(); // the first ones, in order
        assertThat(r.get("itemsUrl").asText()).isEqualTo("/api/v1/jobs/01JOB/items");
    }

    @Test
    void aFailedJobsReportNamesItsFailedItemsFirst() {
        List<Job.Item> items = IntStream.range(0, 10_000).mapToObj(i -> i % 1000 == 999 ? failed(i) : distributed(i)).toList();
        JsonNode r = json(JobReport.of("01JOB", JobStatus.FAILED, Optional.of("certificate import failed"),
                Optional.of(false), items));
        assertThat(r.get("failedItems")).hasSize(10);
        assertThat(r.at("/failedItems/9/index").asInt()).isEqualTo(9_999);
        assertThat(r.at("/failedItems/0/error/code").asText()).isEqualTo("CertificateExpired");
        assertThat(r.get("summary").get("failed").asInt()).isEqualTo(10);
        assertThat(r.get("rollbackOnFailure").asBoolean()).isFalse();
        assertThat(r.get("truncated").asBoolean()).isTrue();
    }
}
