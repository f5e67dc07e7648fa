package io.edgecert.edge;

import io.edgecert.certificates.CertificateService.SealedMaterial;
import io.edgecert.certificates.CertificateService.ServingMaterial;

import java.util.Collection;
import java.util.List;

/**
 * Where the edge gets certificates. {@link #load} reads the database and runs only when routes
 * change, off the handshake path; {@link #unseal} is CPU only and runs on the first handshake for
 * one of the certificate's names. The key is decrypted only there and lives on only inside the SSL
 * context built from it. In a node both are {@code CertificateService} methods.
 */
public interface CertificateSource {
    List<SealedMaterial> load(Collection<String> certificateIds);

    ServingMaterial unseal(SealedMaterial sealed);
}
