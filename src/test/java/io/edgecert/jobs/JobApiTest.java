package io.edgecert.jobs;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Import jobs over real HTTP against a real node (H2): the workflow, up-front validation, cleanup, live events. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JobApiTest {
    TestNode node;
    TestApi api;
    String template;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2);
        api = node.api();
        TestApi.Response t = api.post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://app.saas.example/")),
                "minimumProtocolVersion", "TLSv1.2_2019", "comment", "template"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        template = t.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    static String zone() {
        return "j" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    static Map<String, Object> item(TestPki.Hierarchy h, String name) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("certificate", h.leaf().certificatePem());
        m.put("privateKey", h.leaf().keyPem());
        m.put("certificateChain", h.chainPem());
        return m;
    }

    /** Waits for this very status: FAILED comes before CLEANED_UP under rollback, so "finished" is not enough. */
    JsonNode awaitStatus(String jobId, String status) {
        await().atMost(Duration.ofSeconds(60)).alias("job " + jobId + " reaches " + status)
                .until(() -> api.get("/api/v1/jobs/" + jobId).json().get("status").asText().equals(status));
        return api.get("/api/v1/jobs/" + jobId).json();
    }

    /** The distributions that carry this alias (none once the job that made them is cleaned up). */
    JsonNode distributionsWithAlias(String alias) {
        return api.get("/api/v1/distributions?alias=" + alias).json().get("items");
    }

    JsonNode awaitFinished(String jobId) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String s = api.get("/api/v1/jobs/" + jobId).json().get("status").asText();
            return s.equals("SUCCEEDED") || s.equals("FAILED") || s.equals("CLEANED_UP");
        });
        return api.get("/api/v1/jobs/" + jobId).json();
    }

    @Test
    void aJobImportsCertificatesAndCreatesDeployedDistributionsFromATemplate() {
        String a = zone();
        String b = zone();
        List<Map<String, Object>> items = List.of(
                item(TestPki.hierarchy(TestPki.ec("secp256r1"), a, "*." + a), "customer a"),
                item(TestPki.hierarchy(TestPki.rsa(2048), "www." + b), "customer b"));
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "distributionTemplate", Map.of("distributionId", template, "version", 1),
                "tags", List.of(Map.of("key", "batch", "value", "nov"))));
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.body()).doesNotContain("PRIVATE KEY");
        String jobId = r.json().get("jobId").asText();

        JsonNode job = awaitFinished(jobId);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        assertThat(job.get("steps")).extracting(s -> s.get("name").asText() + ":" + s.get("status").asText() + ":"
                + s.get("succeeded").asInt() + "/" + s.get("total").asInt())
                .containsExactly("IMPORT_CERTIFICATES:SUCCEEDED:2/2", "CREATE_DISTRIBUTIONS:SUCCEEDED:2/2");
        JsonNode first = job.get("items").get(0);
        assertThat(first.get("keySummary").asText()).isEqualTo("EC prime256v1, " + ((String) items.get(0).get("privateKey")).length() + " bytes");
        assertThat(first.get("aliases")).extracting(JsonNode::asText).containsExactly(a, "*." + a);
        String domain = first.get("distributionDomainName").asText();
        assertThat(first.get("dnsRecords")).extracting(d -> d.get("name").asText() + " " + d.get("type").asText() + " "
                + d.get("value").asText()).containsExactly(a + " CNAME " + domain, "*." + a + " CNAME " + domain);
        assertThat(DnsRecord.forAlias("example.com", domain).note()).hasValueSatisfying(n -> assertThat(n).contains("apex"));
        assertThat(DnsRecord.forAlias("www.example.com", domain).note()).isEmpty();

        JsonNode distribution = api.get("/api/v1/distributions/" + first.get("distributionId").asText()).json();
        assertThat(distribution.get("status").asText()).isEqualTo("Deployed");
        assertThat(distribution.get("config").get("minimumProtocolVersion").asText()).isEqualTo("TLSv1.2_2019");
        assertThat(distribution.get("config").get("origins").get(0).get("url").asText()).isEqualTo("https://app.saas.example/");
        assertThat(distribution.get("config").get("tags").get(0).get("key").asText()).isEqualTo("batch");
        JsonNode certificate = api.get("/api/v1/certificates/" + first.get("certificateId").asText()).json();
        assertThat(certificate.get("name").asText()).isEqualTo("customer a");
        assertThat(certificate.get("tags").get(0).get("value").asText()).isEqualTo("nov");
        assertThat(api.get("/api/v1/jobs/" + jobId).body()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void badItemsAreAllReportedAndNothingIsCreated() {
        long before = node.node().certificates().count();
        TestPki.Hierarchy good = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
        TestPki.Hierarchy mismatched = TestPki.hierarchy(TestPki.freshEc("secp256r1"), zone());
        Map<String, Object> bad = item(mismatched, "bad key");
        bad.put("privateKey", TestPki.pkcs8(TestPki.freshEc("secp256r1").getPrivate()));
        Map<String, Object> missing = item(good, "no chain");
        missing.remove("certificateChain");
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                List.of(item(good, "good"), bad, missing), "origin", "https://origin.example/"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        JsonNode errors = r.json().get("errors");
        assertThat(errors).extracting(e -> e.get("index").asInt() + " " + e.get("field").asText() + " " + e.get("code").asText())
                .containsExactly("1 certificates[1].privateKey KeyMismatch", "2 certificates[2].certificateChain InvalidChain");
        assertThat(r.body()).doesNotContain(TestPki.pkcs8(TestPki.ec("secp256r1").getPrivate()).substring(40, 80));
        assertThat(node.node().certificates().count()).isEqualTo(before);
        assertThat(api.get("/api/v1/jobs?limit=1000").json().get("items")).noneMatch(j -> j.get("status").asText().equals("PENDING"));
    }

    @Test
    void itemNamesFollowTheSingleImportRule() {
        long before = node.node().certificates().count();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", List.of(
                item(h, "fine"), item(h, "x".repeat(257)), item(h, "bell\u0007name"), item(h, "x".repeat(256)))));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors")).extracting(e -> e.get("index").asInt() + " " + e.get("field").asText() + " "
                + e.get("code").asText()).containsExactly("1 certificates[1].name InvalidRequest", "2 certificates[2].name InvalidRequest");
        assertThat(r.json().get("errors").get(0).get("message").asText()).contains("1-256 characters");
        assertThat(node.node().certificates().count()).isEqualTo(before);
    }

    @Test
    void distributionRulesOnThePlannedAliasesAreCheckedUpFront() {
        long before = node.node().certificates().count();
        String z = zone();
        String[] many = new String[101];
        for (int i = 0; i < many.length; i++) {
            many[i] = "n" + i + "." + z;
        }
        TestPki.Hierarchy tooMany = TestPki.hierarchy(TestPki.ec("secp256r1"), many);
        TestPki.Issued ipOnly = TestPki.cert().subject("CN=ip only").ip("192.0.2.10").key(TestPki.ec("secp256r1")).build();
        TestPki.Hierarchy badLabel = TestPki.hierarchy(TestPki.ec("secp256r1"), "under_score." + zone());
        Map<String, Object> ip = new LinkedHashMap<>();
        ip.put("name", "ip only");
        ip.put("certificate", ipOnly.certificatePem());
        ip.put("privateKey", ipOnly.keyPem());
        List<Map<String, Object>> items = List.of(item(TestPki.hierarchy(TestPki.ec("secp256r1"), zone()), "fine"),
                item(tooMany, "101 names"), ip, item(badLabel, "bad label"));
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "origin", "https://origin.example/"));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("errors")).extracting(e -> e.get("index").asInt() + " " + e.get("field").asText() + " "
                + e.get("code").asText()).containsExactly("1 certificates[1].certificate TooManyAliases",
                "2 certificates[2].certificate InvalidAlias", "3 certificates[3].certificate InvalidAlias");
        assertThat(r.json().get("errors").get(1).get("message").asText()).contains("only IP addresses");
        assertThat(r.json().get("errors").get(2).get("message").asText()).contains("under_score");
        assertThat(node.node().certificates().count()).isEqualTo(before);
        // The same certificates without distributions are fine: the alias rules are distribution rules.
        TestApi.Response plain = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items));
        assertThat(plain.status()).as(plain.body()).isEqualTo(202);
        assertThat(awaitFinished(plain.json().get("jobId").asText()).get("status").asText()).isEqualTo("SUCCEEDED");
    }

    @Test
    void aJobThatWouldPassTheCertificateQuotaIsRefusedUpFront() {
        try (TestNode small = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_MAX_CERTIFICATES", "3"))) {
            TestPki.Hierarchy existing = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
            assertThat(small.api().post("/api/v1/certificates", Map.of("certificate", existing.leaf().certificatePem(),
                    "privateKey", existing.leaf().keyPem(), "certificateChain", existing.chainPem())).status()).isEqualTo(201);
            List<Map<String, Object>> three = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                three.add(item(TestPki.hierarchy(TestPki.ec("secp256r1"), zone()), "quota " + i));
            }
            TestApi.Response refused = small.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", three));
            assertThat(refused.status()).as(refused.body()).isEqualTo(409);
            assertThat(refused.json().get("code").asText()).isEqualTo("LimitExceeded");
            assertThat(refused.json().get("detail").asText()).contains("EDGECERT_MAX_CERTIFICATES");
            assertThat(small.node().certificates().count()).isEqualTo(1);
            assertThat(small.api().get("/api/v1/jobs").json().get("items")).isEmpty();

            TestApi.Response fits = small.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", three.subList(0, 2)));
            assertThat(fits.status()).as(fits.body()).isEqualTo(202);
        }
    }

    @Test
    void aliasConflictsAreFoundBeforeAnythingRuns() {
        String z = zone();
        TestPki.Hierarchy one = TestPki.hierarchy(TestPki.ec("secp256r1"), z);
        TestPki.Hierarchy two = TestPki.hierarchy(TestPki.ec("secp256r1"), z);
        TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                List.of(item(one, "one"), item(two, "two")), "origin", "https://origin.example/"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("errors").get(0).get("code").asText()).isEqualTo("CnameAlreadyExists");
        // Without distributions, the same names twice are fine (rule A13).
        TestApi.Response ok = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                List.of(item(one, "one"), item(two, "two"))));
        assertThat(ok.status()).isEqualTo(202);
        JsonNode job = awaitFinished(ok.json().get("jobId").asText());
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("steps").get(1).get("status").asText()).isEqualTo("SKIPPED");
    }

    @Test
    void aFailedItemFailsTheJobAndCleanupRemovesWhatWasCreated() {
        String fineZone = zone();
        String lateZone = zone();
        String thirdZone = zone();
        TestPki.Hierarchy late = TestPki.hierarchy(TestPki.ec("secp256r1"), lateZone);
        String blockerCert = api.post("/api/v1/certificates", Map.of("certificate", late.leaf().certificatePem(),
                "privateKey", late.leaf().keyPem(), "certificateChain", late.chainPem())).json().get("id").asText();
        String jobId;
        String blocker;
        // Submitted while the alias is free, so it passes the up-front check; taken before the job runs.
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", List.of(
                    item(TestPki.hierarchy(TestPki.ec("secp256r1"), fineZone), "fine"), item(late, "late"),
                    item(TestPki.hierarchy(TestPki.ec("secp256r1"), thirdZone), "third")), "origin", "https://origin.example/"));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            jobId = r.json().get("jobId").asText();
            held.assertPending(jobId);
            TestApi.Response taken = api.post("/api/v1/distributions", Map.of("aliases", List.of(lateZone),
                    "certificateId", blockerCert, "origins", List.of(Map.of("id", "o", "url", "https://o.example/"))));
            assertThat(taken.status()).as(taken.body()).isEqualTo(201);
            blocker = taken.json().get("id").asText();
        }

        JsonNode job = awaitFinished(jobId);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("FAILED");
        JsonNode failedItem = job.get("items").get(1);
        assertThat(failedItem.get("status").asText()).isEqualTo("FAILED");
        assertThat(failedItem.get("error").get("code").asText()).isEqualTo("CnameAlreadyExists");
        assertThat(failedItem.get("error").get("step").asText()).isEqualTo("CREATE_DISTRIBUTIONS");
        assertThat(job.get("steps")).extracting(st -> st.get("status").asText() + " " + st.get("succeeded").asInt()
                + "/" + st.get("total").asInt() + " failed " + st.get("failed").asInt())
                .containsExactly("SUCCEEDED 3/3 failed 0", "FAILED 2/3 failed 1");
        List<String> certificates = new ArrayList<>();
        job.get("items").forEach(i -> certificates.add(i.get("certificateId").asText()));
        assertThat(certificates).hasSize(3).allSatisfy(id -> assertThat(api.get("/api/v1/certificates/" + id).status()).isEqualTo(200));
        assertThat(distributionsWithAlias(fineZone)).hasSize(1);
        assertThat(distributionsWithAlias(thirdZone)).hasSize(1);

        TestApi.Response cleaned = api.post("/api/v1/jobs/" + jobId + "/cleanup", Map.of());
        assertThat(cleaned.status()).as(cleaned.body()).isEqualTo(200);
        assertThat(cleaned.json().get("status").asText()).isEqualTo("CLEANED_UP");
        assertThat(certificates).allSatisfy(id -> assertThat(api.get("/api/v1/certificates/" + id).status()).isEqualTo(404));
        assertThat(distributionsWithAlias(fineZone)).isEmpty();
        assertThat(distributionsWithAlias(thirdZone)).isEmpty();
        // What the job did not make stays.
        assertThat(api.get("/api/v1/distributions/" + blocker).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/certificates/" + blockerCert).status()).isEqualTo(200);
        TestApi.Response again = api.post("/api/v1/jobs/" + jobId + "/cleanup", Map.of());
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("status").asText()).isEqualTo("CLEANED_UP");
    }

    @Test
    void twoConcurrentCleanupsBothSucceed() throws Exception {
        List<Map<String, Object>> items = new ArrayList<>();
        List<String> zones = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            zones.add(zone());
            items.add(item(TestPki.hierarchy(TestPki.ec("secp256r1"), zones.get(i)), "twice " + i));
        }
        String jobId = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                "origin", "https://origin.example/")).json().get("jobId").asText();
        JsonNode job = awaitFinished(jobId);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("SUCCEEDED");
        List<String> certificates = new ArrayList<>();
        job.get("items").forEach(i -> certificates.add(i.get("certificateId").asText()));

        CountDownLatch go = new CountDownLatch(1);
        ExecutorService two = Executors.newFixedThreadPool(2);
        try {
            List<Future<TestApi.Response>> calls = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                calls.add(two.submit(() -> {
                    go.await();
                    return api.post("/api/v1/jobs/" + jobId + "/cleanup", Map.of());
                }));
            }
            go.countDown();
            for (Future<TestApi.Response> call : calls) {
                TestApi.Response r = call.get(60, TimeUnit.SECONDS);
                assertThat(r.status()).as(r.body()).isEqualTo(200);
                assertThat(r.json().get("status").asText()).isEqualTo("CLEANED_UP");
            }
        } finally {
            two.shutdownNow();
        }
        assertThat(certificates).hasSize(8)
                .allSatisfy(id -> assertThat(api.get("/api/v1/certificates/" + id).status()).isEqualTo(404));
        assertThat(zones).allSatisfy(z -> assertThat(distributionsWithAlias(z)).isEmpty());
        assertThat(api.get("/api/v1/jobs/" + jobId).json().get("items"))
                .allSatisfy(i -> assertThat(i.get("status").asText()).isEqualTo("CLEANED_UP"));
    }

    @Test
    void rollbackOnFailureCleansUpByItself() {
        String z = zone();
        TestPki.Hierarchy first = TestPki.hierarchy(TestPki.ec("secp256r1"), z);
        TestPki.Hierarchy second = TestPki.hierarchy(TestPki.ec("secp256r1"), "b." + z);
        String cert = api.post("/api/v1/certificates", Map.of("certificate", second.leaf().certificatePem(),
                "privateKey", second.leaf().keyPem(), "certificateChain", second.chainPem())).json().get("id").asText();
        String jobId;
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            jobId = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                    List.of(item(first, "first"), item(second, "second")), "origin", "https://origin.example/",
                    "rollbackOnFailure", true)).json().get("jobId").asText();
            held.assertPending(jobId);
            // The job's second distribution becomes impossible before it runs: its alias is taken.
            TestApi.Response blocker = api.post("/api/v1/distributions", Map.of("aliases", List.of("b." + z),
                    "certificateId", cert, "origins", List.of(Map.of("id", "o", "url", "https://o.example/"))));
            assertThat(blocker.status()).as(blocker.body()).isEqualTo(201);
        }
        JsonNode job = awaitStatus(jobId, "CLEANED_UP");
        assertThat(job.get("error").asText()).contains("distribution");
        assertThat(job.get("items").get(1).get("error").get("code").asText()).isEqualTo("CnameAlreadyExists");
        assertThat(job.get("items")).hasSize(2).allSatisfy(i -> {
            assertThat(i.get("certificateId").asText()).isNotEmpty();
            assertThat(api.get("/api/v1/certificates/" + i.get("certificateId").asText()).status()).isEqualTo(404);
        });
        assertThat(distributionsWithAlias(z)).isEmpty();
        assertThat(distributionsWithAlias("b." + z)).hasSize(1); // the blocker, not the job's
    }

    record Sse(String event, String data) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(data);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        /** Items done over both steps: grows as the job moves. */
        int done() {
            int n = 0;
            for (JsonNode step : json().get("steps")) {
                n += step.get("succeeded").asInt();
            }
            return n;
        }
    }

    @Test
    void progressIsStreamedAsServerSentEvents() throws Exception {
        List<Map<String, Object>> items = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            items.add(item(TestPki.hierarchy(TestPki.ec("secp256r1"), zone()), "sse " + i));
        }
        List<Sse> events = new CopyOnWriteArrayList<>();
        ExecutorService reader = Executors.newSingleThreadExecutor();
        String jobId;
        Future<?> read;
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            // Held, the job is watched from before its start; then it runs up to the edge's deploy and waits there.
            jobId = api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                    "origin", "https://origin.example/")).json().get("jobId").asText();
            held.assertPending(jobId);
            HttpResponse<java.io.InputStream> stream = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.apiPort() + "/api/v1/jobs/" + jobId + "/events"))
                    .header("Authorization", "Bearer " + TestNode.TOKEN).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertThat(stream.statusCode()).isEqualTo(200);
            assertThat(stream.headers().firstValue("content-type")).hasValueSatisfying(v -> assertThat(v).contains("text/event-stream"));
            read = reader.submit(() -> readEvents(stream.body(), events));
            await().atMost(Duration.ofSeconds(30)).until(() -> events.stream().anyMatch(e -> e.event().equals("progress")));
            held.runQueuedJobsButHoldDeployment();
            await().atMost(Duration.ofSeconds(60)).until(() -> events.stream()
                    .anyMatch(e -> e.event().equals("progress") && e.done() == 60));
        }
        read.get(60, TimeUnit.SECONDS);
        reader.shutdownNow();

        assertThat(events).last().extracting(Sse::event).isEqualTo("finished");
        List<Sse> progress = events.subList(0, events.size() - 1);
        assertThat(progress).hasSizeGreaterThanOrEqualTo(2).allSatisfy(e -> assertThat(e.event()).isEqualTo("progress"));
        assertThat(progress.get(0).json().get("status").asText()).isEqualTo("PENDING");
        assertThat(progress.get(0).done()).isZero();
        List<Integer> counters = progress.stream().map(Sse::done).toList();
        assertThat(counters).isSorted().last().isEqualTo(60);
        JsonNode job = events.get(events.size() - 1).json();
        assertThat(job.get("status").asText()).isEqualTo("SUCCEEDED");
        assertThat(job.get("items")).hasSize(30);
        assertThat(api.send(api.request("/api/v1/jobs/" + jobId + "/events").GET(), null).status()).isEqualTo(401);
        assertThat(api.get("/api/v1/jobs/" + jobId + "/events").status()).isEqualTo(406);
    }

    private static Void readEvents(java.io.InputStream body, List<Sse> into) throws java.io.IOException {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String event = null;
            for (String line; (line = in.readLine()) != null; ) {
                if (line.startsWith("event:")) {
                    event = line.substring(6).strip();
                } else if (line.startsWith("data:") && event != null) {
                    into.add(new Sse(event, line.substring(5).strip()));
                    event = null;
                }
            }
        }
        return null;
    }

    @Test
    void aTemplateDeletedUnderAQueuedJobFailsItsDistributionStepAndKeepsTheCertificates() {
        TestApi.Response t = api.post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://doomed.saas.example/")), "comment", "doomed template"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        String doomed = t.json().get("id").asText();
        String z = zone();
        String jobId;
        // Checked against the template when submitted; the workflow reads it again at its distribution step.
        try (HeldJobRunner held = HeldJobRunner.hold(node)) {
            TestApi.Response r = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                    List.of(item(TestPki.hierarchy(TestPki.ec("secp256r1"), z), "orphan")),
                    "distributionTemplate", Map.of("distributionId", doomed, "version", 1)));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            jobId = r.json().get("jobId").asText();
            held.assertPending(jobId);
            TestApi.Response deleted = api.delete("/api/v1/distributions/" + doomed);
            assertThat(deleted.status()).as(deleted.body()).isEqualTo(204);
        }

        JsonNode job = awaitFinished(jobId);
        assertThat(job.get("status").asText()).as(job.toString()).isEqualTo("FAILED");
        assertThat(job.get("error").asText()).startsWith("the distribution template is gone");
        assertThat(job.get("steps")).extracting(st -> st.get("name").asText() + ":" + st.get("status").asText())
                .containsExactly("IMPORT_CERTIFICATES:SUCCEEDED", "CREATE_DISTRIBUTIONS:FAILED");
        JsonNode item = job.get("items").get(0);
        assertThat(item.get("status").asText()).isEqualTo("IMPORTED");
        assertThat(api.get("/api/v1/certificates/" + item.get("certificateId").asText()).status()).isEqualTo(200);
        assertThat(distributionsWithAlias(z)).isEmpty();
    }

    @Test
    void aPageOfTheJobListCarriesEachJobsOwnStepsAndCounters() {
        List<String> ids = new ArrayList<>();
        for (int n = 1; n <= 3; n++) {
            List<Map<String, Object>> items = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                items.add(item(TestPki.hierarchy(TestPki.ec("secp256r1"), zone()), "page " + n + "." + i));
            }
            ids.add(api.post("/api/v1/jobs/import-certificates", Map.of("certificates", items)).json().get("jobId").asText());
        }
        ids.forEach(this::awaitFinished);
        JsonNode page = api.get("/api/v1/jobs?limit=3").json().get("items");
        assertThat(page).extracting(j -> j.get("id").asText()).containsExactly(ids.get(2), ids.get(1), ids.get(0));
        for (JsonNode listed : page) {
            JsonNode one = api.get("/api/v1/jobs/" + listed.get("id").asText() + "?itemLimit=0").json();
            assertThat(listed.get("steps")).isEqualTo(one.get("steps"));
            assertThat(listed.get("itemCount")).isEqualTo(one.get("itemCount"));
        }
        assertThat(page.get(0).get("steps").get(0).get("succeeded").asInt()).isEqualTo(3);
        assertThat(page.get(2).get("steps").get(0).get("succeeded").asInt()).isEqualTo(1);
    }

    @Test
    void jobsAreListedNewestFirstWithFilters() {
        String z = zone();
        String id = api.post("/api/v1/jobs/import-certificates", Map.of("certificates",
                List.of(item(TestPki.hierarchy(TestPki.ec("secp256r1"), z), "listed")))).json().get("jobId").asText();
        awaitFinished(id);
        JsonNode page = api.get("/api/v1/jobs?status=SUCCEEDED&limit=1").json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("id").asText()).isEqualTo(id);
        assertThat(page.hasNonNull("nextCursor")).isTrue();
        assertThat(api.get("/api/v1/jobs?createdAfter=2999-01-01T00:00:00Z").json().get("items")).isEmpty();
        assertThat(api.get("/api/v1/jobs?status=nope").status()).isEqualTo(400);
        assertThat(api.get("/api/v1/jobs/0190a0b0-0000-7000-8000-000000000000").status()).isEqualTo(404);
    }
}
