package io.edgecert.events;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetupTest;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Email notifications through a real SMTP exchange with GreenMail, in process. */
class EmailNotificationTest {
    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP.dynamicPort())
            .withConfiguration(GreenMailConfiguration.aConfig().withUser("edgecert", "mail-password"));

    NotificationsFixture fx;
    Notifications n;

    @BeforeEach
    void start() {
        fx = NotificationsFixture.open(NotificationsFixture.Store.H2);
        n = fx.startNode(NotificationsFixture.fast().withSmtp(new SmtpSettings(smtp.getSmtp().getBindTo(),
                smtp.getSmtp().getPort(), Optional.of("edgecert"), Optional.of("mail-password"),
                "edgecert@saas.example", SmtpSettings.Security.NONE)));
    }

    @AfterEach
    void stop() {
        fx.close();
    }

    Subscription subscribe(String address) {
        return n.subscriptions().create(new Subscriptions.NewSubscription("email", address, null, "ops"));
    }

    /** SMTP carries lines ending in CRLF. */
    static String text(MimeMessage m) throws Exception {
        return ((String) m.getContent()).replace("\r\n", "\n");
    }

    MimeMessage awaitOneMessage() {
        await().atMost(Duration.ofSeconds(20)).until(() -> smtp.getReceivedMessages().length == 1);
        return smtp.getReceivedMessages()[0];
    }

    @Test
    void theJobSucceededEmailListsEveryDistributionAndTheDnsRecordsToAdd() throws Exception {
        Subscription s = subscribe("ops@saas.example");
        assertThat(s.signingSecret()).as("email subscriptions have no signing secret").isEmpty();
        String eventId = fx.append(EventType.JobSucceeded, "job-42", Payloads.jobSucceeded("job-42", List.of(
                Payloads.item(0, "example.com", "d1", "edge.test", "example.com", "*.example.com"),
                Payloads.item(1, "shop", "d2", "edge.test", "shop.customer-b.example"))));

        MimeMessage m = awaitOneMessage();
        assertThat(m.getSubject()).isEqualTo("[edgecert] Import job succeeded: 2 certificates, 2 distributions");
        assertThat(m.getFrom()[0].toString()).isEqualTo("edgecert@saas.example");
        assertThat(m.getAllRecipients()[0].toString()).isEqualTo("ops@saas.example");
        assertThat(m.getHeader("X-Edgecert-Event-Id")[0]).isEqualTo(eventId);
        assertThat(m.getContentType()).startsWith("text/plain").contains("UTF-8");
        String body = text(m);
        assertThat(body).contains("Import job job-42 succeeded: 2 certificates imported, 2 distributions created.");
        assertThat(body).contains("""
                #0 example.com
                   Domain name:  d1.edge.test
                   Aliases:      example.com, *.example.com
                """);
        assertThat(body).contains("""
                #1 shop
                   Domain name:  d2.edge.test
                   Aliases:      shop.customer-b.example
                """);
        assertThat(body).contains("""
                NAME                     TYPE   VALUE
                example.com              CNAME  d1.edge.test (1)
                *.example.com            CNAME  d1.edge.test
                shop.customer-b.example  CNAME  d2.edge.test

                (1) apex name: DNS forbids a CNAME here; use your provider's ALIAS/ANAME or CNAME flattening
                """);

        await().atMost(Duration.ofSeconds(10)).until(() -> n.subscriptions().deliveries(s.id(), Optional.empty(), Optional.empty())
                .items().get(0).status() == DeliveryStatus.DELIVERED);
    }

    @Test
    void theJobFailedEmailSaysWhichItemFailedAndWhy() throws Exception {
        subscribe("ops@saas.example");
        fx.append(EventType.JobFailed, "job-7", Payloads.jobFailed("job-7", "1 of 1 item failed in IMPORT_CERTIFICATES",
                3, "customer-c", "KeyMismatch", "the private key does not match the certificate's public key"));

        MimeMessage m = awaitOneMessage();
        assertThat(m.getSubject()).isEqualTo("[edgecert] Import job failed: 1 item failed");
        String body = text(m);
        assertThat(body).contains("Import job job-7 failed: 1 of 1 item failed in IMPORT_CERTIFICATES");
        assertThat(body).contains("#3 customer-c: KeyMismatch: the private key does not match the certificate's public key "
                + "(step IMPORT_CERTIFICATES)");
        assertThat(body).doesNotContain("DNS records to add");
    }

    @Test
    void anExpiryEventBecomesAnEmailAboutTheCertificate() throws Exception {
        subscribe("ops@saas.example");
        fx.append(EventType.CertificateApproachingExpiration, "cert-1", Map.of("certificateId", "cert-1",
                "name", "shop", "domainName", "shop.example.com", "notAfter", "2030-01-31T12:00:00Z", "daysToExpiry", 12));

        MimeMessage m = awaitOneMessage();
        assertThat(m.getSubject()).isEqualTo("[edgecert] Certificate for shop.example.com expires in 12 days");
        assertThat(text(m)).contains("expires in 12 days, on 2030-01-31T12:00:00Z")
                .contains("PUT /api/v1/certificates/cert-1");
    }

    @Test
    void theTestMessageGoesOutAtOnce() throws Exception {
        Subscription s = subscribe("someone@customer.example");
        Delivery d = n.subscriptions().sendTest(s.id());

        assertThat(d.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(smtp.getReceivedMessages()).hasSize(1);
        assertThat(smtp.getReceivedMessages()[0].getSubject()).isEqualTo("[edgecert] Test notification");
    }

    @Test
    void anUnreachableMailServerIsAFailedAttemptWithTheReason() {
        Notifications broken = fx.startNode(NotificationsFixture.fast().withSmtp(new SmtpSettings("127.0.0.1",
                Integer.parseInt(WebhookReceiver.deadUrl().replaceAll(".*:(\\d+)/.*", "$1")), Optional.empty(),
                Optional.empty(), "edgecert@saas.example", SmtpSettings.Security.NONE)));
        Subscription s = broken.subscriptions().create(new Subscriptions.NewSubscription("email", "ops@saas.example", null, null));

        Delivery d = broken.subscriptions().sendTest(s.id());
        assertThat(d.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(d.lastError()).hasValueSatisfying(e -> assertThat(e).startsWith("SMTP 127.0.0.1:").containsIgnoringCase("connect"));
    }
}
