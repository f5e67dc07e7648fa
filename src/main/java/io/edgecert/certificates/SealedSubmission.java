package io.edgecert.certificates;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.x509.Warning;
import io.edgecert.crypto.KeyCipher;

import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Checked material kept for a later store (a job item between its submission and its import
 * step): the certificates in PEM and the private key sealed under the master key, bound to a
 * context the keeper chooses. Only the certificates part seals and opens it, so the keeper (jobs)
 * holds neither a key in clear nor the cipher.
 *
 * @param analysis what the check learned, so the store does not check it again
 */
public record SealedSubmission(String certificatePem, Optional<String> chainPem, byte[] sealedKey, Analysis analysis) {

    /** The check's findings that the stored certificate keeps (JSON-stable: jobs store it as is). */
    public record Analysis(KeyType keyType, boolean trusted, String trustStoreName, List<Warning> warnings) {
        public Analysis {
            warnings = List.copyOf(warnings);
        }
    }

    /** A submission that passed the import rules: sealed, with the facts a review page shows. */
    public record Checked(SealedSubmission sealed, CertificateFacts facts) {
    }

    static SealedSubmission seal(ValidatedMaterial m, KeyCipher cipher, String context) {
        byte[] pkcs8 = m.privateKey().getEncoded();
        try {
            return new SealedSubmission(Pem.encode(List.of(m.leaf())),
                    m.chain().isEmpty() ? Optional.empty() : Optional.of(Pem.encode(m.chain())),
                    cipher.encrypt(pkcs8, context), new Analysis(m.keyType(), m.trusted(), m.trustStoreName(), m.warnings()));
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }

    /** Re-parsed, not re-checked (see {@link ValidatedMaterial#restore}); throws if the key does not open. */
    ValidatedMaterial open(KeyCipher cipher, String context) {
        byte[] pkcs8 = cipher.decrypt(sealedKey, context);
        PrivateKey key;
        try {
            key = KeyFactory.getInstance(analysis.keyType().algorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("the sealed key of " + context + " does not decode");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
        return ValidatedMaterial.restore(certificatePem, chainPem, key, analysis.keyType(), analysis.trusted(),
                analysis.trustStoreName(), analysis.warnings());
    }

    @Override
    public String toString() {
        return "SealedSubmission[" + analysis.keyType() + ", key=(sealed)]";
    }
}
