package io.edgecert.certificates;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.crypto.KeyCipher;
import io.edgecert.serving.KeyProvider;
import io.edgecert.serving.SealedMaterial;
import io.edgecert.serving.ServingMaterial;
import io.edgecert.store.Database;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The edge's key provider: the one place outside the edge where a stored key is decrypted
 * (architecture/ServedKeysTest). It reads sealed material for the edge's loader and unseals it on
 * the first handshake that needs it; {@link CertificateService} manages certificates and never
 * hands out a key.
 */
public final class ServingKeys implements KeyProvider {
    private static final int MAX_PARSED_CHAINS = 1_000;
    /** Below this many ids one connection reads them all; above it, the read runs in parallel. */
    private static final int PARALLEL_READ_FROM = 2_000;

    private final Database db;
    private final KeyCipher cipher;
    private final CertificateRepository repository = new CertificateRepository();
    /**
     * CA chains as X.509 objects, by their PEM: the edge unseals a certificate on the first
     * handshake for one of its names, and a SaaS's certificates mostly share a handful of chains,
     * so each is decoded once (X509Certificate is immutable). Cleared when full rather than tracked
     * for recency: a refill is one parse per distinct chain.
     */
    private final ConcurrentHashMap<String, List<X509Certificate>> parsedChains = new ConcurrentHashMap<>();

    public ServingKeys(Database db, KeyCipher cipher) {
        this.db = db;
        this.cipher = cipher;
    }

    @Override
    public List<SealedMaterial> load(Collection<String> ids) {
        if (ids.size() < PARALLEL_READ_FROM) {
            return ids.isEmpty() ? List.of() : db.withConnection(c -> repository.sealed(c, ids));
        }
        // A node starting with thousands of distributions: read in parallel on separate connections
        // (bench/edge start-up, 10,000 certificates: 700 ms sequential).
        List<String> all = List.copyOf(ids);
        int parts = Math.max(2, Runtime.getRuntime().availableProcessors());
        int size = (all.size() + parts - 1) / parts;
        List<List<String>> slices = new ArrayList<>();
        for (int from = 0; from < all.size(); from += size) {
            slices.add(all.subList(from, Math.min(all.size(), from + size)));
        }
        return slices.parallelStream()
                .flatMap(slice -> db.withConnection(c -> repository.sealed(c, slice)).stream())
                .toList();
    }

    /** Decrypts the key of sealed material: CPU only, no database. */
    @Override
    public ServingMaterial unseal(SealedMaterial sealed) {
        List<X509Certificate> chain = new ArrayList<>(Pem.certificates("certificate", sealed.certificatePem()));
        if (!sealed.chainPem().isEmpty()) {
            chain.addAll(servedChain(sealed.chainPem()));
        }
        return new ServingMaterial(sealed.certificateId(), sealed.version(), chain,
                decryptKey(KeyType.valueOf(sealed.keyType()), sealed.encryptedKey(), sealed.certificateId()));
    }

    /**
     * The chain as the edge sends it, parsed once per distinct chain: a self-signed root at its
     * end is left out. Clients bring their own trust anchors (RFC 8446 4.4.2 lets a server omit
     * them); sending one costs every handshake about a kilobyte and the client a signature check.
     * The stored chain, which the API returns, keeps it.
     */
    private List<X509Certificate> servedChain(String chainPem) {
        List<X509Certificate> chain = parsedChains.get(chainPem);
        if (chain == null) {
            List<X509Certificate> parsed = Pem.certificates("certificateChain", chainPem);
            chain = List.copyOf(!parsed.isEmpty() && selfSigned(parsed.get(parsed.size() - 1))
                    ? parsed.subList(0, parsed.size() - 1) : parsed);
            if (parsedChains.size() >= MAX_PARSED_CHAINS) {
                parsedChains.clear();
            }
            parsedChains.put(chainPem, chain);
        }
        return chain;
    }

    /** Self-signed, not merely self-issued (a key-rollover certificate names itself but is signed by the old key). */
    private static boolean selfSigned(X509Certificate c) {
        if (!c.getSubjectX500Principal().equals(c.getIssuerX500Principal())) {
            return false;
        }
        try {
            c.verify(c.getPublicKey());
            return true;
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private PrivateKey decryptKey(KeyType type, byte[] blob, String id) {
        byte[] pkcs8 = cipher.decrypt(blob, id);
        try {
            return KeyFactory.getInstance(type.algorithm()).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("stored key of certificate " + id + " does not decode");
        } finally {
            Arrays.fill(pkcs8, (byte) 0);
        }
    }
}
