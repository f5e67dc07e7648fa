package io.edgecert.certificates;

import io.edgecert.certificates.x509.Warning;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A certificate as the API, CLI and console show it (api.md). Public material only: there is no
 * field for the private key, so no serializer can leak one. {@code history} is present when one
 * certificate is shown (GET by id, import, reimport) and absent from list items, where an empty
 * list would read as "never reimported".
 */
public record Certificate(
        String id,
        String name,
        String domainName,
        List<String> subjectAlternativeNames,
        String subject,
        String issuer,
        String serial,
        KeyType keyAlgorithm,
        String signatureAlgorithm,
        Instant notBefore,
        Instant notAfter,
        long daysToExpiry,
        CertificateStatus status,
        String fingerprintSha256,
        List<String> keyUsages,
        List<String> extendedKeyUsages,
        boolean trusted,
        String trustStore,
        String certificate,
        String certificateChain,
        List<String> inUseBy,
        List<Tag> tags,
        List<Warning> warnings,
        int version,
        Optional<List<PreviousMaterial>> history,
        Instant createdAt,
        Instant updatedAt) {

    /** Public parts of material that a reimport replaced. */
    public record PreviousMaterial(int version, String serial, String fingerprintSha256, String domainName,
                                   List<String> subjectAlternativeNames, String issuer, Instant notBefore,
                                   Instant notAfter, Instant replacedAt) {
    }
}
