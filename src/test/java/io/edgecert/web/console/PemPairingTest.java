package io.edgecert.web.console;

import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** How "Import multiple" pairs uploaded files: by content, then by name, then by folder. */
class PemPairingTest {
    static final TestPki.Hierarchy A = TestPki.hierarchy(TestPki.ec("secp256r1"), "a.example.com");
    static final TestPki.Hierarchy B = TestPki.hierarchy(TestPki.ec("secp256r1"), "b.example.com");

    static PemPairing.NamedFile f(String name, String text) {
        return new PemPairing.NamedFile(name, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    void pairsByNameWithTheCommonSuffixes() {
        PemPairing.Result r = PemPairing.pair(List.of(
                f("Shop.Example.crt", A.leaf().certificatePem()), f("shop.example.key", A.leaf().keyPem()),
                f("shop.example.chain.pem", A.chainPem()),
                f("b-cert.pem", B.leaf().certificatePem()), f("b-key.pem", B.leaf().keyPem()), f("b_ca-bundle.crt", B.chainPem())));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).extracting(p -> p.name() + ": " + p.certificateFile() + " + " + p.keyFile() + " + " + p.chainFile().orElse("-"))
                .containsExactly("shop.example: Shop.Example.crt + shop.example.key + shop.example.chain.pem",
                        "b: b-cert.pem + b-key.pem + b_ca-bundle.crt");
        assertThat(r.pairs().get(0).privateKey().strip()).isEqualTo(A.leaf().keyPem().strip());
        assertThat(r.pairs().get(0).toString()).doesNotContain("PRIVATE");
    }

    @Test
    void rolesComeFromTheContentSoNamesEndingInCaStayCertificates() {
        PemPairing.Result r = PemPairing.pair(List.of(f("shop.example.ca.crt", A.leaf().certificatePem()),
                f("shop.example.ca.key", A.leaf().keyPem()), f("intermediates.txt", A.chainPem())));
        assertThat(r.pairs()).extracting(PemPairing.Pair::name).containsExactly("shop.example.ca");
        assertThat(r.problems()).singleElement().asString().startsWith("(top folder): intermediates.txt — no certificate file");
    }

    @Test
    void aBundleAndAFullchainBringTheirOwnChains() {
        PemPairing.Result r = PemPairing.pair(List.of(
                f("a.pem", A.leaf().certificatePem() + A.chainPem() + A.leaf().keyPem()),
                f("b.fullchain.pem", B.leaf().certificatePem() + B.chainPem()), f("b.key", B.leaf().keyPem())));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).hasSize(2);
        assertThat(r.pairs().get(0).certificate()).isEqualTo(A.leaf().certificatePem().strip());
        assertThat(r.pairs().get(0).certificateChain().orElseThrow()).contains("BEGIN CERTIFICATE").doesNotContain("PRIVATE");
        assertThat(r.pairs().get(1).certificateChain()).isPresent();
    }

    @Test
    void certbotFoldersInAZipPairByFolder() throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (String[] e : new String[][]{{"live/a.example.com/cert.pem", A.leaf().certificatePem()},
                    {"live/a.example.com/privkey.pem", A.leaf().keyPem()}, {"live/a.example.com/chain.pem", A.chainPem()},
                    {"live/a.example.com/fullchain.pem", A.leaf().certificatePem() + A.chainPem()},
                    {"live/b.example.com/cert.pem", B.leaf().certificatePem()}, {"live/b.example.com/privkey.pem", B.leaf().keyPem()},
                    {"__MACOSX/._cert.pem", "junk"}, {"live/README", "This directory contains your keys"}}) {
                z.putNextEntry(new ZipEntry(e[0]));
                z.write(e[1].getBytes(StandardCharsets.US_ASCII));
                z.closeEntry();
            }
        }
        PemPairing.Result r = PemPairing.pair(List.of(new PemPairing.NamedFile("certs.zip", zip.toByteArray())));
        assertThat(r.pairs()).extracting(PemPairing.Pair::name).containsExactly("live/a.example.com", "live/b.example.com");
        assertThat(r.pairs().get(0).chainFile()).contains("live/a.example.com/chain.pem");
        assertThat(r.problems()).singleElement().asString().startsWith("live/README: no PEM");
    }

    @Test
    void whatCannotBePairedIsReportedNotGuessed() {
        PemPairing.Result r = PemPairing.pair(List.of(
                f("a.crt", A.leaf().certificatePem()),
                f("b.key", B.leaf().keyPem()),
                f("c.der", "\u0030\u0082binary"),
                f("d.pem", A.leaf().keyPem() + B.leaf().keyPem())));
        assertThat(r.pairs()).isEmpty();
        assertThat(r.problems()).anyMatch(p -> p.startsWith("a: no private key file found for a.crt (expected e.g. a.key)"))
                .anyMatch(p -> p.startsWith("b: b.key — no certificate file found"))
                .anyMatch(p -> p.startsWith("c.der: no PEM"))
                .anyMatch(p -> p.startsWith("d.pem: holds 2 private keys"));
    }

    @Test
    void passwordsRoundTripAndRefuseWeakOnes() {
        String hash = Passwords.hash("a long enough password");
        assertThat(hash).startsWith("pbkdf2-sha256$600000$");
        assertThat(Passwords.verify("a long enough password", hash)).isTrue();
        assertThat(Passwords.verify("a long enough passwore", hash)).isFalse();
        assertThat(Passwords.hash("a long enough password")).isNotEqualTo(hash);
        assertThat(Passwords.problem("short", "admin")).contains("at least 12");
        assertThat(Passwords.generate()).hasSize(20);
    }
}
