package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.net.http.HttpRequest;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The certificate REST API over real HTTP against a real node; run once per store
 * ({@link CertificateApiH2Test}, {@link CertificateApiPostgresTest}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class CertificateApiContract {
    private TestNode node;
    private TestApi api;

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

    static String unique() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static Map<String, Object> body(TestPki.Hierarchy h, Object... extra) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("certificate", h.leaf().certificatePem());
        m.put("privateKey", h.leaf().keyPem());
        m.put("certificateChain", h.chainPem());
        for (int i = 0; i < extra.length; i += 2) {
            m.put((String) extra[i], extra[i + 1]);
        }
        return m;
    }

    static String keyBase64(TestPki.Issued issued) {
        return Base64.getEncoder().encodeToString(issued.privateKey().getEncoded()).substring(0, 64);
    }

    @Test
    void importAnswers201WithEveryDocumentedField() throws Exception {
        String apex = "shop-" + unique() + ".example.com";
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), apex, "*." + apex);
        TestApi.Response r = api.post("/api/v1/certificates", body(h, "name", "Shop cert",
                "tags", List.of(Map.of("key", "customer", "value", "shop"))));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode c = r.json();
        assertThat(r.header("Location")).isEqualTo("/api/v1/certificates/" + c.get("id").asText());
        assertThat(c.get("name").asText()).isEqualTo("Shop cert");
        assertThat(c.get("domainName").asText()).isEqualTo(apex);
        assertThat(c.get("subjectAlternativeNames")).extracting(JsonNode::asText).containsExactly(apex, "*." + apex);
        assertThat(c.get("issuer").asText()).contains("edgecert Test Intermediate");
        assertThat(c.get("serial").asText()).isEqualTo(h.leaf().certificate().getSerialNumber().toString(16));
        assertThat(c.get("keyAlgorithm").asText()).isEqualTo("RSA_2048");
        assertThat(c.get("status").asText()).isEqualTo("ISSUED");
        assertThat(c.get("daysToExpiry").asLong()).isBetween(88L, 90L);
        assertThat(c.get("notAfter").asText()).isEqualTo(h.leaf().certificate().getNotAfter().toInstant().toString());
        String fp = HexFormat.ofDelimiter(":").withUpperCase()
                .formatHex(MessageDigest.getInstance("SHA-256").digest(h.leaf().certificate().getEncoded()));
        assertThat(c.get("fingerprintSha256").asText()).isEqualTo(fp);
        assertThat(c.get("certificate").asText()).isEqualTo(h.leaf().certificatePem().replace("\r\n", "\n"));
        assertThat(c.get("certificateChain").asText()).contains("BEGIN CERTIFICATE");
        assertThat(c.get("inUseBy")).isEmpty();
        assertThat(c.get("tags").get(0).get("key").asText()).isEqualTo("customer");
        assertThat(c.get("trusted").asBoolean()).isFalse();
        assertThat(c.get("warnings")).extracting(w -> w.get("code").asText()).contains("ChainNotTrusted");
        assertThat(c.has("privateKey")).isFalse();
        assertThat(r.body()).doesNotContain(keyBase64(h.leaf())).doesNotContain("PRIVATE KEY");

        JsonNode described = api.get("/api/v1/certificates/" + c.get("id").asText()).json();
        assertThat(described.get("fingerprintSha256").asText()).isEqualTo(fp);
        assertThat(described.get("version").asInt()).isEqualTo(1);
    }

    @Test
    void ecKeysAreImportedAndNamedAsTheApiDoes() {
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp384r1"), "ec-" + unique() + ".example.org");
        TestApi.Response r = api.post("/api/v1/certificates", body(h));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(r.json().get("keyAlgorithm").asText()).isEqualTo("EC_secp384r1");
    }

    @Test
    void mismatchedKeyIsRefusedWithItsCodeAndNoKeyMaterial() {
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "mismatch-" + unique() + ".example.com");
        TestPki.Issued other = TestPki.cert().dns("other.example.com").key(TestPki.ec("secp256r1")).build();
        Map<String, Object> b = body(h);
        b.put("privateKey", other.keyPem());

        TestApi.Response r = api.post("/api/v1/certificates", b);

        assertThat(r.status()).isEqualTo(400);
        assertThat(r.header("Content-Type")).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("code").asText()).isEqualTo("KeyMismatch");
        assertThat(p.get("status").asInt()).isEqualTo(400);
        assertThat(p.get("errors").get(0).get("field").asText()).isEqualTo("privateKey");
        assertThat(r.body()).doesNotContain(keyBase64(other)).doesNotContain(keyBase64(h.leaf()));
    }

    @Test
    void missingFieldsAreNamed() {
        TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", "x"));
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("MissingField");
        assertThat(r.body()).contains("privateKey");
    }

    @Test
    void reimportKeepsTheIdAndShowsTheHistory() {
        String name = "re-" + unique() + ".example.com";
        TestPki.Hierarchy first = TestPki.hierarchy(TestPki.rsa(2048), name);
        String id = api.post("/api/v1/certificates", body(first)).json().get("id").asText();
        TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.rsa(2048), name, "www." + name);

        TestApi.Response r = api.put("/api/v1/certificates/" + id, body(renewed));

        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode c = r.json();
        assertThat(c.get("id").asText()).isEqualTo(id);
        assertThat(c.get("version").asInt()).isEqualTo(2);
        assertThat(c.get("subjectAlternativeNames")).extracting(JsonNode::asText).contains("www." + name);
        assertThat(c.get("serial").asText()).isEqualTo(renewed.leaf().certificate().getSerialNumber().toString(16));
        assertThat(c.get("history")).hasSize(1);
        assertThat(c.get("history").get(0).get("serial").asText())
                .isEqualTo(first.leaf().certificate().getSerialNumber().toString(16));
    }

    /** The ETag is the certificate's version; a reimport with If-Match applies only at that version. */
    @Test
    void certificatesCarryAnETagThatReimportsCanMatch() {
        String name = "etag-" + unique() + ".example.com";
        TestPki.Hierarchy first = TestPki.hierarchy(TestPki.rsa(2048), name);
        TestApi.Response created = api.post("/api/v1/certificates", body(first));
        String id = created.json().get("id").asText();
        assertThat(created.header("ETag")).isEqualTo("\"1\"");
        assertThat(api.get("/api/v1/certificates/" + id).header("ETag")).isEqualTo("\"1\"");
        TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.rsa(2048), name);

        TestApi.Response stale = api.put("/api/v1/certificates/" + id, body(renewed), "\"2\"");
        assertThat(stale.status()).as(stale.body()).isEqualTo(412);
        assertThat(stale.json().get("code").asText()).isEqualTo("PreconditionFailed");
        assertThat(api.get("/api/v1/certificates/" + id).json().get("serial").asText())
                .as("a refused reimport changes nothing")
                .isEqualTo(first.leaf().certificate().getSerialNumber().toString(16));
        TestApi.Response bad = api.put("/api/v1/certificates/" + id, body(renewed), "one");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asText()).isEqualTo("If-Match");

        TestApi.Response matched = api.put("/api/v1/certificates/" + id, body(renewed), "\"1\"");
        assertThat(matched.status()).as(matched.body()).isEqualTo(200);
        assertThat(matched.header("ETag")).isEqualTo("\"2\"");
        // the bare number and the weak form name the same version; without If-Match it applies as before
        assertThat(api.put("/api/v1/certificates/" + id, body(first), "W/\"2\"").header("ETag")).isEqualTo("\"3\"");
        assertThat(api.put("/api/v1/certificates/" + id, body(renewed), "3").status()).isEqualTo(200);
        assertThat(api.put("/api/v1/certificates/" + id, body(first)).header("ETag")).isEqualTo("\"5\"");
    }

    @Test
    void reimportRefusesAnotherKeyTypeTagsAndUnknownIds() {
        String name = "kt-" + unique() + ".example.com";
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), name)))
                .json().get("id").asText();

        TestApi.Response keyType = api.put("/api/v1/certificates/" + id,
                body(TestPki.hierarchy(TestPki.ec("secp256r1"), name)));
        assertThat(keyType.status()).isEqualTo(400);
        assertThat(keyType.json().get("code").asText()).isEqualTo("ReimportKeyTypeChanged");

        TestApi.Response tags = api.put("/api/v1/certificates/" + id, body(TestPki.hierarchy(TestPki.rsa(2048), name),
                "tags", List.of(Map.of("key", "a", "value", "b"))));
        assertThat(tags.json().get("code").asText()).isEqualTo("TaggingOnReimport");

        TestApi.Response unknown = api.put("/api/v1/certificates/" + UUID.randomUUID(),
                body(TestPki.hierarchy(TestPki.rsa(2048), name)));
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("code").asText()).isEqualTo("NotFound");
    }

    @Test
    void aReimportKeepsAtLeastOneName() {
        String name = "b4-" + unique() + ".example.com";
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), name, "www." + name)))
                .json().get("id").asText();
        String other = "elsewhere-" + unique() + ".example.org";

        TestApi.Response different = api.put("/api/v1/certificates/" + id,
                body(TestPki.hierarchy(TestPki.rsa(2048), other, "www." + other)));
        assertThat(different.status()).as(different.body()).isEqualTo(400);
        assertThat(different.json().get("code").asText()).isEqualTo("InvalidCertificate");
        assertThat(different.json().get("errors").get(0).get("field").asText()).isEqualTo("certificate");
        assertThat(different.json().get("detail").asText()).contains(name).contains("www." + name).contains(other);
        assertThat(api.get("/api/v1/certificates/" + id).json().get("version").asInt()).isEqualTo(1);

        // one name kept (in another case), one dropped, two added
        TestApi.Response kept = api.put("/api/v1/certificates/" + id,
                body(TestPki.hierarchy(TestPki.rsa(2048), "WWW." + name.toUpperCase(), "api." + name, other)));
        assertThat(kept.status()).as(kept.body()).isEqualTo(200);
        assertThat(kept.json().get("subjectAlternativeNames")).extracting(JsonNode::asText)
                .containsExactly("www." + name, "api." + name, other);
    }

    @Test
    void namesAndSerialsTooLongForDnsAreInvalidCertificates() {
        String zone = "len-" + unique() + ".example.com";
        String longLabel = "a".repeat(64) + "." + zone;
        String longName = ("b".repeat(60) + ".").repeat(4) + zone; // labels fine, 250+ characters in all
        assertThat(longName.length()).isGreaterThan(253);
        for (String bad : List.of(longLabel, longName)) {
            TestPki.Issued leaf = TestPki.cert().dns(zone, bad).build();
            TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                    "privateKey", leaf.keyPem()));
            assertThat(r.status()).as(r.body()).isEqualTo(400);
            assertThat(r.json().get("code").asText()).isEqualTo("InvalidCertificate");
            assertThat(r.json().get("detail").asText()).contains(bad.length() > 253 ? "at most 253" : "at most 63");
        }
        TestPki.Issued longSerial = TestPki.cert().dns(zone)
                .serial(new java.math.BigInteger(1, new byte[65]).setBit(65 * 8 - 2)).build();
        TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", longSerial.certificatePem(),
                "privateKey", longSerial.keyPem()));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("code").asText()).isEqualTo("InvalidCertificate");
        assertThat(r.json().get("detail").asText()).contains("serial number of 65 bytes").contains("at most 64");

        TestPki.Issued fits = TestPki.cert().dns(zone, "c".repeat(63) + "." + zone)
                .serial(new java.math.BigInteger(1, new byte[64]).setBit(64 * 8 - 2)).build();
        assertThat(api.post("/api/v1/certificates", Map.of("certificate", fits.certificatePem(),
                "privateKey", fits.keyPem())).status()).isEqualTo(201);
    }

    @Test
    void listWalksPagesWithTheCursorInCreationOrder() {
        String batch = unique();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "p" + i + "-" + batch + ".example.com"),
                    "tags", List.of(Map.of("key", "batch", "value", batch)))).json().get("id").asText());
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonNode page = api.get("/api/v1/certificates?limit=2&tag=batch=" + batch
                    + (cursor == null ? "" : "&cursor=" + cursor)).json();
            page.get("items").forEach(i -> seen.add(i.get("id").asText()));
            cursor = page.hasNonNull("nextCursor") ? page.get("nextCursor").asText() : null;
            pages++;
        } while (cursor != null);
        assertThat(seen).containsExactlyElementsOf(created);
        assertThat(pages).isEqualTo(3);
    }

    @Test
    void domainFilterFindsExactAndWildcardNames() {
        String zone = "wild-" + unique() + ".example.net";
        String wildcardId = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "*." + zone)))
                .json().get("id").asText();
        String apexId = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), zone)))
                .json().get("id").asText();

        assertThat(ids(api.get("/api/v1/certificates?domain=shop." + zone))).containsExactly(wildcardId);
        assertThat(ids(api.get("/api/v1/certificates?domain=" + zone.toUpperCase()))).containsExactly(apexId);
        assertThat(ids(api.get("/api/v1/certificates?domain=a.b." + zone))).isEmpty();
    }

    @Test
    void expiringWithinDaysFiltersByNotAfter() {
        String batch = unique();
        var soonLeafRoot = TestPki.hierarchy(TestPki.rsa(2048), "soon-" + batch + ".example.com");
        TestPki.Issued soon = TestPki.cert().dns("soon-" + batch + ".example.com").issuedBy(soonLeafRoot.intermediate())
                .expiresIn(Duration.ofDays(10)).build();
        String soonId = api.post("/api/v1/certificates", Map.of("certificate", soon.certificatePem(),
                "privateKey", soon.keyPem(), "certificateChain", soonLeafRoot.chainPem(),
                "tags", List.of(Map.of("key", "batch", "value", batch)))).json().get("id").asText();
        api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "late-" + batch + ".example.com"),
                "tags", List.of(Map.of("key", "batch", "value", batch))));

        JsonNode page = api.get("/api/v1/certificates?expiringWithinDays=30&tag=batch=" + batch).json();
        assertThat(page.get("items")).extracting(i -> i.get("id").asText()).containsExactly(soonId);
        assertThat(page.get("items").get(0).get("daysToExpiry").asLong()).isBetween(9L, 10L);
    }

    @Test
    void tagsCanBeAddedAndRemovedButNotReserved() {
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "tag-" + unique() + ".example.com")))
                .json().get("id").asText();
        JsonNode added = api.post("/api/v1/certificates/" + id + "/tags",
                Map.of("tags", List.of(Map.of("key", "env", "value", "prod"), Map.of("key", "team", "value", "edge")))).json();
        assertThat(added.get("tags")).hasSize(2);
        JsonNode removed = api.delete("/api/v1/certificates/" + id + "/tags/env").json();
        assertThat(removed.get("tags")).extracting(t -> t.get("key").asText()).containsExactly("team");

        TestApi.Response reserved = api.post("/api/v1/certificates/" + id + "/tags",
                Map.of("tags", List.of(Map.of("key", "aws:owner", "value", "x"))));
        assertThat(reserved.status()).isEqualTo(400);
        assertThat(reserved.json().get("code").asText()).isEqualTo("InvalidTag");
    }

    @Test
    void tagKeysWithSlashesAndEqualsSignsCanBeFilteredAndRemoved() {
        String batch = unique();
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "tk-" + batch + ".example.com"),
                "tags", List.of(Map.of("key", "team/owner", "value", batch), Map.of("key", "a=" + batch, "value", "c=d"))))
                .json().get("id").asText();

        assertThat(ids(api.get("/api/v1/certificates?tagKey=" + enc("a=" + batch) + "&tagValue=" + enc("c=d"))))
                .containsExactly(id);
        assertThat(ids(api.get("/api/v1/certificates?tagKey=" + enc("a=" + batch)))).containsExactly(id);
        assertThat(ids(api.get("/api/v1/certificates?tagKey=" + enc("a=" + batch) + "&tagValue=c"))).isEmpty();
        assertThat(ids(api.get("/api/v1/certificates?tag=" + enc("team/owner=" + batch)))).containsExactly(id);
        TestApi.Response both = api.get("/api/v1/certificates?tag=x&tagKey=y");
        assertThat(both.status()).isEqualTo(400);
        assertThat(both.json().get("code").asText()).isEqualTo("InvalidRequest");

        TestApi.Response removed = api.delete("/api/v1/certificates/" + id + "/tags?key=" + enc("team/owner"));
        assertThat(removed.status()).as(removed.body()).isEqualTo(200);
        assertThat(removed.json().get("tags")).extracting(t -> t.get("key").asText()).containsExactly("a=" + batch);
        assertThat(api.delete("/api/v1/certificates/" + id + "/tags").status()).isEqualTo(400);
    }

    @Test
    void listItemsLeaveHistoryToTheCertificateItself() {
        String name = "hist-" + unique() + ".example.com";
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), name))).json().get("id").asText();
        assertThat(api.put("/api/v1/certificates/" + id, body(TestPki.hierarchy(TestPki.rsa(2048), name))).status()).isEqualTo(200);

        JsonNode page = api.get("/api/v1/certificates?domain=" + name).json();
        assertThat(page.get("items")).hasSize(1);
        assertThat(page.get("items").get(0).get("version").asInt()).isEqualTo(2);
        assertThat(page.get("items").get(0).has("history")).isFalse();
        assertThat(api.get("/api/v1/certificates/" + id).json().get("history")).hasSize(1);
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void deleteRemovesTheCertificate() {
        String id = api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "del-" + unique() + ".example.com")))
                .json().get("id").asText();
        assertThat(api.delete("/api/v1/certificates/" + id).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/certificates/" + id).status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/certificates/" + id).status()).isEqualTo(404);
    }

    @Test
    void everyApiCallNeedsTheToken() {
        TestApi.Response none = api.send(api.request("/api/v1/certificates").GET(), null);
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.json().get("code").asText()).isEqualTo("Unauthorized");
        assertThat(none.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(api.send(api.request("/api/v1/certificates").GET(), "wrong-token-0123456789").status()).isEqualTo(401);
        assertThat(api.send(api.request("/api/v1/certificates").POST(HttpRequest.BodyPublishers.ofString("{}")), null)
                .status()).isEqualTo(401);
        assertThat(api.send(api.request("/api/v1/nothing-here").GET(), null).status()).isEqualTo(401);
    }

    @Test
    void healthAndMetricsNeedNoToken() {
        api.post("/api/v1/certificates", body(TestPki.hierarchy(TestPki.rsa(2048), "m-" + unique() + ".example.com")));
        TestApi.Response health = api.send(api.request("/healthz").GET(), null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asText()).isEqualTo("UP");
        TestApi.Response metrics = api.send(api.request("/metrics").GET(), null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body())
                .contains("edgecert_certificates ")
                .contains("http_server_requests_seconds_count{method=\"POST\",route=\"/api/v1/certificates\",status=\"201\"}")
                .contains("edgecert_certificate_operations_total{operation=\"import\",result=\"ok\"}");
    }

    @Test
    void bodiesAreCappedBeforeParsing() {
        String huge = "{\"certificate\":\"" + "A".repeat(3_000_000) + "\"}";
        TestApi.Response r = api.post("/api/v1/certificates", huge);
        assertThat(r.status()).isEqualTo(413);
        assertThat(r.json().get("code").asText()).isEqualTo("SizeLimitExceeded");
    }

    @Test
    void badJsonAndUnknownFieldsAreExplained() {
        TestApi.Response broken = api.post("/api/v1/certificates", "{\"certificate\": ");
        assertThat(broken.status()).isEqualTo(400);
        assertThat(broken.json().get("code").asText()).isEqualTo("InvalidRequest");

        TestApi.Response unknown = api.post("/api/v1/certificates", Map.of("certificate", "x", "privateKey", "y", "colour", "red"));
        assertThat(unknown.status()).isEqualTo(400);
        assertThat(unknown.json().get("errors").get(0).get("field").asText()).isEqualTo("colour");
    }

    @Test
    void unknownIdsAreNotFound() {
        TestApi.Response r = api.get("/api/v1/certificates/" + UUID.randomUUID());
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.json().get("code").asText()).isEqualTo("NotFound");
        assertThat(api.get("/api/v1/certificates/not-an-id").status()).isEqualTo(404);
    }

    private static List<String> ids(TestApi.Response r) {
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> out = new ArrayList<>();
        r.json().get("items").forEach(i -> out.add(i.get("id").asText()));
        return out;
    }
}
