package io.edgecert.certificates;

import java.util.Objects;
import java.util.Optional;

/**
 * The material of one import or reimport as the user gave it: PEM texts, not yet checked. A null
 * certificate or key is kept as given so that the rules can answer {@code MissingField}.
 */
public record CertificateSubmission(String certificate, String privateKey, Optional<String> certificateChain) {
    public CertificateSubmission {
        Objects.requireNonNull(certificateChain, "certificateChain");
    }

    @Override
    public String toString() {
        return "CertificateSubmission[certificate=" + length(certificate) + " chars, privateKey=(redacted), chain="
                + certificateChain.map(CertificateSubmission::length).orElse("none") + "]";
    }

    private static String length(String s) {
        return s == null ? "null" : s.length() + " chars";
    }
}
