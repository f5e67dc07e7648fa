package io.edgecert.serving;

/**
 * A certificate as the edge keeps it in memory and in its snapshot: the leaf and chain as PEM
 * and the private key still encrypted. A few KB per certificate; {@link KeyProvider#unseal} turns
 * it into a key only when the first handshake for one of its names needs it.
 *
 * @param keyType the certificates part's name of the key type (e.g. "RSA_2048"): opaque here,
 *                only the key provider reads it
 * @param chainPem the stored chain ("" for none)
 */
public record SealedMaterial(String certificateId, int version, String keyType, String certificatePem,
                             String chainPem, byte[] encryptedKey) {
    /** The same material holding another (equal) chain string: many certificates share one CA chain. */
    public SealedMaterial withChain(String sameChain) {
        return new SealedMaterial(certificateId, version, keyType, certificatePem, sameChain, encryptedKey);
    }

    @Override
    public String toString() {
        return "SealedMaterial[" + certificateId + " v" + version + ", key=(encrypted)]";
    }
}
