package io.edgecert.certificates.x509;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.concurrent.ConcurrentHashMap;

/** Signature checks between certificates, answered as booleans: callers explain the failure. */
public final class SelfSigned {
    /**
     * Pairs (certificate, issuer) whose signature verified, by the SHA-256 of both encodings: the
     * result depends on nothing else. Imports of one SaaS mostly share a few CA chains, so the
     * intermediate-by-root and root checks (2 of the 3-4 verifications per import) are answered
     * here. Bounded by clearing: a rare full refill costs less than tracking recency.
     */
    private static final ConcurrentHashMap<Pair, Boolean> VERIFIED = new ConcurrentHashMap<>();
    private static final int MAX_VERIFIED = 20_000;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    private record Pair(ByteBuffer certificate, ByteBuffer issuer) {
    }

    private SelfSigned() {
    }

    /** Subject equals issuer and the certificate's own key verifies its signature. */
    public static boolean is(X509Certificate c) {
        return c.getSubjectX500Principal().equals(c.getIssuerX500Principal()) && signedBy(c, c);
    }

    static boolean signedBy(X509Certificate c, X509Certificate issuer) {
        Pair key;
        try {
            key = new Pair(digest(c), digest(issuer));
        } catch (CertificateEncodingException e) {
            return false;
        }
        if (VERIFIED.containsKey(key)) {
            return true;
        }
        try {
            c.verify(issuer.getPublicKey());
        } catch (GeneralSecurityException | RuntimeException e) {
            return false;
        }
        if (VERIFIED.size() >= MAX_VERIFIED) {
            VERIFIED.clear();
        }
        VERIFIED.put(key, Boolean.TRUE);
        return true;
    }

    /** For benchmarks (via the test-side VerifiedSignatures): a cold node, nothing verified yet. */
    static void forgetAll() {
        VERIFIED.clear();
    }

    /** For benchmarks: forget one pair, as for a leaf this node has never seen. */
    static void forget(X509Certificate c, X509Certificate issuer) {
        try {
            VERIFIED.remove(new Pair(digest(c), digest(issuer)));
        } catch (CertificateEncodingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static ByteBuffer digest(X509Certificate c) throws CertificateEncodingException {
        return ByteBuffer.wrap(SHA256.get().digest(c.getEncoded()));
    }
}
