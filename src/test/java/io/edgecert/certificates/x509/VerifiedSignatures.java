package io.edgecert.certificates.x509;

import java.security.cert.X509Certificate;

/**
 * Test-side handle on the cache of verified signatures ({@link SelfSigned}), so benchmarks can
 * measure signature checks instead of cache hits. Not part of the product's API.
 */
public final class VerifiedSignatures {
    private VerifiedSignatures() {
    }

    /** Forgets every verified pair: the next check verifies every signature, like a cold node. */
    public static void forgetAll() {
        SelfSigned.forgetAll();
    }

    /** Forgets that {@code certificate} was verified against {@code issuer}. */
    public static void forget(X509Certificate certificate, X509Certificate issuer) {
        SelfSigned.forget(certificate, issuer);
    }
}
