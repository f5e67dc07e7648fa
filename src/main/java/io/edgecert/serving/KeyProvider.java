package io.edgecert.serving;

import java.util.Collection;
import java.util.List;

/**
 * Where the edge gets certificates. {@link #load} reads the database and runs only when routes
 * change, off the handshake path; {@link #unseal} is CPU only and runs on the first handshake for
 * one of the certificate's names. The key is decrypted only there and lives on only inside the SSL
 * context built from it. In a node this is {@code certificates.ServingKeys}.
 */
public interface KeyProvider {
    /** Sealed material of the given certificates (those that still exist). */
    List<SealedMaterial> load(Collection<String> certificateIds);

    ServingMaterial unseal(SealedMaterial sealed);
}
