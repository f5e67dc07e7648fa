package io.edgecert.serving;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.List;

/**
 * Unsealed material: the leaf, the chain as served (without a self-signed root) and the key in
 * clear. Made only by the key provider, for the edge, which keeps it only inside the SSL context
 * it builds from it (architecture/ServedKeysTest checks who may touch it).
 */
public record ServingMaterial(String certificateId, int version, List<X509Certificate> chain, PrivateKey key) {
    public ServingMaterial {
        chain = List.copyOf(chain);
    }

    @Override
    public String toString() {
        return "ServingMaterial[" + certificateId + " v" + version + ", key=(redacted)]";
    }
}
