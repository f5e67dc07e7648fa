package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.testing.TestApi;
import io.edgecert.crypto.AdminToken;
import io.edgecert.web.ApiServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * /api/v1/subscriptions over real HTTP, through the node's API server with its bearer-token check
 * (the routes as EdgecertNode mounts them).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubscriptionApiTest {
    static final String TOKEN = "subscription-test-token-0123456789";

    NotificationsFixture fx;
    ApiServer server;
    TestApi api;
    WebhookReceiver receiver;

    @BeforeAll
    void start() {
        fx = NotificationsFixture.open(NotificationsFixture.Store.H2);
        // an SMTP server is configured (so email subscriptions are accepted) but never reached here
        Notifications n = fx.startNode(NotificationsFixture.fast().withSmtp(new SmtpSettings("127.0.0.1", 1,
                Optional.empty(), Optional.empty(), "edgecert@saas.example", SmtpSettings.Security.NONE)));
        server = new ApiServer(AdminToken.of(TOKEN), fx.db, fx.metrics, List.of(new io.edgecert.web.SubscriptionRoutes(n.subscriptions())), Optional.empty()).start("127.0.0.1", 0);
        api = new TestApi("http://127.0.0.1:" + server.port(), TOKEN);
        receiver = WebhookReceiver.start();
    }

    @AfterAll
    void stop() {
        receiver.close();
        server.close();
        fx.close();
    }

    static Map<String, Object> body(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    JsonNode create(Object... kv) {
        TestApi.Response r = api.post("/api/v1/subscriptions", body(kv));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    @Test
    void everyCallNeedsTheBearerToken() {
        TestApi.Response r = api.send(api.request("/api/v1/subscriptions").GET(), null);
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(api.send(api.request("/api/v1/subscriptions").POST(java.net.http.HttpRequest.BodyPublishers.ofString(
                "{\"protocol\":\"http\",\"endpoint\":\"http://x.example/\"}")), "wrong-token-0123456789").status()).isEqualTo(401);
    }

    @Test
    void aWebhookSubscriptionShowsItsSigningSecretOnlyWhenCreated() {
        TestApi.Response r = api.post("/api/v1/subscriptions", body("protocol", "https", "endpoint",
                "https://hooks.example.com/edgecert?team=ops", "eventTypes", List.of("JobSucceeded", "JobFailed", "JobFailed"),
                "name", "ops hook"));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode s = r.json();
        String id = s.get("id").asText();
        assertThat(r.header("Location")).isEqualTo("/api/v1/subscriptions/" + id);
        assertThat(s.get("protocol").asText()).isEqualTo("https");
        assertThat(s.get("endpoint").asText()).isEqualTo("https://hooks.example.com/edgecert?team=ops");
        assertThat(s.get("eventTypes")).extracting(JsonNode::asText).containsExactly("JobSucceeded", "JobFailed");
        assertThat(s.get("name").asText()).isEqualTo("ops hook");
        assertThat(s.get("createdAt").asText()).isNotBlank();
        String secret = s.get("signingSecret").asText();
        assertThat(secret).startsWith("whsec_").hasSizeGreaterThan(40);

        JsonNode again = api.get("/api/v1/subscriptions/" + id).json();
        assertThat(again.has("signingSecret")).isFalse();
        assertThat(again.get("endpoint").asText()).isEqualTo(s.get("endpoint").asText());
        assertThat(api.get("/api/v1/subscriptions?limit=1000").body()).doesNotContain(secret);

        // at rest: AES-GCM under the master key, bound to this subscription's id
        byte[] stored = fx.db.withConnection(c -> {
            try (var ps = c.prepareStatement("SELECT encrypted_secret FROM subscriptions WHERE id = ?")) {
                ps.setString(1, id);
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getBytes(1);
                }
            }
        });
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6, 20));
        assertThat(new String(fx.cipher.decrypt(stored, id), StandardCharsets.UTF_8)).isEqualTo(secret);
        assertThatThrownBy(() -> fx.cipher.decrypt(stored, "another-subscription")).isInstanceOf(KeyCipher.KeyDecryptionException.class);
    }

    @Test
    void anEmailSubscriptionHasNoSecretAndEveryEventTypeByDefault() {
        JsonNode s = create("protocol", "EMAIL", "endpoint", "  ops@saas.example ");
        assertThat(s.get("protocol").asText()).isEqualTo("email");
        assertThat(s.get("endpoint").asText()).isEqualTo("ops@saas.example");
        assertThat(s.has("signingSecret")).isFalse();
        assertThat(s.has("eventTypes")).as("absent: every type").isFalse();
    }

    static Stream<Arguments> badRequests() {
        return Stream.of(
                Arguments.of(body(), 400, "MissingField", "protocol"),
                Arguments.of(body("protocol", "ftp", "endpoint", "ftp://x.example/"), 400, "InvalidRequest", "protocol"),
                Arguments.of(body("protocol", "http"), 400, "MissingField", "endpoint"),
                Arguments.of(body("protocol", "email", "endpoint", "not-an-address"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "email", "endpoint", "Ops <ops@saas.example>"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "email", "endpoint", "a@saas.example, b@saas.example"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "email", "endpoint", "x".repeat(250) + "@saas.example"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "https", "endpoint", "http://hooks.example.com/"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "http", "endpoint", "/relative/hook"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "http", "endpoint", "http://user:pw@hooks.example.com/"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "http", "endpoint", "http://hooks.example.com/a b"), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "http", "endpoint", "http://hooks.example.com/" + "a".repeat(2100)), 400, "InvalidRequest", "endpoint"),
                Arguments.of(body("protocol", "http", "endpoint", "http://h.example/", "eventTypes", List.of("JobSucceeded", "Nope")),
                        400, "InvalidRequest", "eventTypes[1]"),
                Arguments.of(body("protocol", "http", "endpoint", "http://h.example/", "eventTypes", List.of()), 400, "InvalidRequest", "eventTypes"),
                Arguments.of(body("protocol", "http", "endpoint", "http://h.example/", "name", "n".repeat(129)), 400, "InvalidRequest", "name"),
                Arguments.of(body("protocol", "http", "endpoint", "http://h.example/", "secret", "mine"), 400, "InvalidRequest", "secret"),
                Arguments.of(body("protocol", "http", "endpoint", "http://h.example/", "name", "n".repeat(20_000)), 413, "SizeLimitExceeded", null));
    }

    @ParameterizedTest
    @MethodSource("badRequests")
    void badRequestsAreRefusedNamingTheField(Map<String, Object> request, int status, String code, String field) {
        TestApi.Response r = api.post("/api/v1/subscriptions", request);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("code").asText()).isEqualTo(code);
        if (field != null) {
            assertThat(p.get("errors")).extracting(e -> e.get("field").asText()).contains(field);
        }
    }

    @Test
    void missingFieldsAreAllReportedAtOnce() {
        JsonNode p = api.post("/api/v1/subscriptions", body("eventTypes", List.of("Bad"))).json();
        assertThat(p.get("errors")).extracting(e -> e.get("field").asText()).containsExactly("protocol", "endpoint", "eventTypes[0]");
    }

    @Test
    void theListIsPagedWithACursor() {
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(create("protocol", "http", "endpoint", "http://page-" + i + ".example/").get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/subscriptions?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(i -> seen.add(i.get("id").asText()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null && pages < 100);
        assertThat(seen).doesNotHaveDuplicates().containsAll(created);
        assertThat(api.get("/api/v1/subscriptions?limit=0").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/subscriptions?limit=1001").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/subscriptions?cursor=abc").json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
    }

    @Test
    void deleteAnswers204ThenTheSubscriptionIsGone() {
        String id = create("protocol", "http", "endpoint", "http://gone.example/").get("id").asText();
        assertThat(api.delete("/api/v1/subscriptions/" + id).status()).isEqualTo(204);
        TestApi.Response r = api.get("/api/v1/subscriptions/" + id);
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asText()).isEqualTo("NotFound");
        assertThat(api.delete("/api/v1/subscriptions/" + id).status()).isEqualTo(404);
        assertThat(api.get("/api/v1/subscriptions/no-such-id").status()).isEqualTo(404);
        assertThat(api.post("/api/v1/subscriptions/" + id + "/test", "").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/subscriptions/" + id + "/deliveries").status()).isEqualTo(404);
    }

    @Test
    void theTestCallSendsAMessageAndTheDeliveryLogShowsItNewestFirst() {
        JsonNode s = create("protocol", "http", "endpoint", receiver.url());
        String id = s.get("id").asText();
        receiver.secret(s.get("signingSecret").asText());

        TestApi.Response first = api.post("/api/v1/subscriptions/" + id + "/test", "");
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        JsonNode d = first.json();
        assertThat(d.get("status").asText()).isEqualTo("DELIVERED");
        assertThat(d.get("eventType").asText()).isEqualTo("SubscriptionTest");
        assertThat(d.get("attempts").asInt()).isEqualTo(1);
        assertThat(d.get("lastStatusCode").asInt()).isEqualTo(200);
        assertThat(d.get("subscriptionId").asText()).isEqualTo(id);
        assertThat(receiver.received()).anyMatch(g -> g.signatureValid() && g.body().contains(id));

        String second = api.post("/api/v1/subscriptions/" + id + "/test", "").json().get("id").asText();
        String third = api.post("/api/v1/subscriptions/" + id + "/test", "").json().get("id").asText();
        JsonNode page1 = api.get("/api/v1/subscriptions/" + id + "/deliveries?limit=2").json();
        assertThat(page1.get("items")).extracting(i -> i.get("id").asText()).containsExactly(third, second);
        JsonNode page2 = api.get("/api/v1/subscriptions/" + id + "/deliveries?limit=2&cursor=" + page1.get("nextCursor").asText()).json();
        assertThat(page2.get("items")).extracting(i -> i.get("id").asText()).containsExactly(d.get("id").asText());
        assertThat(page2.has("nextCursor")).isFalse();
    }

    @Test
    void emailSubscriptionsAreRefusedWhenNoSmtpServerIsConfigured() {
        try (NotificationsFixture other = NotificationsFixture.open(NotificationsFixture.Store.H2)) {
            Notifications n = other.startNode(NotificationsFixture.fast());
            assertThatThrownBy(() -> n.subscriptions().create(new Subscriptions.NewSubscription("email", "ops@saas.example", null, null)))
                    .isInstanceOfSatisfying(io.edgecert.problems.ProblemException.class, e -> {
                        assertThat(io.edgecert.web.HttpProblem.statusOf(e)).isEqualTo(400);
                        assertThat(e.errors().get(0).field()).isEqualTo("protocol");
                        assertThat(e.detail()).contains("EDGECERT_SMTP_HOST");
                    });
        }
    }
}
