package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A whole node: an import job run by the jobs part ends in a signed webhook and an email that
 * list the job's real DNS records, and the expiry gauge shows the imported certificates on
 * /metrics. Configured through the environment variables, as an operator would.
 */
class NotificationsEndToEndTest {
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort());

    TestNode node;
    TestApi api;
    WebhookReceiver receiver;

    @BeforeEach
    void start() {
        node = TestNode.start(TestNode.Store.H2, Map.of(
                "EDGECERT_SMTP_HOST", smtp.getSmtp().getBindTo(),
                "EDGECERT_SMTP_PORT", String.valueOf(smtp.getSmtp().getPort()),
                "EDGECERT_SMTP_TLS", "none",
                "EDGECERT_SMTP_FROM", "edgecert@saas.example",
                "EDGECERT_EXPIRY_CHECK_INTERVAL", "1"));
        api = node.api();
        receiver = WebhookReceiver.start();
        // Missing wiring is a failure, not a skip.
        assertThat(api.get("/api/v1/subscriptions").status())
                .as("notifications are wired into EdgecertNode").isEqualTo(200);
    }

    @AfterEach
    void stop() {
        receiver.close();
        node.close();
    }

    @Test
    void aFinishedImportJobIsAnnouncedByWebhookAndEmailWithItsDnsRecords() throws Exception {
        TestApi.Response hook = api.post("/api/v1/subscriptions", Map.of("protocol", "http", "endpoint", receiver.url(),
                "eventTypes", List.of("JobSucceeded", "JobFailed")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        receiver.secret(hook.json().get("signingSecret").asText());
        TestApi.Response mail = api.post("/api/v1/subscriptions", Map.of("protocol", "email", "endpoint", "ops@saas.example"));
        assertThat(mail.status()).as(mail.body()).isEqualTo(201);

        String template = api.post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://app.saas.example/")))).json().get("id").asText();
        String zone = "n" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        List<Map<String, Object>> items = new ArrayList<>();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone, "*." + zone);
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", "customer n");
        item.put("certificate", h.leaf().certificatePem());
        item.put("privateKey", h.leaf().keyPem());
        item.put("certificateChain", h.chainPem());
        items.add(item);
        TestApi.Response job = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "distributionTemplate", Map.of("distributionId", template)));
        assertThat(job.status()).as(job.body()).isEqualTo(202);
        String jobId = job.json().get("jobId").asText();

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 1);
        WebhookReceiver.Received got = receiver.received().get(0);
        assertThat(got.signatureValid()).isTrue();
        assertThat(got.header("edgecert-event-type")).isEqualTo("JobSucceeded");
        JsonNode detail = got.json().get("detail");
        assertThat(detail.get("jobId").asText()).isEqualTo(jobId);
        JsonNode jobItem = api.get("/api/v1/jobs/" + jobId).json().get("items").get(0);
        String domain = jobItem.get("distributionDomainName").asText();
        assertThat(detail.at("/items/0/dnsRecords")).isEqualTo(jobItem.get("dnsRecords"));
        assertThat(got.body()).doesNotContain("PRIVATE KEY");

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.getReceivedMessages().length == 1);
        String body = ((String) smtp.getReceivedMessages()[0].getContent()).replace("\r\n", "\n");
        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("[edgecert] Import job succeeded: 1 certificate, 1 distribution");
        assertThat(body).containsPattern("(?m)^" + Pattern.quote(zone) + " +CNAME  " + Pattern.quote(domain))
                .containsPattern("(?m)^\\*\\." + Pattern.quote(zone) + " +CNAME  " + Pattern.quote(domain))
                .doesNotContain("PRIVATE KEY");

        String certificateId = jobItem.get("certificateId").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> api.send(api.request("/metrics").GET(), null).body()
                .contains("edgecert_certificate_expiry_seconds{certificate_id=\"" + certificateId + "\",domain=\"" + zone + "\"}"));
    }

    static Map<String, Object> item(TestPki.Hierarchy h, String name) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("name", name);
        item.put("certificate", h.leaf().certificatePem());
        item.put("privateKey", h.leaf().keyPem());
        item.put("certificateChain", h.chainPem());
        return item;
    }

    @Test
    void aFailedJobIsAnnouncedAsJobFailedNamingTheItemAndItsReasonWithoutAnyKey() throws Exception {
        TestApi.Response hook = api.post("/api/v1/subscriptions", Map.of("protocol", "http", "endpoint", receiver.url(),
                "eventTypes", List.of("JobFailed")));
        assertThat(hook.status()).as(hook.body()).isEqualTo(201);
        receiver.secret(hook.json().get("signingSecret").asText());
        TestApi.Response mail = api.post("/api/v1/subscriptions", Map.of("protocol", "email", "endpoint", "ops@saas.example",
                "eventTypes", List.of("JobFailed")));
        assertThat(mail.status()).as(mail.body()).isEqualTo(201);

        String zone = "f" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        String takenZone = "t" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
        TestPki.Hierarchy fine = TestPki.hierarchy(TestPki.freshEc("secp256r1"), zone);
        TestPki.Hierarchy late = TestPki.hierarchy(TestPki.freshEc("secp256r1"), takenZone);
        String jobId;
        // The late item's alias is taken after the job is accepted and before it runs: the job really fails.
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            TestApi.Response job = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                    List.of(item(fine, "fine"), item(late, "late")), "origin", "https://origin.example/"));
            assertThat(job.status()).as(job.body()).isEqualTo(202);
            jobId = job.json().get("jobId").asText();
            held.assertPending(jobId);
            TestPki.Hierarchy other = TestPki.hierarchy(TestPki.ec("secp256r1"), takenZone);
            String cert = api.post("/api/v1/certificates", Map.of("certificate", other.leaf().certificatePem(),
                    "privateKey", other.leaf().keyPem(), "certificateChain", other.chainPem())).json().get("id").asText();
            TestApi.Response taken = api.post("/api/v1/distributions", Map.of("aliases", List.of(takenZone),
                    "certificateId", cert, "origins", List.of(Map.of("id", "o", "url", "https://o.example/"))));
            assertThat(taken.status()).as(taken.body()).isEqualTo(201);
        }

        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.received().size() == 1);
        WebhookReceiver.Received got = receiver.received().get(0);
        assertThat(got.signatureValid()).isTrue();
        assertThat(got.header("edgecert-event-type")).isEqualTo("JobFailed");
        JsonNode detail = got.json().get("detail");
        assertThat(detail.get("jobId").asText()).isEqualTo(jobId);
        assertThat(detail.get("status").asText()).isEqualTo("FAILED");
        assertThat(detail.get("failedItems")).hasSize(1);
        JsonNode failed = detail.get("failedItems").get(0);
        assertThat(failed.get("index").asInt()).isEqualTo(1);
        assertThat(failed.get("name").asText()).isEqualTo("late");
        assertThat(failed.at("/error/step").asText()).isEqualTo("CREATE_DISTRIBUTIONS");
        assertThat(failed.at("/error/code").asText()).isEqualTo("CnameAlreadyExists");
        assertThat(failed.at("/error/message").asText()).contains(takenZone);
        assertNoKeyIn(got.body(), fine, late);

        await().atMost(Duration.ofSeconds(30)).until(() -> smtp.getReceivedMessages().length == 1);
        MimeMessage message = smtp.getReceivedMessages()[0];
        assertThat(message.getSubject()).isEqualTo("[edgecert] Import job failed: 1 item failed");
        String body = ((String) message.getContent()).replace("\r\n", "\n");
        assertThat(body).contains("Import job " + jobId + " failed", "#1 late: CnameAlreadyExists", "(step CREATE_DISTRIBUTIONS)");
        assertNoKeyIn(body, fine, late);
    }

    /** Neither the PEM armour nor any line of the items' keys. */
    private static void assertNoKeyIn(String text, TestPki.Hierarchy... items) {
        assertThat(text).doesNotContain("PRIVATE KEY");
        for (TestPki.Hierarchy h : items) {
            h.leaf().keyPem().lines().filter(l -> !l.startsWith("-----") && l.length() > 16)
                    .forEach(line -> assertThat(text).doesNotContain(line));
        }
    }
}
