package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.testing.Deployments;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The distribution REST API (import-rules part C) over real HTTP against a real node, once per
 * store ({@link DistributionApiH2Test}, {@link DistributionApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DistributionApiContract {
    TestNode node;
    TestApi api;

    abstract TestNode.Store store();

    @BeforeAll
    void startNode() {
        node = TestNode.start(store());
        api = node.api();
    }

    @AfterAll
    void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    static String zone() {
        return "d" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    String certificateFor(String... names) {
        return Deployments.certificateFor(api, names);
    }

    static Map<String, Object> distribution(String certificateId, String... aliases) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aliases", List.of(aliases));
        m.put("origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/")));
        if (certificateId != null) {
            m.put("certificateId", certificateId);
        }
        return m;
    }

    JsonNode created(Map<String, Object> body) {
        TestApi.Response r = api.post("/api/v1/distributions", body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    void refused(TestApi.Response r, int status, String code) {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.json().get("code").asText()).as(r.body()).isEqualTo(code);
    }

    @Test
    void createsAVersionedDistributionThatTheEdgeDeploys() {
        String z = zone();
        String cert = certificateFor(z, "*." + z);
        JsonNode d = created(distribution(cert, z, "www." + z, "*." + z));
        String id = d.get("id").asText();
        assertThat(d.get("domainName").asText()).isEqualTo(id + ".edge.test");
        assertThat(d.get("version").asInt()).isEqualTo(1);
        assertThat(d.get("config").get("minimumProtocolVersion").asText()).isEqualTo("TLSv1.2_2021");
        assertThat(d.get("config").get("defaultOriginId").asText()).isEqualTo("app");
        assertThat(d.get("config").get("enabled").asBoolean()).isTrue();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            TestApi.Response got = api.get("/api/v1/distributions/" + id);
            assertThat(got.json().get("status").asText()).isEqualTo("Deployed");
            assertThat(got.header("etag")).isEqualTo("\"1\"");
        });
        EdgeRoute served = served(id);
        assertThat(served.aliases()).containsExactly(z, "www." + z, "*." + z);
        assertThat(served.certificateId()).contains(cert);

        TestApi.Response c = api.get("/api/v1/certificates/" + cert);
        assertThat(c.json().get("inUseBy")).extracting(JsonNode::asText).containsExactly(id);
    }

    EdgeRoute served(String distributionId) {
        return node.node().servedRoutes().stream().filter(r -> r.distributionId().equals(distributionId))
                .findFirst().orElseThrow(() -> new AssertionError("edge does not serve " + distributionId));
    }

    @Test
    void aliasesMustBeCoveredByTheCertificate() {
        String z = zone();
        String cert = certificateFor("*." + z);
        created(distribution(cert, "a." + z));
        refused(api.post("/api/v1/distributions", distribution(cert, z)), 400, "CertificateDoesNotCoverAlias");
        refused(api.post("/api/v1/distributions", distribution(cert, "a.b." + z)), 400, "CertificateDoesNotCoverAlias");
        refused(api.post("/api/v1/distributions", distribution(null, "a." + z)), 400, "CertificateDoesNotCoverAlias");
        TestApi.Response unknown = api.post("/api/v1/distributions", distribution("0190a0b0-0000-7000-8000-000000000000", "b." + z));
        refused(unknown, 400, "InvalidRequest");
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("certificateId");
    }

    @Test
    void aliasSyntax() {
        String z = zone();
        String cert = certificateFor("*." + z, z);
        for (String bad : List.of("*x." + z, "a.*." + z, "192.0.2.1", "Upper." + z, "*.com", "no_underscore." + z, "-a." + z)) {
            TestApi.Response r = api.post("/api/v1/distributions", distribution(cert, bad));
            refused(r, 400, "InvalidAlias");
            assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("aliases[0]");
        }
    }

    @Test
    void nullListElementsAre400WithTheRuleAndField() {
        String z = zone();
        String cert = certificateFor("n." + z);
        List<Object> nullOnly = new ArrayList<>();
        nullOnly.add(null);
        Map<String, Object> aliases = distribution(cert, "n." + z);
        aliases.put("aliases", nullOnly);
        Map<String, Object> origins = distribution(cert, "n." + z);
        origins.put("origins", nullOnly);
        Map<String, Object> tags = distribution(cert, "n." + z);
        tags.put("tags", nullOnly);
        for (Map.Entry<String, Map<String, Object>> c : Map.of("aliases[0]", aliases, "origins[0].id", origins, "tags[0]", tags)
                .entrySet()) {
            TestApi.Response r = api.post("/api/v1/distributions", c.getValue());
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("errors")).as(r.body()).anySatisfy(e ->
                    assertThat(e.get("field").asText()).isEqualTo(c.getKey()));
        }
        TestApi.Response r = api.post("/api/v1/distributions", aliases);
        assertThat(r.json().get("code").asText()).isEqualTo("InvalidAlias");
        r = api.post("/api/v1/distributions", tags);
        assertThat(r.json().get("code").asText()).isEqualTo("InvalidTag");
        // and on update
        JsonNode d = created(distribution(cert, "n." + z));
        r = api.put("/api/v1/distributions/" + d.get("id").asText(), Map.of("aliases", nullOnly), d.get("version").asText());
        assertThat(r.status()).as(r.body()).isEqualTo(400);
    }

    @Test
    void theEdgeDomainIsReserved() {
        // TestNode's EDGECERT_EDGE_DOMAIN is edge.test; aliases win over domain names at the edge
        String cert = certificateFor("edge.test", "*.edge.test", "x.edge.test", "a.b.edge.test");
        for (String bad : List.of("edge.test", "*.edge.test", "x.edge.test", "a.b.edge.test")) {
            TestApi.Response r = api.post("/api/v1/distributions", distribution(cert, bad));
            refused(r, 400, "InvalidAlias");
            assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("aliases[0]");
            assertThat(r.json().get("errors").get(0).get("message").asText()).contains("edge's own domain");
        }
        String z = zone();
        String other = certificateFor("edge.test." + z, "notedge.test");
        created(distribution(other, "edge.test." + z)); // a name that merely contains it is fine
        created(distribution(other, "notedge.test"));
    }

    @Test
    void anAliasLivesOnOneDistributionButWildcardAndSpecificMayBeSplit() {
        String z = zone();
        String cert = certificateFor(z, "*." + z);
        String first = created(distribution(cert, "shop." + z)).get("id").asText();
        TestApi.Response taken = api.post("/api/v1/distributions", distribution(cert, "shop." + z));
        refused(taken, 409, "CnameAlreadyExists");
        assertThat(taken.json().get("detail").asText()).contains(first);
        created(distribution(cert, "*." + z));
        created(distribution(cert, z));
    }

    @Test
    void atMostOneHundredAliases() {
        String z = zone();
        String cert = certificateFor("*." + z);
        List<String> aliases = new ArrayList<>();
        for (int i = 0; i < 101; i++) {
            aliases.add("h" + i + "." + z);
        }
        refused(api.post("/api/v1/distributions", distribution(cert, aliases.toArray(String[]::new))), 400, "TooManyAliases");
        created(distribution(cert, aliases.subList(0, 100).toArray(String[]::new)));
    }

    @Test
    void aCertificateInUseCannotBeDeleted() {
        String z = zone();
        String cert = certificateFor(z);
        String id = created(distribution(cert, z)).get("id").asText();
        refused(api.delete("/api/v1/certificates/" + cert), 409, "ResourceInUse");
        assertThat(api.delete("/api/v1/distributions/" + id).status()).isEqualTo(204);
        assertThat(api.delete("/api/v1/certificates/" + cert).status()).isEqualTo(204);
    }

    @Test
    void updatesNeedTheCurrentVersion() {
        String z = zone();
        String cert = certificateFor(z, "www." + z);
        String id = created(distribution(cert, z)).get("id").asText();
        String path = "/api/v1/distributions/" + id;
        Map<String, Object> change = Map.of("aliases", List.of(z, "www." + z), "comment", "second");

        refused(api.put(path, change), 428, "PreconditionFailed");
        refused(api.put(path, change, "7"), 412, "PreconditionFailed");
        TestApi.Response ok = api.put(path, change, "\"1\"");
        assertThat(ok.status()).as(ok.body()).isEqualTo(200);
        assertThat(ok.json().get("version").asInt()).isEqualTo(2);
        assertThat(ok.json().get("config").get("origins").get(0).get("id").asText()).isEqualTo("app");
        refused(api.put(path, Map.of("comment", "third"), "1"), 412, "PreconditionFailed");

        JsonNode versions = api.get(path + "/versions").json().get("items");
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).get("config").get("aliases")).extracting(JsonNode::asText).containsExactly(z);
        assertThat(versions.get(1).get("config").get("comment").asText()).isEqualTo("second");
        await().atMost(Duration.ofSeconds(10)).until(() -> served(id).version() == 2);
    }

    @Test
    void minimumProtocolVersions() {
        String z = zone();
        String cert = certificateFor(z);
        Map<String, Object> old = distribution(cert, z);
        old.put("minimumProtocolVersion", "TLSv1_2016");
        refused(api.post("/api/v1/distributions", old), 400, "InvalidMinimumProtocolVersion");
        Map<String, Object> strict = distribution(cert, z);
        strict.put("minimumProtocolVersion", "TLSv1.3_2025");
        assertThat(created(strict).get("config").get("minimumProtocolVersion").asText()).isEqualTo("TLSv1.3_2025");
    }

    @Test
    void createCopiesAnotherDistributionAtAVersion() {
        String z = zone();
        String cert = certificateFor(z, "*." + z);
        Map<String, Object> template = distribution(cert, "template." + z);
        template.put("minimumProtocolVersion", "TLSv1.2_2019");
        template.put("comment", "template");
        template.put("tags", List.of(Map.of("key", "team", "value", "edge")));
        String templateId = created(template).get("id").asText();
        assertThat(api.put("/api/v1/distributions/" + templateId, Map.of("comment", "changed"), "1").status()).isEqualTo(200);

        String other = certificateFor("customer." + z);
        JsonNode copy = created(Map.of("copyFrom", Map.of("distributionId", templateId, "version", 1),
                "aliases", List.of("customer." + z), "certificateId", other));
        JsonNode config = copy.get("config");
        assertThat(config.get("comment").asText()).isEqualTo("template");
        assertThat(config.get("minimumProtocolVersion").asText()).isEqualTo("TLSv1.2_2019");
        assertThat(config.get("certificateId").asText()).isEqualTo(other);
        assertThat(config.get("tags").get(0).get("key").asText()).isEqualTo("team");
        assertThat(copy.get("version").asInt()).isEqualTo(1);

        JsonNode latest = created(Map.of("copyFrom", Map.of("distributionId", templateId), "aliases", List.of()));
        assertThat(latest.get("config").get("comment").asText()).isEqualTo("changed");
        refused(api.post("/api/v1/distributions", Map.of("copyFrom", Map.of("distributionId", templateId, "version", 9))),
                400, "InvalidRequest");
    }

    @Test
    void aReimportThatWouldUncoverAnAliasIsRefused() {
        String z = zone();
        TestPki.Issued first = TestPki.cert().dns(z, "www." + z).key(TestPki.ec("secp256r1")).build();
        String cert = api.post("/api/v1/certificates", Map.of("certificate", first.certificatePem(),
                "privateKey", first.keyPem())).json().get("id").asText();
        String id = created(distribution(cert, z, "www." + z)).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.node().servedRoutes().stream()
                .anyMatch(r -> r.distributionId().equals(id)));
        int before = served(id).certificateVersion();

        TestPki.Issued narrower = TestPki.cert().dns(z).key(TestPki.ec("secp256r1")).build();
        TestApi.Response refusedReimport = api.put("/api/v1/certificates/" + cert, Map.of("certificate",
                narrower.certificatePem(), "privateKey", narrower.keyPem()));
        refused(refusedReimport, 409, "CertificateDoesNotCoverAlias");
        assertThat(refusedReimport.json().get("detail").asText()).contains("www." + z).contains(id);

        TestPki.Issued renewed = TestPki.cert().dns(z, "www." + z, "api." + z).key(TestPki.ec("secp256r1")).build();
        assertThat(api.put("/api/v1/certificates/" + cert, Map.of("certificate", renewed.certificatePem(),
                "privateKey", renewed.keyPem())).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> served(id).certificateVersion() == before + 1);
    }

    @Test
    void aDisabledDistributionIsNoLongerServed() {
        String z = zone();
        String cert = certificateFor(z);
        String id = created(distribution(cert, z)).get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> node.node().servedRoutes().stream()
                .anyMatch(r -> r.distributionId().equals(id)));
        assertThat(api.put("/api/v1/distributions/" + id, Map.of("enabled", false), "1").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> node.node().servedRoutes().stream()
                .noneMatch(r -> r.distributionId().equals(id)));
        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/api/v1/distributions/" + id).json().get("status").asText().equals("Deployed"));
    }

    @Test
    void listPagesAndFilters() {
        String z = zone();
        String cert = certificateFor("*." + z);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(created(distribution(cert, "p" + i + "." + z)).get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/distributions?limit=2&certificateId=" + cert
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(d -> seen.add(d.get("id").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(ids);
        assertThat(pages).isEqualTo(3);
        JsonNode byAlias = api.get("/api/v1/distributions?alias=p3." + z).json().get("items");
        assertThat(byAlias).extracting(d -> d.get("id").asText()).containsExactly(ids.get(3));
    }

    @Test
    void originsAreChecked() {
        String z = zone();
        Map<String, Object> bad = distribution(null);
        bad.put("origins", List.of(Map.of("id", "app", "url", "ftp://files.example.com/")));
        TestApi.Response r = api.post("/api/v1/distributions", bad);
        refused(r, 400, "InvalidRequest");
        assertThat(r.json().get("errors").get(0).get("field").asText()).isEqualTo("origins[0].url");
        Map<String, Object> none = new LinkedHashMap<>(Map.of("aliases", List.of()));
        refused(api.post("/api/v1/distributions", none), 400, "InvalidRequest");
        Map<String, Object> wrongDefault = distribution(null);
        wrongDefault.put("defaultOriginId", "nope");
        refused(api.post("/api/v1/distributions", wrongDefault), 400, "InvalidRequest");
        assertThat(z).isNotEmpty();
    }

    @Test
    void unknownDistributions() {
        refused(api.get("/api/v1/distributions/0190a0b0-0000-7000-8000-000000000000"), 404, "NotFound");
        refused(api.get("/api/v1/distributions/not-an-id"), 404, "NotFound");
        refused(api.delete("/api/v1/distributions/0190a0b0-0000-7000-8000-000000000000"), 404, "NotFound");
    }
}
