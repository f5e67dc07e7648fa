package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Webhook delivery end to end: an event appended to the outbox as the jobs part does it, the real
 * worker, a real HTTP receiver that checks signatures. Runs on H2 and on PostgreSQL.
 */
abstract class DeliveryContract {
    NotificationsFixture fx;
    final List<WebhookReceiver> receivers = new ArrayList<>();

    abstract NotificationsFixture.Store store();

    @BeforeEach
    void open() {
        fx = NotificationsFixture.open(store());
    }

    @AfterEach
    void close() {
        receivers.forEach(WebhookReceiver::close);
        fx.close();
    }

    WebhookReceiver receiver() {
        WebhookReceiver r = WebhookReceiver.start();
        receivers.add(r);
        return r;
    }

    static Subscription webhook(Notifications n, WebhookReceiver r, String... eventTypes) {
        Subscription s = n.subscriptions().create(new Subscriptions.NewSubscription("http", r.url(),
                eventTypes.length == 0 ? null : List.of(eventTypes), null));
        r.secret(s.signingSecret().orElseThrow());
        return s;
    }

    static List<Delivery> log(Notifications n, Subscription s) {
        return n.subscriptions().deliveries(s.id(), Optional.empty(), Optional.of(1000)).items();
    }

    @Test
    void aJobEventReachesTheWebhookSignedWithTheDocumentedBodyAndHeaders() {
        Notifications n = fx.startNode(NotificationsFixture.fast());
        WebhookReceiver r = receiver();
        Subscription s = webhook(n, r);
        String eventId = fx.append(EventType.JobSucceeded, "job-1", Payloads.jobSucceeded("job-1",
                List.of(Payloads.item(0, "shop", "d1", "edge.test", "shop.example.com"))));

        await().atMost(Duration.ofSeconds(20)).until(() -> r.received().size() == 1);
        WebhookReceiver.Received got = r.received().get(0);
        assertThat(got.signatureValid()).as("signature checks out with the receiver's own HMAC").isTrue();
        assertThat(got.header("content-type")).isEqualTo("application/json");
        assertThat(got.header("edgecert-event-id")).isEqualTo(eventId);
        assertThat(got.header("edgecert-event-type")).isEqualTo("JobSucceeded");
        assertThat(got.header("edgecert-signature")).matches("t=\\d+,v1=[0-9a-f]{64}");
        JsonNode body = got.json();
        assertThat(body.fieldNames()).toIterable().containsExactly("id", "type", "createdAt", "subjectId", "detail");
        assertThat(body.get("id").asText()).isEqualTo(eventId);
        assertThat(body.get("type").asText()).isEqualTo("JobSucceeded");
        assertThat(Instant.parse(body.get("createdAt").asText())).isBefore(Instant.now().plusSeconds(1));
        assertThat(body.get("subjectId").asText()).isEqualTo("job-1");
        assertThat(body.at("/detail/items/0/dnsRecords/0/value").asText()).isEqualTo("d1.edge.test");

        await().atMost(Duration.ofSeconds(10)).until(() -> log(n, s).get(0).status() == DeliveryStatus.DELIVERED);
        Delivery d = log(n, s).get(0);
        assertThat(d.eventId()).isEqualTo(eventId);
        assertThat(d.eventType()).isEqualTo("JobSucceeded");
        assertThat(d.attempts()).isEqualTo(1);
        assertThat(d.lastStatusCode()).contains(200);
        assertThat(d.deliveredAt()).isPresent();
        assertThat(d.nextAttemptAt()).isEmpty();
        assertThat(d.lastError()).isEmpty();
        assertThat(fx.metrics.scrape()).contains("edgecert_notification_attempts_total{protocol=\"http\",result=\"delivered\"} 1");
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffUntilItAnswers() {
        Notifications n = fx.startNode(NotificationsFixture.fast());
        AtomicBoolean healthy = new AtomicBoolean(false);
        WebhookReceiver r = receiver().respond(() -> healthy.get() ? 200 : 500);
        Subscription s = webhook(n, r);
        String eventId = fx.append(EventType.JobFailed, "job-2", Payloads.jobFailed("job-2", "1 item failed", 0, "shop",
                "KeyMismatch", "the private key does not match the certificate"));

        await().atMost(Duration.ofSeconds(20)).until(() -> log(n, s).get(0).attempts() >= 2);
        Delivery failing = log(n, s).get(0);
        assertThat(failing.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(failing.lastStatusCode()).contains(500);
        assertThat(failing.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 500"));
        assertThat(failing.nextAttemptAt()).isPresent();
        assertThat(failing.lastAttemptAt()).isPresent();
        assertThat(failing.nextAttemptAt().get()).isAfter(failing.lastAttemptAt().get());

        healthy.set(true);
        await().atMost(Duration.ofSeconds(20)).until(() -> log(n, s).get(0).status() == DeliveryStatus.DELIVERED);
        Delivery done = log(n, s).get(0);
        assertThat(done.attempts()).isGreaterThanOrEqualTo(3);
        assertThat(done.lastStatusCode()).contains(200);
        assertThat(done.deliveredAt()).isPresent();
        assertThat(done.nextAttemptAt()).isEmpty();
        // every attempt carried the same event, each one signed
        assertThat(r.received()).hasSize(done.attempts()).allSatisfy(got -> {
            assertThat(got.signatureValid()).isTrue();
            assertThat(got.header("edgecert-event-id")).isEqualTo(eventId);
        });
    }

    @Test
    void deliveryGivesUpAfterTheLastAttempt() {
        Notifications n = fx.startNode(NotificationsFixture.fast().withBackoff(new Backoff(Duration.ofMillis(20), Duration.ofMillis(100), 3)));
        WebhookReceiver r = receiver().respond(503);
        Subscription s = webhook(n, r);
        fx.append(EventType.JobSucceeded, "job-3", Payloads.jobSucceeded("job-3", List.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> log(n, s).get(0).status() == DeliveryStatus.FAILED);
        Delivery d = log(n, s).get(0);
        assertThat(d.attempts()).isEqualTo(3);
        assertThat(d.lastStatusCode()).contains(503);
        assertThat(d.nextAttemptAt()).isEmpty();
        assertThat(d.deliveredAt()).isEmpty();
        assertThat(r.received()).hasSize(3);
    }

    @Test
    void deadAndSlowReceiversDoNotHoldUpAHealthyOne() {
        // a request timeout longer than the test: the slow receiver holds its threads throughout
        Notifications n = fx.startNode(NotificationsFixture.fast().withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(60)));
        Subscription dead = n.subscriptions().create(new Subscriptions.NewSubscription("http", WebhookReceiver.deadUrl(), null, "dead"));
        WebhookReceiver slow = receiver().delay(Duration.ofSeconds(120));
        Subscription slowSub = webhook(n, slow);
        WebhookReceiver healthy = receiver();
        webhook(n, healthy);

        int events = 20;
        for (int i = 0; i < events; i++) {
            fx.append(EventType.JobSucceeded, "job-" + i, Payloads.jobSucceeded("job-" + i, List.of()));
        }

        await().atMost(Duration.ofSeconds(30)).until(() -> healthy.received().size() == events);
        assertThat(healthy.received()).allMatch(WebhookReceiver.Received::signatureValid);
        // ...while the slow receiver has not answered once, and held no more than its share of the threads
        assertThat(slow.received()).isEmpty();
        assertThat(log(n, slowSub)).noneMatch(d -> d.status() == DeliveryStatus.DELIVERED);
        assertThat(slow.maxInFlight()).isBetween(1, 2);
        // ...and the dead one keeps failing, with the reason in its log
        await().atMost(Duration.ofSeconds(10)).until(() -> log(n, dead).stream().anyMatch(d -> d.attempts() > 0));
        assertThat(log(n, dead)).noneMatch(d -> d.status() == DeliveryStatus.DELIVERED);
        assertThat(log(n, dead).stream().filter(d -> d.attempts() > 0))
                .allSatisfy(d -> assertThat(d.lastError()).hasValueSatisfying(e -> assertThat(e).contains("could not connect")));
    }

    @Test
    void anAttemptThatTimesOutIsAFailedAttempt() {
        Notifications n = fx.startNode(NotificationsFixture.fast().withTimeouts(Duration.ofSeconds(1), Duration.ofMillis(300)));
        WebhookReceiver slow = receiver().delay(Duration.ofSeconds(5));
        Subscription s = webhook(n, slow);
        fx.append(EventType.JobSucceeded, "job-slow", Payloads.jobSucceeded("job-slow", List.of()));

        await().atMost(Duration.ofSeconds(20)).until(() -> !log(n, s).isEmpty() && log(n, s).get(0).attempts() >= 1);
        Delivery d = log(n, s).get(0);
        assertThat(d.status()).isEqualTo(DeliveryStatus.PENDING);
        assertThat(d.lastStatusCode()).isEmpty();
        assertThat(d.lastError()).contains("no complete response within 300 ms");
    }

    @Test
    void subscriptionsReceiveOnlyTheEventTypesTheyChose() {
        Notifications n = fx.startNode(NotificationsFixture.fast());
        WebhookReceiver failuresOnly = receiver();
        Subscription failuresSub = webhook(n, failuresOnly, "JobFailed");
        WebhookReceiver everything = receiver();
        webhook(n, everything);

        fx.append(EventType.JobSucceeded, "job-a", Payloads.jobSucceeded("job-a", List.of()));
        fx.append(EventType.CertificateExpired, "cert-a", Map.of("certificateId", "cert-a"));
        fx.append(EventType.JobFailed, "job-b", Payloads.jobFailed("job-b", "failed", 0, "x", "InvalidPem", "not PEM"));

        await().atMost(Duration.ofSeconds(20)).until(() -> everything.received().size() == 3);
        await().atMost(Duration.ofSeconds(10)).until(() -> failuresOnly.received().size() == 1);
        assertThat(failuresOnly.received().get(0).header("edgecert-event-type")).isEqualTo("JobFailed");
        assertThat(log(n, failuresSub)).extracting(Delivery::eventType).containsExactly("JobFailed");
        assertThat(everything.received()).extracting(g -> g.header("edgecert-event-type"))
                .containsExactlyInAnyOrder("JobSucceeded", "CertificateExpired", "JobFailed");
    }

    @Test
    void theTestMessageIsSentAtOnceAndLogged() {
        Notifications n = fx.startNode(NotificationsFixture.fast());
        WebhookReceiver r = receiver();
        Subscription s = webhook(n, r);

        Delivery ok = n.subscriptions().sendTest(s.id());
        assertThat(ok.status()).isEqualTo(DeliveryStatus.DELIVERED);
        assertThat(ok.eventType()).isEqualTo(Event.TEST_TYPE);
        assertThat(ok.lastStatusCode()).contains(200);
        assertThat(r.received()).hasSize(1);
        assertThat(r.received().get(0).signatureValid()).isTrue();
        assertThat(r.received().get(0).json().at("/detail/subscriptionId").asText()).isEqualTo(s.id());

        r.respond(404);
        Delivery notFound = n.subscriptions().sendTest(s.id());
        assertThat(notFound.status()).isEqualTo(DeliveryStatus.FAILED);
        assertThat(notFound.lastError()).hasValueSatisfying(e -> assertThat(e).contains("HTTP 404"));
        assertThat(log(n, s)).extracting(Delivery::id).containsExactly(notFound.id(), ok.id());
    }

    @Test
    void aDeletedSubscriptionGetsNothingMore() {
        Notifications n = fx.startNode(NotificationsFixture.fast());
        WebhookReceiver r = receiver();
        Subscription s = webhook(n, r);
        fx.append(EventType.JobSucceeded, "job-x", Payloads.jobSucceeded("job-x", List.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> r.received().size() == 1);

        n.subscriptions().delete(s.id());
        WebhookReceiver other = receiver();
        webhook(n, other);
        fx.append(EventType.JobSucceeded, "job-y", Payloads.jobSucceeded("job-y", List.of()));
        await().atMost(Duration.ofSeconds(20)).until(() -> other.received().size() == 1);
        assertThat(r.received()).hasSize(1);
    }

    /** Every event sent once to each subscription, whichever node or thread claimed it. */
    void assertEachEventDeliveredOnce(WebhookReceiver r, Set<String> eventIds) {
        await().atMost(Duration.ofSeconds(60)).until(() -> r.received().stream()
                .map(g -> g.header("edgecert-event-id")).collect(Collectors.toSet()).containsAll(eventIds));
        assertThat(r.received()).extracting(g -> g.header("edgecert-event-id")).doesNotHaveDuplicates()
                .hasSize(eventIds.size());
    }
}
