package io.edgecert.web.console;

import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.cli.CliPairing;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One fixture directory through the CLI's path (start-import-job --certificates-dir walks it) and
 * through the console's ("Import multiple": the same files uploaded, or the folder as one zip):
 * the same pairs, the same problems, the same ignored files.
 */
class PairingParityTest {
    @TempDir
    static Path fixture;

    static final TestPki.Hierarchy A = TestPki.hierarchy(TestPki.ec("secp256r1"), "a.example.com");
    static final TestPki.Hierarchy B = TestPki.hierarchy(TestPki.rsa(2048), "b.example.com");

    static void write(String name, String content) throws IOException {
        Path file = fixture.resolve(name);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    @BeforeAll
    static void aDirectoryWithEveryCase() throws IOException {
        String leaf = A.leaf().certificatePem();
        String key = A.leaf().keyPem();
        write("shop.crt", "Certificate:\n    Data: (openssl x509 -text)\n" + leaf);
        write("Shop.key", key);
        write("shop.chain.pem", A.chainPem());
        write("b.pem", B.leaf().certificatePem() + B.chainPem() + TestPki.traditional(B.leaf().privateKey()));
        write("full-cert.pem", leaf + A.chainPem());
        write("full-key.pem", key);
        write("orphan.key", key);
        write("lonely.crt", leaf);
        write("twice.crt", leaf);
        write("twice.pem", leaf);
        write("twice.key", key);
        write("twokeys.pem", leaf + key + key);
        write("garbage.crt", "not PEM at all");
        write("notes.txt", "ignored, named");
        write("request.csr", "-----BEGIN CERTIFICATE REQUEST-----\n");
        write(".hidden.key", key);
        write("live/a.example.com/cert.pem", leaf);
        write("live/a.example.com/privkey.pem", key);
        write("live/a.example.com/chain.pem", A.chainPem());
        write("live/a.example.com/fullchain.pem", leaf + A.chainPem());
        write("live/a.example.com/README", "certbot's");
        write("live/b.example.com/fullchain.pem", B.leaf().certificatePem() + B.chainPem());
        write("live/broken/cert.pem", leaf);
        try (RandomAccessFile huge = new RandomAccessFile(fixture.resolve("huge.pem").toFile(), "rw")) {
            huge.setLength(PemFilePairing.MAX_FILE_BYTES + 1L);
        }
    }

    /** The one fact the comparison is about: names, files, PEM texts (the key as its length only). */
    static List<String> pairs(PemFilePairing.Result r) {
        return r.pairs().stream().map(p -> p.name() + " " + p.files() + " certificate=" + p.certificate().hashCode()
                + " key=" + p.privateKey().length() + " chain=" + p.certificateChain().map(String::hashCode)).toList();
    }

    @Test
    void theCliAndAZipOfTheSameFolderGiveTheSamePairsAndProblems() throws IOException {
        PemFilePairing.Result cli = CliPairing.scan(fixture);
        PemFilePairing.Result console = PemUploads.pair(List.of(new PemUploads.Upload("certs.zip", zip(fixture))));

        assertThat(pairs(console)).isEqualTo(pairs(cli));
        assertThat(console.problems()).isEqualTo(cli.problems());
        assertThat(console.ignored()).isEqualTo(cli.ignored());
        // and what they agree on is the fixture's every case, not two empty lists
        assertThat(cli.pairs()).extracting(PemFilePairing.Pair::name)
                .containsExactly("b", "full", "live/a.example.com", "shop");
        assertThat(cli.problems()).hasSize(8).anyMatch(p -> p.startsWith("huge.pem: "))
                .anyMatch(p -> p.startsWith("live/b.example.com: no private key file found"))
                .anyMatch(p -> p.startsWith("live/broken: no private key file found"));
        assertThat(cli.ignored()).containsExactly("live/a.example.com/README", "notes.txt", "request.csr");
    }

    @Test
    void theTopLevelFilesUploadedOneByOnePairAsTheCliPairsThem(@TempDir Path flat) throws IOException {
        List<PemUploads.Upload> uploads = new ArrayList<>();
        try (Stream<Path> files = Files.list(fixture)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                Files.copy(f, flat.resolve(f.getFileName()));
                uploads.add(new PemUploads.Upload(f.getFileName().toString(), Files.readAllBytes(f)));
            }
        }
        PemFilePairing.Result cli = CliPairing.scan(flat);
        PemFilePairing.Result console = PemUploads.pair(uploads);
        assertThat(pairs(console)).isEqualTo(pairs(cli)).hasSize(3);
        assertThat(console.problems()).isEqualTo(cli.problems()).hasSize(6);
        assertThat(console.ignored()).isEqualTo(cli.ignored());
    }

    static byte[] zip(Path dir) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(out); Stream<Path> walk = Files.walk(dir)) {
            for (Path f : walk.filter(Files::isRegularFile).sorted().toList()) {
                z.putNextEntry(new ZipEntry(dir.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, z);
                z.closeEntry();
            }
        }
        return out.toByteArray();
    }
}
