package io.edgecert.cli;

import io.edgecert.certificates.x509.PemFilePairing;

import java.io.IOException;
import java.nio.file.Path;

/** The CLI's path from a directory to its pairs, for tests outside the package (PairingParityTest). */
public final class CliPairing {
    private CliPairing() {
    }

    public static PemFilePairing.Result scan(Path dir) throws IOException {
        return CertificatesDir.scan(dir);
    }
}
