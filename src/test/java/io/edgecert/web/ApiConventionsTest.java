package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One page shape and one paging helper for every list of the API: limit 1-1000 (default 100,
 * anything else a 400 problem naming limit), an opaque cursor (a foreign one is a 400 naming
 * cursor), and a walk with a small limit that meets every item exactly once, in the list's
 * documented order.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiConventionsTest {
    private static final int BIG_JOB = 101;

    TestNode node;
    TestApi api;
    String bigJob;
    String distribution;
    String subscription;

    /** A list: its path, the field that identifies an item, and the order the document promises. */
    record Listing(String path, String idField, Comparator<JsonNode> order) {
    }

    List<Listing> listings;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2);
        api = node.api();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "paging.example.com");
        List<Map<String, Object>> items = IntStream.range(0, BIG_JOB).mapToObj(i -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", "paged-" + i);
            m.put("certificate", h.leaf().certificatePem());
            m.put("privateKey", h.leaf().keyPem());
            m.put("certificateChain", h.chainPem());
            return m;
        }).toList();
        bigJob = accepted(api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items)));
        List<String> jobs = new ArrayList<>(List.of(bigJob));
        for (int i = 0; i < 2; i++) {
            jobs.add(accepted(api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items.subList(0, 1)))));
        }
        // finished before anyone subscribes, so that no delivery appears during a walk
        await().atMost(Duration.ofSeconds(60)).until(() -> jobs.stream().allMatch(j ->
                api.get("/api/v1/jobs/" + j).json().get("status").asText().equals("SUCCEEDED")));
        for (int i = 0; i < 3; i++) {
            TestApi.Response d = api.post("/api/v1/distributions", Map.of("aliases", List.of(),
                    "origins", List.of(Map.of("id", "o", "url", "https://app.saas.example/")), "comment", "d" + i));
            assertThat(d.status()).as(d.body()).isEqualTo(201);
            distribution = d.json().get("id").asText();
        }
        for (int v = 1; v <= 3; v++) {
            TestApi.Response u = api.put("/api/v1/distributions/" + distribution, Map.of("comment", "v" + (v + 1)), "\"" + v + "\"");
            assertThat(u.status()).as(u.body()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            TestApi.Response s = api.post("/api/v1/subscriptions", Map.of("protocol", "https",
                    "endpoint", "https://hooks.example.com/" + i));
            assertThat(s.status()).as(s.body()).isEqualTo(201);
            subscription = s.json().get("id").asText();
        }
        for (int i = 0; i < 3; i++) {
            assertThat(api.post("/api/v1/subscriptions/" + subscription + "/test", Map.of()).status()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            TestApi.Response inv = api.post("/api/v1/distributions/" + distribution + "/invalidations",
                    Map.of("paths", List.of("/paged-" + i), "callerReference", "paged-" + i));
            assertThat(inv.status()).as(inv.body()).isEqualTo(201);
        }
        for (String kind : List.of("cache", "origin-request", "response-headers")) {
            for (int i = 0; i < 3; i++) {
                TestApi.Response p = api.post("/api/v1/" + kind + "-policies", Map.of("name", "paged-" + i));
                assertThat(p.status()).as(p.body()).isEqualTo(201);
            }
        }
        Comparator<JsonNode> byId = Comparator.comparing(n -> n.get("id").asText());
        Comparator<JsonNode> newestFirst = byId.reversed(); // ids grow with time
        listings = List.of(
                new Listing("/api/v1/certificates", "id", byId),
                new Listing("/api/v1/distributions", "id", byId),
                new Listing("/api/v1/distributions/" + distribution + "/versions", "version",
                        Comparator.comparingInt(n -> n.get("version").asInt())),
                new Listing("/api/v1/jobs", "id", newestFirst),
                new Listing("/api/v1/jobs/" + bigJob + "/items", "index", Comparator.comparingInt(n -> n.get("index").asInt())),
                new Listing("/api/v1/subscriptions", "id", byId),
                new Listing("/api/v1/subscriptions/" + subscription + "/deliveries", "id", newestFirst),
                new Listing("/api/v1/cache-policies", "id", managedThenCustom(ManagedPolicies.CACHE.stream()
                        .map(io.edgecert.serving.CachePolicy::id).toList())),
                new Listing("/api/v1/origin-request-policies", "id", managedThenCustom(ManagedPolicies.ORIGIN_REQUEST.stream()
                        .map(io.edgecert.serving.OriginRequestPolicy::id).toList())),
                new Listing("/api/v1/response-headers-policies", "id", managedThenCustom(ManagedPolicies.RESPONSE_HEADERS
                        .stream().map(io.edgecert.serving.ResponseHeadersPolicy::id).toList())));
    }

    /** Policy lists: the managed ones in CloudFront's order, then the custom ones oldest first. */
    private static Comparator<JsonNode> managedThenCustom(List<String> managedIds) {
        Comparator<JsonNode> managedFirst = Comparator.comparing(n -> n.get("type").asText().equals("managed") ? 0 : 1);
        return managedFirst.thenComparing(n -> n.get("type").asText().equals("managed")
                ? String.format("%04d", managedIds.indexOf(n.get("id").asText())) : n.get("id").asText());
    }

    @AfterAll
    void stop() {
        node.close();
    }

    private static String accepted(TestApi.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        return r.json().get("jobId").asText();
    }

    @Test
    void everyListIsOneOfTheDocumentedLists() {
        JsonNode paths = api.get("/api/v1/openapi.json").json().get("paths");
        Set<String> paged = new HashSet<>();
        paths.properties().forEach(p -> {
            JsonNode get = p.getValue().get("get");
            if (get != null && get.has("parameters")) {
                get.get("parameters").forEach(param -> {
                    if (param.get("name").asText().equals("cursor")) {
                        paged.add(p.getKey());
                    }
                });
            }
        });
        assertThat(paged).containsExactlyInAnyOrder("/api/v1/certificates", "/api/v1/distributions",
                "/api/v1/distributions/{id}/versions", "/api/v1/distributions/{id}/invalidations", "/api/v1/jobs", "/api/v1/jobs/{id}/items",
                "/api/v1/subscriptions", "/api/v1/subscriptions/{id}/deliveries", "/api/v1/cache-policies",
                "/api/v1/origin-request-policies", "/api/v1/response-headers-policies");
        assertThat(paged).hasSameSizeAs(listings);
    }

    @Test
    void limitOutsideOneToAThousandIsA400ProblemNamingLimit() {
        for (Listing l : listings) {
            for (String bad : List.of("0", "1001", "-1", "ten")) {
                TestApi.Response r = api.get(l.path() + "?limit=" + bad);
                assertThat(r.status()).as(l.path() + " limit=" + bad).isEqualTo(400);
                assertThat(r.header("Content-Type")).startsWith("application/problem+json");
                assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("limit");
            }
            assertThat(api.get(l.path() + "?limit=1").status()).isEqualTo(200);
            assertThat(api.get(l.path() + "?limit=1000").status()).isEqualTo(200);
        }
    }

    @Test
    void aCursorNotHandedOutIsA400ProblemNamingCursor() {
        for (Listing l : listings) {
            for (String bad : List.of("abc", "zzzz", distribution)) {
                TestApi.Response r = api.get(l.path() + "?cursor=" + bad);
                assertThat(r.status()).as(l.path() + " cursor=" + bad).isEqualTo(400);
                assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("cursor");
            }
        }
    }

    @Test
    void aWalkMeetsEveryItemOnceInTheDocumentedOrder() {
        for (Listing l : listings) {
            JsonNode whole = api.get(l.path() + "?limit=1000").json();
            assertThat(whole.has("nextCursor")).as(l.path()).isFalse();
            List<JsonNode> all = new ArrayList<>();
            whole.get("items").forEach(all::add);
            assertThat(all).as(l.path()).hasSizeGreaterThanOrEqualTo(3).isSortedAccordingTo(l.order());

            List<String> walked = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                JsonNode page = api.get(l.path() + "?limit=2" + (cursor == null ? "" : "&cursor=" + cursor)).json();
                assertThat(page.get("items").size()).isBetween(1, 2);
                page.get("items").forEach(i -> walked.add(i.get(l.idField()).asText()));
                cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
                pages++;
            } while (cursor != null && pages < 1000);
            assertThat(walked).as(l.path()).doesNotHaveDuplicates()
                    .containsExactlyElementsOf(all.stream().map(i -> i.get(l.idField()).asText()).toList());
        }
    }

    @Test
    void theDefaultPageIsAHundred() {
        for (String path : List.of("/api/v1/jobs/" + bigJob + "/items", "/api/v1/certificates")) {
            JsonNode page = api.get(path).json();
            assertThat(page.get("items")).as(path).hasSize(100);
            assertThat(page.get("nextCursor").asText()).isNotBlank();
        }
    }

    /** An error on the event stream is the same problem+json body a response would carry. */
    @Test
    void errorsOnTheEventStreamAreProblems() {
        TestApi.Response r = api.send(api.request("/api/v1/jobs/0NoSuchJob0/events").header("Accept", "text/event-stream")
                .GET(), TestNode.TOKEN);
        assertThat(r.status()).isEqualTo(200);
        List<String> lines = r.body().lines().toList();
        assertThat(lines).contains("event: error");
        String data = lines.get(lines.indexOf("event: error") + 1);
        assertThat(data).startsWith("data:");
        JsonNode problem = io.edgecert.json.Json.read(data.substring(5).strip(), JsonNode.class);
        assertThat(problem.get("type").asText()).isEqualTo("urn:edgecert:problem:NotFound");
        assertThat(problem.get("status").asInt()).isEqualTo(404);
        assertThat(problem.get("code").asText()).isEqualTo("NotFound");
        assertThat(problem.get("title").asText()).isEqualTo("Not found");
        assertThat(problem.get("detail").asText()).contains("0NoSuchJob0");
    }
}
