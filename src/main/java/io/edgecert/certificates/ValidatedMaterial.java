package io.edgecert.certificates;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.x509.Warning;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Material that passed every import rule: the leaf, the chain in serving order (leaf's issuer
 * first), the private key, and what the checks learned. Only the certificates part and the edge
 * ever hold one; its toString leaves the key out.
 */
public record ValidatedMaterial(X509Certificate leaf, List<X509Certificate> chain, PrivateKey privateKey,
                                KeyType keyType, CertificateFacts facts, boolean trusted, String trustStoreName,
                                List<Warning> warnings) {
    public ValidatedMaterial {
        chain = List.copyOf(chain);
        warnings = List.copyOf(warnings);
    }

    /**
     * Material that passed {@link ImportRules#check} earlier (a job item, checked when the job was
     * submitted and kept encrypted since): re-parsed, not re-checked, so a 10,000-item job does
     * not verify every signature twice. The analysis comes from that earlier check.
     */
    public static ValidatedMaterial restore(String leafPem, java.util.Optional<String> chainPem, PrivateKey key,
                                            KeyType keyType, boolean trusted, String trustStoreName, List<Warning> warnings) {
        X509Certificate leaf = Pem.certificates("certificate", leafPem).get(0);
        List<X509Certificate> chain = chainPem.map(p -> Pem.certificates("certificateChain", p)).orElse(List.of());
        return new ValidatedMaterial(leaf, chain, key, keyType, CertificateFacts.of(leaf), trusted, trustStoreName, warnings);
    }

    @Override
    public String toString() {
        return "ValidatedMaterial[" + facts.domainName() + ", " + keyType + ", chain=" + chain.size()
                + ", key=(redacted)]";
    }
}
