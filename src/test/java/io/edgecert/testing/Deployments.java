package io.edgecert.testing;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Imports a certificate and serves it on one distribution through the API, until it is Deployed. */
public final class Deployments {
    private Deployments() {
    }

    /** With the default minimum TLS version. Returns the certificate's SHA-256 fingerprint. */
    public static String deploy(TestApi api, TestPki.Hierarchy h, String alias, String originUrl) {
        return deploy(api, h, alias, originUrl, null);
    }

    /** {@code minimumProtocolVersion} may be null for the default. Returns the certificate's fingerprint. */
    public static String deploy(TestApi api, TestPki.Hierarchy h, String alias, String originUrl,
                                String minimumProtocolVersion) {
        TestApi.Response c = api.post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                "privateKey", h.leaf().keyPem(), "certificateChain", h.chainPem()));
        assertThat(c.status()).as(c.body()).isEqualTo(201);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("aliases", List.of(alias));
        config.put("certificateId", c.json().get("id").asText());
        config.put("origins", List.of(Map.of("id", "o", "url", originUrl)));
        if (minimumProtocolVersion != null) {
            config.put("minimumProtocolVersion", minimumProtocolVersion);
        }
        TestApi.Response d = api.post("/api/v1/distributions", config);
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        String id = d.json().get("id").asText();
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/api/v1/distributions/" + id).json()
                .get("status").asText().equals("Deployed"));
        return c.json().get("fingerprintSha256").asText();
    }

    /** Imports an EC P-256 certificate (without a chain) for these names and returns its id. */
    public static String certificateFor(TestApi api, String... names) {
        TestPki.Issued leaf = TestPki.cert().dns(names).key(TestPki.ec("secp256r1")).build();
        TestApi.Response r = api.post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                "privateKey", leaf.keyPem()));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }
}
