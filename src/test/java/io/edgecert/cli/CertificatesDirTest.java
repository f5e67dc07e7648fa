package io.edgecert.cli;

import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** How start-import-job pairs the files of a directory, and what it refuses. */
class CertificatesDirTest {
    @TempDir
    Path dir;

    static final TestPki.Hierarchy H = TestPki.hierarchy(TestPki.ec("secp256r1"), "pairing.example.com");
    static final String LEAF = H.leaf().certificatePem();
    static final String KEY = H.leaf().keyPem();
    static final String INTERMEDIATE = TestPki.pem(H.intermediate().certificate());
    static final String ROOT = TestPki.pem(H.root().certificate());

    void write(String name, String content) throws IOException {
        Files.writeString(dir.resolve(name), content);
    }

    CertificatesDir.Scan scan() throws IOException {
        return CertificatesDir.scan(dir);
    }

    @Test
    void pairsWithAndWithoutChainsAreFoundInNameOrder() throws IOException {
        write("b.pem", LEAF);
        write("b.key", KEY);
        write("a.crt", "openssl x509 -text dump before the block\n" + LEAF);
        write("a.key", KEY);
        write("a.chain.pem", H.chainPem());
        CertificatesDir.Scan scan = scan();
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.entries()).extracting(CertificatesDir.Entry::name).containsExactly("a", "b");
        CertificatesDir.Entry a = scan.entries().get(0);
        assertThat(a.certificate()).startsWith("openssl x509").contains(LEAF.strip());
        assertThat(a.privateKey()).isEqualTo(KEY);
        assertThat(a.chain()).contains(H.chainPem());
        assertThat(a.files()).containsExactly("a.crt", "a.key", "a.chain.pem");
        assertThat(scan.entries().get(1).chain()).isEmpty();
    }

    @Test
    void aBundleIsLeafThenChainWithItsOneKeyAnywhere() throws IOException {
        write("shop.pem", LEAF + INTERMEDIATE + KEY + ROOT);
        CertificatesDir.Scan scan = scan();
        assertThat(scan.problems()).isEmpty();
        CertificatesDir.Entry shop = scan.entries().get(0);
        assertThat(shop.certificate().strip()).isEqualTo(LEAF.strip());
        assertThat(shop.privateKey().strip()).isEqualTo(KEY.strip());
        assertThat(shop.chain().orElseThrow()).contains(INTERMEDIATE.strip(), ROOT.strip()).doesNotContain(LEAF.strip());
        assertThat(shop.toString()).doesNotContain("PRIVATE KEY");
    }

    @Test
    void aFullchainCertificateFileGivesItsChain() throws IOException {
        write("full.crt", LEAF + INTERMEDIATE);
        write("full.key", KEY);
        CertificatesDir.Entry full = scan().entries().get(0);
        assertThat(full.certificate().strip()).isEqualTo(LEAF.strip());
        assertThat(full.chain().map(String::strip)).isEqualTo(Optional.of(INTERMEDIATE.strip()));
    }

    @Test
    void otherFilesAreIgnoredAndNamed() throws IOException {
        write("a.crt", LEAF);
        write("a.key", KEY);
        write("a.csr", "request");
        write("notes.txt", "n");
        write(".hidden.key", KEY);
        CertificatesDir.Scan scan = scan();
        assertThat(scan.ok()).isTrue();
        assertThat(scan.ignored()).containsExactly("a.csr", "notes.txt");
    }

    @Test
    void everyUnpairedOrAmbiguousFileIsListedAndNothingIsKept() throws IOException {
        write("good.crt", LEAF);
        write("good.key", KEY);
        write("orphan.key", KEY);
        write("lonely.crt", LEAF);
        write("twice.crt", LEAF);
        write("twice.pem", LEAF);
        write("twice.key", KEY);
        write("bundled.pem", LEAF + KEY);
        write("bundled.key", KEY);
        write("twokeys.pem", LEAF + KEY + KEY);
        write("stray.chain.pem", H.chainPem());
        write("empty.crt", "not a certificate");
        write("empty.key", KEY);
        write("nokey.crt", LEAF);
        write("nokey.key", "not a key");
        write("fullchain.crt", LEAF + INTERMEDIATE);
        write("fullchain.key", KEY);
        write("fullchain.chain.pem", H.chainPem());
        CertificatesDir.Scan scan = scan();
        assertThat(scan.entries()).isEmpty();
        assertThat(scan.problems()).containsExactly(
                "bundled: ambiguous, bundled.pem already holds a private key and bundled.key is another one; keep one",
                "empty: empty.crt holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                "fullchain: ambiguous, fullchain.crt already holds a chain after its first certificate and "
                        + "fullchain.chain.pem is another one; keep one",
                "lonely: unpaired, lonely.crt has no private key: add lonely.key, or put the key in lonely.crt as a bundle",
                "nokey: nokey.key holds no PEM private key (-----BEGIN ... PRIVATE KEY-----)",
                "orphan: unpaired, orphan.key but no certificate orphan.crt or orphan.pem",
                "stray: unpaired, stray.chain.pem but no certificate stray.crt or stray.pem",
                "twice: ambiguous, twice.crt and twice.pem are each a certificate of twice; keep one",
                "twokeys: ambiguous, twokeys.pem holds 2 private keys; a bundle holds exactly one");
    }

    @Test
    void twoChainFilesForOneNameAreAmbiguous() throws IOException {
        write("a.crt", LEAF);
        write("a.key", KEY);
        write("a.chain.pem", H.chainPem());
        write("a.chain.crt", H.chainPem());
        assertThat(scan().problems()).containsExactly("a: ambiguous, a.chain.crt and a.chain.pem are each a chain of a; keep one");
    }

    @Test
    void anEmptyOrMissingDirectoryIsAProblem() throws IOException {
        assertThat(scan().problems()).singleElement().asString().startsWith("no certificates in " + dir);
        assertThat(CertificatesDir.scan(dir.resolve("missing")).problems()).singleElement().asString().endsWith("is not a directory");
    }

    @Test
    void traditionalAndEncryptedKeysPairToo() throws IOException {
        write("rsa.crt", LEAF);
        write("rsa.key", TestPki.traditional(H.leaf().privateKey()));
        write("enc.pem", LEAF + TestPki.encryptedPkcs8(H.leaf().privateKey(), "secret"));
        CertificatesDir.Scan scan = scan();
        assertThat(scan.problems()).isEmpty();
        assertThat(scan.entries()).extracting(CertificatesDir.Entry::name).containsExactly("enc", "rsa");
        assertThat(scan.entries().get(0).privateKey()).contains("ENCRYPTED PRIVATE KEY");
    }
}
