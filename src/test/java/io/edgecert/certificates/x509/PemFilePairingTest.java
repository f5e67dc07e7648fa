package io.edgecert.certificates.x509;

import io.edgecert.certificates.x509.PemFilePairing.Pair;
import io.edgecert.certificates.x509.PemFilePairing.Result;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The one pairing rule set of the CLI and the console: by content, then by name, then by folder. */
class PemFilePairingTest {
    static final TestPki.Hierarchy A = TestPki.hierarchy(TestPki.ec("secp256r1"), "a.example.com");
    static final TestPki.Hierarchy B = TestPki.hierarchy(TestPki.ec("secp256r1"), "b.example.com");
    static final String LEAF = A.leaf().certificatePem();
    static final String KEY = A.leaf().keyPem();
    static final String INTERMEDIATE = TestPki.pem(A.intermediate().certificate());
    static final String ROOT = TestPki.pem(A.root().certificate());

    static PemFilePairing.Read f(String name, String text) {
        return new PemFilePairing.Read(name, text.getBytes(StandardCharsets.US_ASCII));
    }

    static Result pair(PemFilePairing.PemFile... files) {
        return PemFilePairing.pair(List.of(files));
    }

    static String line(Pair p) {
        return p.name() + ": " + p.certificateFile() + " + " + p.keyFile() + " + " + p.chainFile().orElse("-");
    }

    @Test
    void pairsByNameWithTheCommonSuffixesInNameOrder() {
        Result r = pair(f("Shop.Example.crt", LEAF), f("shop.example.key", KEY), f("shop.example.chain.pem", A.chainPem()),
                f("b-cert.pem", B.leaf().certificatePem()), f("b-key.pem", B.leaf().keyPem()), f("b_ca-bundle.crt", B.chainPem()));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).extracting(PemFilePairingTest::line).containsExactly(
                "b: b-cert.pem + b-key.pem + b_ca-bundle.crt",
                "shop.example: Shop.Example.crt + shop.example.key + shop.example.chain.pem");
        Pair shop = r.pairs().get(1);
        assertThat(shop.certificate()).isEqualTo(LEAF);
        assertThat(shop.privateKey()).isEqualTo(KEY);
        assertThat(shop.certificateChain()).contains(A.chainPem());
        assertThat(shop.files()).containsExactly("Shop.Example.crt", "shop.example.key", "shop.example.chain.pem");
        assertThat(shop.toString()).doesNotContain("PRIVATE");
    }

    @Test
    void theOrderOfTheFilesDoesNotMatter() {
        List<PemFilePairing.PemFile> files = new ArrayList<>(List.of(f("a.crt", LEAF), f("a.key", KEY), f("b.crt", LEAF),
                f("c.key", KEY), f("a.chain.pem", A.chainPem())));
        Result first = PemFilePairing.pair(files);
        Collections.reverse(files);
        Result second = PemFilePairing.pair(files);
        assertThat(second.pairs()).extracting(PemFilePairingTest::line).isEqualTo(first.pairs().stream().map(PemFilePairingTest::line).toList());
        assertThat(second.problems()).isEqualTo(first.problems()).hasSize(2);
    }

    @Test
    void onlyTheArmourIsKeptSoOpensslDumpsAndCrlfPairToo() {
        Result r = pair(f("a.crt", "Certificate:\n    Data: ...\n" + LEAF.replace("\n", "\r\n")), f("a.key", KEY));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs().get(0).certificate()).isEqualTo(LEAF);
    }

    @Test
    void rolesComeFromTheContentSoNamesEndingInCaStayCertificates() {
        Result r = pair(f("shop.example.ca.crt", LEAF), f("shop.example.ca.key", KEY), f("intermediates.pem", A.chainPem()));
        assertThat(r.pairs()).extracting(Pair::name).containsExactly("shop.example.ca");
        assertThat(r.problems()).containsExactly("(top folder): intermediates.pem — no certificate file found for it "
                + "(expected e.g. cert.pem)");
    }

    @Test
    void aBundleIsLeafThenChainWithItsOneKeyAnywhere() {
        Result r = pair(f("shop.pem", LEAF + INTERMEDIATE + KEY + ROOT));
        assertThat(r.problems()).isEmpty();
        Pair shop = r.pairs().get(0);
        assertThat(shop.files()).containsExactly("shop.pem");
        assertThat(shop.certificate()).isEqualTo(LEAF);
        assertThat(shop.privateKey()).isEqualTo(KEY);
        assertThat(shop.certificateChain()).contains(INTERMEDIATE + ROOT);
    }

    @Test
    void aBundleOfLeafAndKeyTakesAChainFile() {
        Result r = pair(f("shop.pem", LEAF + KEY), f("shop.chain.pem", A.chainPem()));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).extracting(PemFilePairingTest::line).containsExactly("shop: shop.pem + shop.pem + shop.chain.pem");
    }

    @Test
    void aFullchainBringsItsChain() {
        Result r = pair(f("full.crt", LEAF + INTERMEDIATE), f("full.key", KEY));
        assertThat(r.pairs().get(0).certificate()).isEqualTo(LEAF);
        assertThat(r.pairs().get(0).certificateChain()).isEqualTo(Optional.of(INTERMEDIATE));
        assertThat(r.pairs().get(0).chainFile()).contains("full.crt");
    }

    @Test
    void certbotFoldersPairByFolderWithChainBeforeFullchain() {
        Result r = pair(f("live/a.example.com/cert.pem", LEAF), f("live/a.example.com/privkey.pem", KEY),
                f("live/a.example.com/chain.pem", A.chainPem()), f("live/a.example.com/fullchain.pem", LEAF + A.chainPem()),
                f("live/b.example.com/fullchain.pem", B.leaf().certificatePem() + B.chainPem()),
                f("live/b.example.com/privkey.pem", B.leaf().keyPem()), f("live/README", "This directory contains your keys"),
                f("__MACOSX/._cert.pem", "junk"), f("live/.hidden/x.key", KEY));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).extracting(PemFilePairingTest::line).containsExactly(
                "live/a.example.com: live/a.example.com/cert.pem + live/a.example.com/privkey.pem + live/a.example.com/chain.pem",
                "live/b.example.com: live/b.example.com/fullchain.pem + live/b.example.com/privkey.pem + live/b.example.com/fullchain.pem");
        assertThat(r.pairs().get(1).certificateChain()).contains(B.chainPem());
        assertThat(r.ignored()).containsExactly("live/README");
    }

    @Test
    void otherFilesAreIgnoredAndNamedUnreadAndHiddenOnesAreNotNamed() {
        Result r = pair(f("a.crt", LEAF), f("a.key", KEY), f("a.csr", "-----BEGIN CERTIFICATE REQUEST-----\n"),
                f("notes.txt", "n"), f(".hidden.key", KEY), new PemFilePairing.Unread("backup.tar.gz", 1L << 30));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).hasSize(1);
        assertThat(r.ignored()).containsExactly("a.csr", "backup.tar.gz", "notes.txt");
    }

    @Test
    void onlyFilesWorthReadingAreRead() {
        assertThat(PemFilePairing.worthReading("live/a/cert.pem", 4000)).isTrue();
        assertThat(PemFilePairing.worthReading("shop.ca-bundle", 4000)).isTrue();
        assertThat(PemFilePairing.worthReading("shop.pem", PemFilePairing.MAX_FILE_BYTES + 1L)).isFalse();
        assertThat(PemFilePairing.worthReading("notes.txt", 10)).isFalse();
        assertThat(PemFilePairing.worthReading(".git/x.pem", 10)).isFalse();
        Result r = pair(new PemFilePairing.Unread("huge.pem", 3_000_000), f("big.crt", "x".repeat(PemFilePairing.MAX_FILE_BYTES + 1)));
        assertThat(r.problems()).containsExactly(
                "big.crt: 2200001 bytes, more than the 2200000 a PEM file of one certificate may have; not read",
                "huge.pem: 3000000 bytes, more than the 2200000 a PEM file of one certificate may have; not read");
    }

    @Test
    void everyUnpairedOrAmbiguousGroupIsNamedWithItsFiles() {
        Result r = pair(f("good.crt", LEAF), f("good.key", KEY),
                f("orphan.key", KEY),
                f("lonely.crt", LEAF),
                f("twice.crt", LEAF), f("twice.pem", LEAF), f("twice.key", KEY),
                f("bundled.pem", LEAF + KEY), f("bundled.key", KEY),
                f("twokeys.pem", LEAF + KEY + KEY),
                f("stray.chain.pem", A.chainPem()),
                f("empty.crt", "not a certificate"),
                f("fc.crt", LEAF + INTERMEDIATE), f("fc.key", KEY), f("fc.chain.pem", A.chainPem()),
                f("two.crt", LEAF), f("two.key", KEY), f("two.chain.pem", A.chainPem()), f("two.ca-bundle", A.chainPem()),
                f("c.der", "\u0030\u0082binary"));
        assertThat(r.pairs()).extracting(Pair::name).containsExactly("good");
        assertThat(r.ignored()).containsExactly("c.der");
        assertThat(r.problems()).containsExactly(
                "empty.crt: no PEM certificate or private key in it (only PEM is accepted: text with "
                        + "-----BEGIN CERTIFICATE----- blocks and a private key block)",
                "twokeys.pem: holds 2 private keys; one file may hold one",
                "bundled: several private keys (bundled.key, bundled.pem); keep one",
                "fc: several chains (fc.chain.pem, fc.crt); put the intermediates in one place",
                "lonely: no private key file found for lonely.crt (expected e.g. lonely.key, or the key in lonely.crt)",
                "orphan: orphan.key — no certificate file found for it (expected e.g. orphan.crt)",
                "stray: stray.chain.pem — no certificate file found for it (expected e.g. stray.crt)",
                "twice: several certificate files (twice.crt, twice.pem); keep one per certificate, or give them distinct names",
                "two: several chains (two.ca-bundle, two.chain.pem); put the intermediates in one place");
    }

    @Test
    void traditionalEncryptedAndEcParameterKeysPairToo() {
        String ecWithParameters = "-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"
                + TestPki.traditional(A.leaf().privateKey());
        Result r = pair(f("ec.crt", LEAF), f("ec.key", ecWithParameters),
                f("enc.pem", LEAF + TestPki.encryptedPkcs8(A.leaf().privateKey(), "secret")));
        assertThat(r.problems()).isEmpty();
        assertThat(r.pairs()).extracting(Pair::name).containsExactly("ec", "enc");
        assertThat(r.pairs().get(0).privateKey()).startsWith("-----BEGIN EC PARAMETERS-----").contains("EC PRIVATE KEY");
        assertThat(r.pairs().get(1).privateKey()).contains("ENCRYPTED PRIVATE KEY");
    }
}
