package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.RecordingPurger;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The invalidations API on a real node (H2), its follower purging through a recording purger. */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class InvalidationApiTest {
    TestNode node;
    TestApi api;
    final RecordingPurger purger = new RecordingPurger();

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2, Map.of(), purger.wrapping());
        api = node.api();
    }

    @AfterEach
    void letGo() {
        purger.release();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    String distribution() {
        TestApi.Response r = api.post("/api/v1/distributions",
                Map.of("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/"))));
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    static String invalidations(String distributionId) {
        return "/api/v1/distributions/" + distributionId + "/invalidations";
    }

    TestApi.Response create(String distributionId, Object body) {
        return api.post(invalidations(distributionId), body);
    }

    static void problem(TestApi.Response r, int status, String code) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        assertThat(r.json().get("code").asText()).as(r.toString()).isEqualTo(code);
    }

    @Test
    void anInvalidationIsInProgressThenCompletedOnceThisNodePurged() {
        String d = distribution();
        TestApi.Response created = create(d, Map.of("paths", List.of("/img/*", "/index.html", "/café.html"),
                "callerReference", "deploy-1"));
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        JsonNode inv = created.json();
        String id = inv.get("id").asText();
        assertThat(created.header("Location")).isEqualTo(invalidations(d) + "/" + id);
        assertThat(inv.get("status").asText()).isEqualTo("InProgress");
        assertThat(inv.get("distributionId").asText()).isEqualTo(d);
        assertThat(inv.get("callerReference").asText()).isEqualTo("deploy-1");
        assertThat(inv.get("paths")).extracting(JsonNode::asText).containsExactly("/img/*", "/index.html", "/caf%C3%A9.html");
        assertThat(inv.has("createTime")).isTrue();
        assertThat(inv.has("completeTime")).isFalse();

        long t = System.nanoTime();
        JsonNode done = api.get(invalidations(d) + "/" + id + "?waitSeconds=10").json();
        long waitedMillis = (System.nanoTime() - t) / 1_000_000;
        assertThat(done.get("status").asText()).as(done.toString()).isEqualTo("Completed");
        assertThat(done.has("completeTime")).isTrue();
        assertThat(done.has("waitingFor")).isFalse();
        assertThat(waitedMillis).as("the follower is woken by the signal, not a poll").isLessThan(2_000);
        assertThat(purger.callsFor(d)).containsExactly(new RecordingPurger.Call(d, List.of("/img/*", "/index.html", "/caf%C3%A9.html")));
        assertThat(api.metric("edgecert_invalidation_purges_total{result=\"ok\"}")).isGreaterThanOrEqualTo(1);
        assertThat(api.metric("edgecert_invalidation_lag_seconds_count")).isGreaterThanOrEqualTo(1);
    }

    @Test
    void theSameCallerReferenceIsARetryWithTheSamePathsAndAConflictWithOthers() {
        String d = distribution();
        JsonNode first = create(d, Map.of("paths", List.of("/a", "/b/*"), "callerReference", "ref-1")).json();
        TestApi.Response again = create(d, Map.of("paths", List.of("/b/*", "/a", "/a"), "callerReference", "ref-1"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("id").asText()).isEqualTo(first.get("id").asText());

        TestApi.Response other = create(d, Map.of("paths", List.of("/a"), "callerReference", "ref-1"));
        problem(other, 409, "InvalidationBatchAlreadyExists");
        assertThat(other.json().get("errors").get(0).get("field").asText()).isEqualTo("callerReference");

        // another distribution has its own caller references
        assertThat(create(distribution(), Map.of("paths", List.of("/a"), "callerReference", "ref-1")).status()).isEqualTo(201);
        // without one, each call is a new invalidation
        String x = create(d, Map.of("paths", List.of("/x"))).json().get("id").asText();
        String y = create(d, Map.of("paths", List.of("/x"))).json().get("id").asText();
        assertThat(x).isNotEqualTo(y);
    }

    @Test
    void badInputIsAFieldLevelInvalidArgument() {
        String d = distribution();
        TestApi.Response r = create(d, Map.of("paths", List.of("/ok", "img/*", "/a*b", "/q?x=1")));
        problem(r, 400, "InvalidArgument");
        assertThat(r.json().get("errors")).extracting(e -> e.get("field").asText())
                .containsExactly("paths[1]", "paths[2]", "paths[3]");
        problem(create(d, Map.of("paths", List.of())), 400, "InvalidArgument");
        problem(create(d, Map.of("callerReference", "x")), 400, "InvalidArgument");
        problem(create(d, Map.of("paths", List.of("/"), "callerReference", "")), 400, "InvalidArgument");
        problem(create(d, Map.of("paths", "/not-a-list")), 400, "InvalidRequest");
        problem(create(d, Map.of("paths", List.of("/"), "other", 1)), 400, "InvalidRequest");
        problem(create(d, "not json"), 400, "InvalidRequest");
        List<String> tooMany = IntStream.range(0, 3_001).mapToObj(i -> "/f" + i).toList();
        problem(create(d, Map.of("paths", tooMany)), 400, "InvalidArgument");
        assertThat(purger.callsFor(d)).isEmpty();
    }

    @Test
    void unknownDistributionsAndInvalidationsAre404WithCloudFrontsNames() {
        String missing = UUID.randomUUID().toString();
        problem(create(missing, Map.of("paths", List.of("/"))), 404, "NoSuchDistribution");
        problem(create("not-an-id", Map.of("paths", List.of("/"))), 404, "NoSuchDistribution");
        problem(api.get(invalidations(missing)), 404, "NoSuchDistribution");
        problem(api.get(invalidations(missing) + "/" + UUID.randomUUID()), 404, "NoSuchDistribution");
        String d = distribution();
        problem(api.get(invalidations(d) + "/" + UUID.randomUUID()), 404, "NoSuchInvalidation");
        problem(api.get(invalidations(d) + "/nonsense"), 404, "NoSuchInvalidation");
        // an invalidation is found only under its own distribution
        String id = create(d, Map.of("paths", List.of("/"))).json().get("id").asText();
        problem(api.get(invalidations(distribution()) + "/" + id), 404, "NoSuchInvalidation");
        problem(api.get(invalidations(d) + "/" + id + "?waitSeconds=21"), 400, "InvalidRequest");
        problem(api.get(invalidations(d) + "/" + id + "?waitSeconds=-1"), 400, "InvalidRequest");
    }

    @Test
    void fifteenWildcardPathsMayBeInProgressAndNoMore() {
        String d = distribution();
        purger.hold(); // this node's cache is slow: everything stays InProgress
        List<String> fourteen = IntStream.range(0, 14).mapToObj(i -> "/w" + i + "/*").toList();
        assertThat(create(d, Map.of("paths", fourteen)).status()).isEqualTo(201);
        List<String> mixed = new ArrayList<>(List.of("/w14/*"));
        IntStream.range(0, 2_999).forEach(i -> mixed.add("/f" + i));
        assertThat(create(d, Map.of("paths", mixed)).status()).isEqualTo(201);

        TestApi.Response wildcard = create(d, Map.of("paths", List.of("/one-more/*")));
        problem(wildcard, 400, "TooManyInvalidationsInProgress");
        assertThat(wildcard.json().get("detail").asText()).contains("15 wildcard paths");
        problem(create(d, Map.of("paths", List.of("/f-a", "/f-b"))), 400, "TooManyInvalidationsInProgress");
        assertThat(create(d, Map.of("paths", List.of("/f-a"))).status()).as("the 3,000th file path").isEqualTo(201);
        // another distribution has its own limits
        assertThat(create(distribution(), Map.of("paths", List.of("/x/*"))).status()).isEqualTo(201);

        JsonNode held = api.get(invalidations(d)).json().get("items").get(0);
        assertThat(held.get("status").asText()).isEqualTo("InProgress");
        assertThat(held.get("waitingFor")).as("this node has not purged it").hasSize(1);

        purger.release();
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get(invalidations(d)).json().get("items").findValues("status").stream()
                        .allMatch(s -> s.asText().equals("Completed")));
        assertThat(create(d, Map.of("paths", List.of("/one-more/*"))).status()).isEqualTo(201);
    }

    @Test
    void listsAreNewestFirstAndPaged() {
        String d = distribution();
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(create(d, Map.of("paths", List.of("/p" + i))).json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get(invalidations(d) + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(i -> seen.add(i.get("id").asText()));
            cursor = page.has("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(pages).isEqualTo(3);
        List<String> newestFirst = new ArrayList<>(ids);
        java.util.Collections.reverse(newestFirst);
        assertThat(seen).containsExactlyElementsOf(newestFirst);
        assertThat(api.get(invalidations(distribution())).json().get("items")).isEmpty();
        problem(api.get(invalidations(d) + "?limit=0"), 400, "InvalidRequest");
        problem(api.get(invalidations(d) + "?cursor=bogus"), 400, "InvalidRequest");
    }

    @Test
    void deletingTheDistributionDeletesItsInvalidations() {
        String d = distribution();
        create(d, Map.of("paths", List.of("/")));
        assertThat(api.delete("/api/v1/distributions/" + d).status()).isEqualTo(204);
        problem(api.get(invalidations(d)), 404, "NoSuchDistribution");
    }
}
