package io.edgecert.cli;

import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How start-import-job walks a directory for {@link PemFilePairing} (whose rules PemFilePairingTest
 * covers): folders, hidden files, and the sizes it refuses to read.
 */
class CertificatesDirTest {
    @TempDir
    Path dir;

    static final TestPki.Hierarchy H = TestPki.hierarchy(TestPki.ec("secp256r1"), "pairing.example.com");
    static final String LEAF = H.leaf().certificatePem();
    static final String KEY = H.leaf().keyPem();

    void write(String name, String content) throws IOException {
        Path file = dir.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @Test
    void foldersAreWalkedAndNamedWithSlashes() throws IOException {
        write("a.crt", "openssl x509 -text dump before the block\n" + LEAF);
        write("a.key", KEY);
        write("a.chain.pem", H.chainPem());
        write("live/b.example.com/cert.pem", LEAF);
        write("live/b.example.com/privkey.pem", KEY);
        write("live/b.example.com/README", "certbot");
        PemFilePairing.Result scan = CertificatesDir.scan(dir);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.pairs()).extracting(PemFilePairing.Pair::name).containsExactly("a", "live/b.example.com");
        assertThat(scan.pairs().get(0).certificate()).isEqualTo(LEAF);
        assertThat(scan.pairs().get(0).files()).containsExactly("a.crt", "a.key", "a.chain.pem");
        assertThat(scan.ignored()).containsExactly("live/b.example.com/README");
    }

    @Test
    void hiddenFilesAndFoldersAreSkippedWithoutANote() throws IOException {
        write("a.crt", LEAF);
        write("a.key", KEY);
        write(".hidden.key", KEY);
        write(".git/objects/x.pem", LEAF);
        PemFilePairing.Result scan = CertificatesDir.scan(dir);
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.ignored()).isEmpty();
        assertThat(scan.pairs()).hasSize(1);
    }

    @Test
    void aFileTooLargeForPemIsAProblemAndIsNotRead() throws IOException {
        write("a.crt", LEAF);
        write("a.key", KEY);
        try (RandomAccessFile huge = new RandomAccessFile(dir.resolve("huge.pem").toFile(), "rw");
             RandomAccessFile backup = new RandomAccessFile(dir.resolve("backup.tar").toFile(), "rw")) {
            huge.setLength(3L << 30); // sparse: 3 GiB that would not fit the heap if it were read
            backup.setLength(3L << 30);
        }
        PemFilePairing.Result scan = CertificatesDir.scan(dir);
        assertThat(scan.problems()).containsExactly(
                "huge.pem: 3221225472 bytes, more than the 2200000 a PEM file of one certificate may have; not read");
        assertThat(scan.ignored()).containsExactly("backup.tar");
    }

    @Test
    void anEmptyOrMissingDirectoryIsAProblem() throws IOException {
        write("notes.md", "nothing here");
        assertThat(CertificatesDir.scan(dir).problems()).singleElement().asString().startsWith("no certificates in " + dir);
        assertThat(CertificatesDir.scan(dir.resolve("missing")).problems()).singleElement().asString().endsWith("is not a directory");
    }
}
