package io.edgecert.serving;

import java.util.List;
import java.util.Optional;

/**
 * The security policies a distribution can ask for (import-rules C9), named as CloudFront names
 * them. Each fixes the lowest TLS version and the TLS 1.2 cipher suites (OpenSSL names; TLS 1.3
 * suites are not configurable and always on).
 */
public enum MinimumProtocol {
    TLSv1_2_2018("TLSv1.2_2018", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256",
            "AES128-GCM-SHA256", "AES256-GCM-SHA384", "AES128-SHA256")),
    TLSv1_2_2019("TLSv1.2_2019", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
            "ECDHE-ECDSA-AES128-SHA256", "ECDHE-RSA-AES128-SHA256")),
    TLSv1_2_2021("TLSv1.2_2021", List.of("TLSv1.3", "TLSv1.2"), List.of(
            "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305")),
    TLSv1_3_2025("TLSv1.3_2025", List.of("TLSv1.3"), List.of());

    public static final MinimumProtocol DEFAULT = TLSv1_2_2021;

    private final String apiName;
    private final List<String> protocols;
    private final List<String> tls12Ciphers;

    MinimumProtocol(String apiName, List<String> protocols, List<String> tls12Ciphers) {
        this.apiName = apiName;
        this.protocols = protocols;
        this.tls12Ciphers = tls12Ciphers;
    }

    /** The name in the API, e.g. "TLSv1.2_2021". */
    public String apiName() {
        return apiName;
    }

    /** Enabled protocol names as the JDK and netty spell them. */
    public List<String> protocols() {
        return protocols;
    }

    public List<String> tls12Ciphers() {
        return tls12Ciphers;
    }

    public static Optional<MinimumProtocol> fromApiName(String name) {
        for (MinimumProtocol p : values()) {
            if (p.apiName.equals(name)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
