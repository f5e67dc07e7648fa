package io.edgecert.certificates;

import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.certificates.x509.Warning;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.testing.TestPki;
import io.edgecert.testing.TestPki.Hierarchy;
import io.edgecert.testing.TestPki.Issued;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Every rule of import-rules.md parts A and B, each with real generated material and its code. */
class ImportRulesTest {
    private static final TrustStore EMPTY = new TrustStore("test store (empty)", List.of());
    private final ImportRules rules = rules(EMPTY);

    static ImportRules rules(TrustStore store) {
        return new ImportRules(new ChainAnalyzer(store), Clock.systemUTC());
    }

    static CertificateSubmission submission(Issued leaf, String keyPem, String chainPem) {
        return new CertificateSubmission(leaf.certificatePem(), keyPem, Optional.ofNullable(chainPem));
    }

    static CertificateSubmission submission(Hierarchy h) {
        return submission(h.leaf(), h.leaf().keyPem(), h.chainPem());
    }

    /** The refusal, checked for its code and field and for carrying no key material. */
    private ProblemException refused(CertificateSubmission s, ErrorCode code, String field) {
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> rules.check(s));
        assertThat(e).as("expected %s", code).isNotNull();
        assertThat(e.code()).as(e.detail()).isEqualTo(code);
        assertThat(e.errors()).extracting(v -> v.field()).contains(field);
        assertNoKeyMaterial(e.detail() + e.errors(), s.privateKey());
        return e;
    }

    static void assertNoKeyMaterial(String text, String keyPem) {
        if (keyPem == null) {
            return;
        }
        String body = keyPem.replaceAll("-----[^-]+-----", "").replaceAll("\\s", "");
        for (int i = 0; i + 16 <= body.length(); i += 8) {
            assertThat(text).doesNotContain(body.substring(i, i + 16));
        }
    }

    // ---- A1, A2 ----------------------------------------------------------------------------

    @Test
    void certificateAndKeyAreRequired() {
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> rules.check(new CertificateSubmission(null, " ", Optional.empty())));
        assertThat(e.code()).isEqualTo(ErrorCode.MissingField);
        assertThat(e.errors()).extracting(v -> v.field()).containsExactly("certificate", "privateKey");
    }

    @Test
    void oversizedFieldsAreRefusedBeforeParsing() {
        Issued leaf = TestPki.cert().dns("big.example.com").build();
        String huge = leaf.certificatePem() + "x".repeat(ImportRules.MAX_CERTIFICATE_BYTES);
        refused(new CertificateSubmission(huge, leaf.keyPem(), Optional.empty()), ErrorCode.SizeLimitExceeded, "certificate");
        refused(new CertificateSubmission(leaf.certificatePem(), leaf.keyPem() + " ".repeat(6000), Optional.empty()),
                ErrorCode.SizeLimitExceeded, "privateKey");
        refused(new CertificateSubmission(leaf.certificatePem(), leaf.keyPem(),
                Optional.of("y".repeat(ImportRules.MAX_CHAIN_BYTES + 1))), ErrorCode.SizeLimitExceeded, "certificateChain");
    }

    // ---- A3 PEM ----------------------------------------------------------------------------

    @Test
    void acceptsWhatPeoplePaste() {
        Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), "paste.example.com");
        String crlf = h.leaf().certificatePem().replace("\n", "\r\n");
        String dump = "Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number:\n"
                + "            3a:bc:01\n        Subject: CN = paste.example.com\n";
        String sClient = "CONNECTED(00000003)\n---\nCertificate chain\n 0 s:CN = intermediate\n   i:CN = root\n";
        ValidatedMaterial m = rules.check(new CertificateSubmission("\n\n  " + dump + crlf + "  \n\n",
                "   " + h.leaf().keyPem().replace("\n", "\r\n") + "\n", Optional.of(sClient + h.chainPem())));
        assertThat(m.facts().domainName()).isEqualTo("paste.example.com");
        assertThat(m.chain()).hasSize(2);
    }

    @Test
    void refusesWhatIsNotPem() throws Exception {
        Issued leaf = TestPki.cert().dns("der.example.com").build();
        String der = new String(leaf.certificate().getEncoded(), java.nio.charset.StandardCharsets.ISO_8859_1);
        String bareBase64 = Base64.getMimeEncoder().encodeToString(leaf.certificate().getEncoded());
        String pem = leaf.certificatePem();
        String brokenBase64 = pem.replaceFirst("\n[A-Za-z0-9+/]{10}", "\n!!!!!!!!!!");
        String truncated = pem.substring(0, pem.length() / 2);
        for (String bad : List.of(der, bareBase64, pem + "trailing garbage\n", brokenBase64, truncated, "hello")) {
            refused(new CertificateSubmission(bad, leaf.keyPem(), Optional.empty()), ErrorCode.InvalidPem, "certificate");
        }
        refused(new CertificateSubmission(pem, leaf.certificatePem(), Optional.empty()), ErrorCode.InvalidPem, "privateKey");
        refused(new CertificateSubmission(leaf.keyPem(), leaf.keyPem(), Optional.empty()), ErrorCode.InvalidPem, "certificate");
    }

    @Test
    void refusesTextAroundBlocksThatOpensslDoesNotPrint() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "garbage.example.com");
        String leaf = h.leaf().certificatePem();
        String key = h.leaf().keyPem();
        String intermediate = TestPki.pem(h.intermediate().certificate());
        String root = TestPki.pem(h.root().certificate());

        ProblemException before = refused(new CertificateSubmission("hello\n" + leaf, key, Optional.empty()),
                ErrorCode.InvalidPem, "certificate");
        assertThat(before.errors().get(0).message()).contains("certificate").contains("line 1").doesNotContain("hello");

        ProblemException between = refused(new CertificateSubmission(leaf, key,
                Optional.of(intermediate + "my notes: this is the root\n" + root)), ErrorCode.InvalidPem, "certificateChain");
        int noteLine = intermediate.split("\n").length + 1;
        assertThat(between.errors().get(0).message()).contains("certificateChain").contains("line " + noteLine);

        refused(new CertificateSubmission(leaf, "hello\n" + key, Optional.empty()), ErrorCode.InvalidPem, "privateKey");
        // OpenSSL's headers do not make what follows them acceptable.
        for (String fake : List.of("Certificate:\nnot indented\n", "Bag Attributes\n    friendlyName: x\n    not an attribute\n",
                "subject=CN = a\nhello\n", " 0 s:CN = a\n   x:something\n")) {
            ProblemException e = refused(new CertificateSubmission(fake + leaf, key, Optional.empty()), ErrorCode.InvalidPem,
                    "certificate");
            int badLine = fake.split("\n").length; // the last line of each is the one OpenSSL never prints
            assertThat(e.errors().get(0).message()).as(fake).contains("line " + badLine + ")");
        }
    }

    @Test
    void acceptsWhatOpensslPrintsBeforeBlocks() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "showcerts.example.com");
        String sClient = "CONNECTED(00000003)\ndepth=2 CN = root\nverify return:1\n---\nCertificate chain\n"
                + " 0 s:CN = showcerts.example.com\n   i:CN = intermediate\n"
                + "   a:PKEY: rsaEncryption, 2048 (bit); sigalg: ecdsa-with-SHA256\n"
                + "   v:NotBefore: Dec  1 00:00:00 2026 GMT; NotAfter: Mar  1 00:00:00 2027 GMT\n";
        String subjectIssuer = "subject=CN = intermediate\nissuer=CN = root\n";
        String pkcs12Key = "Bag Attributes\n    friendlyName: shop\n    localKeyID: B5 99 62 7D \nKey Attributes: <No Attributes>\n";
        ValidatedMaterial m = rules.check(new CertificateSubmission(sClient + h.leaf().certificatePem(),
                pkcs12Key + h.leaf().keyPem(), Optional.of(subjectIssuer + TestPki.pem(h.intermediate().certificate())
                + " 2 s:CN = root\n   i:CN = root\n" + TestPki.pem(h.root().certificate()))));
        assertThat(m.chain()).hasSize(2);
    }

    // ---- A4 --------------------------------------------------------------------------------

    @Test
    void theLeafWithItsChainInTheCertificateFieldGetsAHint() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "bundle.example.com");
        ProblemException e = refused(new CertificateSubmission(h.leaf().certificatePem() + h.chainPem(),
                h.leaf().keyPem(), Optional.empty()), ErrorCode.MultipleCertificates, "certificate");
        assertThat(e.detail()).contains("3 certificates").contains("certificateChain");
    }

    // ---- A5 --------------------------------------------------------------------------------

    @Test
    void encryptedKeysAreRefusedInBothForms() {
        Issued leaf = TestPki.cert().dns("enc.example.com").key(TestPki.rsa(2048)).build();
        refused(submission(leaf, TestPki.encryptedPkcs8(leaf.privateKey(), "secret"), null),
                ErrorCode.EncryptedPrivateKey, "privateKey");
        ProblemException legacy = refused(submission(leaf, TestPki.legacyEncrypted(leaf.privateKey(), "secret"), null),
                ErrorCode.EncryptedPrivateKey, "privateKey");
        assertThat(legacy.detail()).contains("openssl");
    }

    // ---- A6 --------------------------------------------------------------------------------

    @Test
    void aKeyOfAnotherCertificateIsAMismatchWithBothFingerprints() {
        Issued leaf = TestPki.cert().dns("a.example.com").key(TestPki.freshRsa(2048)).build();
        KeyPair other = TestPki.freshRsa(2048);
        ProblemException e = refused(submission(leaf, TestPki.pkcs8(other.getPrivate()), null),
                ErrorCode.KeyMismatch, "privateKey");
        assertThat(e.detail())
                .contains(PrivateKeys.publicKeyFingerprint(leaf.certificate().getPublicKey()))
                .contains(PrivateKeys.publicKeyFingerprint(other.getPublic()))
                .contains("another certificate");
    }

    @Test
    void theIntermediatesKeyIsNamedAsSuch() {
        Hierarchy h = TestPki.hierarchy(TestPki.freshEc("secp256r1"), "swap.example.com");
        ProblemException e = refused(submission(h.leaf(), h.intermediate().keyPem(), h.chainPem()),
                ErrorCode.KeyMismatch, "privateKey");
        assertThat(e.detail()).contains("certificateChain block 1");
    }

    @Test
    void anEcKeyOfTheSameCurveButAnotherPointIsAMismatch() {
        Issued leaf = TestPki.cert().dns("ec.example.com").key(TestPki.freshEc("secp384r1")).build();
        refused(submission(leaf, TestPki.traditional(TestPki.freshEc("secp384r1").getPrivate()), null),
                ErrorCode.KeyMismatch, "privateKey");
    }

    // ---- A7 --------------------------------------------------------------------------------

    @ParameterizedTest
    @CsvSource({"RSA,1024,RSA_1024", "RSA,2048,RSA_2048", "RSA,3072,RSA_3072", "RSA,4096,RSA_4096",
            "EC,secp256r1,EC_prime256v1", "EC,secp384r1,EC_secp384r1", "EC,secp521r1,EC_secp521r1"})
    void everyAcceptedKeyTypeInEveryEncoding(String algorithm, String size, KeyType expected) {
        KeyPair kp = algorithm.equals("RSA") ? TestPki.rsa(Integer.parseInt(size)) : TestPki.ec(size);
        Issued leaf = TestPki.cert().dns(size + ".keys.example.com").key(kp).build();
        for (String keyPem : List.of(TestPki.pkcs8(kp.getPrivate()), TestPki.traditional(kp.getPrivate()))) {
            ValidatedMaterial m = rules.check(submission(leaf, keyPem, null));
            assertThat(m.keyType()).isEqualTo(expected);
            assertThat(m.privateKey().getEncoded()).isEqualTo(kp.getPrivate().getEncoded());
            assertThat(m.warnings()).extracting(Warning::code).contains(Warning.Code.ChainNotTrusted);
            if (expected == KeyType.RSA_1024) {
                assertThat(m.warnings()).extracting(Warning::code).contains(Warning.Code.WeakKey);
            } else {
                assertThat(m.warnings()).extracting(Warning::code).doesNotContain(Warning.Code.WeakKey);
            }
        }
    }

    @Test
    void ed25519AndRsa512AreRefused() {
        Issued ed = TestPki.cert().dns("ed.example.com").key(TestPki.ed25519()).build();
        refused(submission(ed, ed.keyPem(), null), ErrorCode.UnsupportedKeyAlgorithm, "privateKey");
        Issued small = TestPki.cert().dns("small.example.com").key(TestPki.freshRsa(512)).build();
        ProblemException e = refused(submission(small, small.keyPem(), null), ErrorCode.UnsupportedKeySize, "privateKey");
        assertThat(e.detail()).contains("RSA 512");
    }

    // ---- A8 --------------------------------------------------------------------------------

    @Test
    void version1CertificatesAreRefused() {
        Issued v1 = TestPki.cert().subject("CN=v1.example.com").v1().build();
        refused(submission(v1, v1.keyPem(), null), ErrorCode.InvalidCertificate, "certificate");
    }

    @Test
    void aCertificateNeedsAHostName() {
        Issued nameless = TestPki.cert().subject("O=Acme Corp, CN=Acme Signing Certificate").build();
        ProblemException e = refused(submission(nameless, nameless.keyPem(), null), ErrorCode.InvalidCertificate, "certificate");
        assertThat(e.detail()).contains("DNS name");
    }

    @Test
    void aLegacyCertificateWithOnlyACommonNameIsNamedByIt() {
        Issued legacy = TestPki.cert().subject("CN=Legacy.Example.com").build();
        ValidatedMaterial m = rules.check(submission(legacy, legacy.keyPem(), null));
        assertThat(m.facts().subjectAlternativeNames()).containsExactly("legacy.example.com");
    }

    @Test
    void ocspUrlsAreCappedAt1000Characters() {
        Issued ok = TestPki.cert().dns("ocsp.example.com").ocsp("http://ocsp.example.com/" + "a".repeat(970)).build();
        rules.check(submission(ok, ok.keyPem(), null));
        Issued tooLong = TestPki.cert().dns("ocsp.example.com").ocsp("http://ocsp.example.com/" + "a".repeat(1000)).build();
        refused(submission(tooLong, tooLong.keyPem(), null), ErrorCode.InvalidCertificate, "certificate");
    }

    @Test
    void wildcardApexAndIpNames() {
        Issued wildcard = TestPki.cert().dns("Example.com", "*.example.com").build();
        CertificateFacts f = rules.check(submission(wildcard, wildcard.keyPem(), null)).facts();
        assertThat(f.domainName()).isEqualTo("example.com");
        assertThat(f.subjectAlternativeNames()).containsExactly("example.com", "*.example.com");
        Issued ip = TestPki.cert().subject("O=Acme").ip("192.0.2.10", "2001:db8::1").build();
        CertificateFacts ipFacts = rules.check(submission(ip, ip.keyPem(), null)).facts();
        assertThat(ipFacts.ipAddresses()).hasSize(2);
        assertThat(ipFacts.domainName()).isEqualTo("192.0.2.10");
    }

    // ---- A9 --------------------------------------------------------------------------------

    @Test
    void expiredAndNotYetValidCertificates() {
        Instant now = Instant.now();
        Issued expired = TestPki.cert().dns("old.example.com").validity(now.minus(Duration.ofDays(90)), now.minusSeconds(60)).build();
        ProblemException e = refused(submission(expired, expired.keyPem(), null), ErrorCode.CertificateExpired, "certificate");
        assertThat(e.detail()).contains(expired.certificate().getNotAfter().toInstant().toString());
        Issued future = TestPki.cert().dns("new.example.com").validity(now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(90))).build();
        refused(submission(future, future.keyPem(), null), ErrorCode.CertificateNotYetValid, "certificate");
    }

    // ---- A10, A11 and the chain warnings ---------------------------------------------------

    @Test
    void aChainInOrderIsServedAsGiven() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "order.example.com");
        ValidatedMaterial m = rules.check(submission(h));
        assertThat(m.chain()).containsExactly(h.intermediate().certificate(), h.root().certificate());
        assertThat(m.warnings()).extracting(Warning::code).doesNotContain(Warning.Code.ChainReordered);
    }

    @Test
    void aReversedChainIsReorderedWithAWarning() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "reversed.example.com");
        String reversed = TestPki.pem(h.root().certificate(), h.intermediate().certificate());
        ValidatedMaterial m = rules.check(submission(h.leaf(), h.leaf().keyPem(), reversed));
        assertThat(m.chain()).containsExactly(h.intermediate().certificate(), h.root().certificate());
        assertThat(m.warnings()).filteredOn(w -> w.code() == Warning.Code.ChainReordered)
                .singleElement().satisfies(w -> assertThat(w.message()).contains("blocks 2, 1"));
    }

    @Test
    void aChainContainingTheLeafIsRefused() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "leafy.example.com");
        ProblemException e = refused(submission(h.leaf(), h.leaf().keyPem(),
                h.leaf().certificatePem() + h.chainPem()), ErrorCode.InvalidChain, "certificateChain");
        assertThat(e.detail()).contains("block 1").contains("leaf");
    }

    @Test
    void aBrokenChainNamesTheLinkAndWhy() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "broken.example.com");
        Hierarchy other = TestPki.hierarchy(TestPki.rsa(2048), "other.example.com");
        ProblemException noIssuer = refused(submission(h.leaf(), h.leaf().keyPem(), other.chainPem()),
                ErrorCode.InvalidChain, "certificateChain");
        assertThat(noIssuer.detail()).contains(h.intermediate().certificate().getSubjectX500Principal().getName());

        // Same subject as the real intermediate, different key: the name alone proves nothing.
        Issued impostor = TestPki.cert().subject(h.intermediate().certificate().getSubjectX500Principal().getName())
                .key(TestPki.freshEc("secp256r1")).ca().issuedBy(h.root()).build();
        ProblemException badSignature = refused(submission(h.leaf(), h.leaf().keyPem(),
                TestPki.pem(impostor.certificate(), h.root().certificate())), ErrorCode.InvalidChain, "certificateChain");
        assertThat(badSignature.detail()).contains("did not sign");

        ProblemException stray = refused(submission(h.leaf(), h.leaf().keyPem(),
                h.chainPem() + other.leaf().certificatePem()), ErrorCode.InvalidChain, "certificateChain");
        assertThat(stray.detail()).contains("block 3");

        refused(submission(h.leaf(), h.leaf().keyPem(), TestPki.pem(h.root().certificate())),
                ErrorCode.InvalidChain, "certificateChain");
    }

    @Test
    void aChainIsRequiredUnlessTheIssuerIsATrustAnchor() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "nochain.example.com");
        ProblemException e = refused(submission(h.leaf(), h.leaf().keyPem(), null), ErrorCode.InvalidChain, "certificateChain");
        assertThat(e.detail()).contains("missing").contains(EMPTY.name());

        TrustStore intermediateIsAnchor = new TrustStore("private PKI", List.of(h.intermediate().certificate()));
        ValidatedMaterial m = rules(intermediateIsAnchor).check(submission(h.leaf(), h.leaf().keyPem(), null));
        assertThat(m.trusted()).isTrue();
        assertThat(m.chain()).isEmpty();
    }

    @Test
    void trustIsReportedAgainstTheStoreUsed() {
        Hierarchy h = TestPki.hierarchy(TestPki.rsa(2048), "trusted.example.com");
        TrustStore store = new TrustStore("test roots", List.of(h.root().certificate()));
        ValidatedMaterial withRoot = rules(store).check(submission(h));
        assertThat(withRoot.trusted()).isTrue();
        assertThat(withRoot.trustStoreName()).isEqualTo("test roots");
        assertThat(withRoot.warnings()).isEmpty();

        ValidatedMaterial withoutRoot = rules(store).check(submission(h.leaf(), h.leaf().keyPem(),
                TestPki.pem(h.intermediate().certificate())));
        assertThat(withoutRoot.trusted()).isTrue();

        ValidatedMaterial untrusted = rules.check(submission(h));
        assertThat(untrusted.trusted()).isFalse();
        assertThat(untrusted.warnings()).filteredOn(w -> w.code() == Warning.Code.ChainNotTrusted)
                .singleElement().satisfies(w -> assertThat(w.message()).contains(EMPTY.name()));

        ValidatedMaterial jdk = rules(TrustStore.jdkDefault()).check(submission(h));
        assertThat(jdk.trusted()).isFalse();
        assertThat(jdk.trustStoreName()).contains("cacerts");
    }

    @Test
    void shortLivedAndExpiredIntermediatesAreWarnedAbout() {
        Instant now = Instant.now();
        Issued root = TestPki.cert().subject("CN=Warn Root").ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        Issued shortLived = TestPki.cert().subject("CN=Short Intermediate").ca().issuedBy(root)
                .validity(now.minus(Duration.ofDays(10)), now.plus(Duration.ofDays(30))).build();
        Issued leaf = TestPki.cert().dns("short.example.com").issuedBy(shortLived).expiresIn(Duration.ofDays(90)).build();
        ValidatedMaterial m = rules.check(submission(leaf, leaf.keyPem(), TestPki.pem(shortLived.certificate(), root.certificate())));
        assertThat(m.warnings()).extracting(Warning::code).contains(Warning.Code.IntermediateExpiresBeforeLeaf);

        Issued expired = TestPki.cert().subject("CN=Expired Intermediate").ca().issuedBy(root)
                .validity(now.minus(Duration.ofDays(400)), now.minus(Duration.ofDays(1))).build();
        Issued leaf2 = TestPki.cert().dns("stale.example.com").issuedBy(expired).build();
        ValidatedMaterial m2 = rules.check(submission(leaf2, leaf2.keyPem(), TestPki.pem(expired.certificate())));
        assertThat(m2.warnings()).extracting(Warning::code).contains(Warning.Code.IntermediateExpired);
    }

    @Test
    void sha1SignaturesAreWarnedAbout() {
        Issued root = TestPki.cert().subject("CN=Sha1 Root").ca().selfSigned().build();
        Issued leaf = TestPki.cert().dns("sha1.example.com").issuedBy(root).signatureAlgorithm("SHA1withRSA").build();
        ValidatedMaterial m = rules.check(submission(leaf, leaf.keyPem(), TestPki.pem(root.certificate())));
        assertThat(m.warnings()).extracting(Warning::code).contains(Warning.Code.WeakSignatureAlgorithm);
    }

    @Test
    void aSelfSignedSha1LeafIsWarnedAboutButASha1RootSelfSignatureIsNot() {
        Issued self = TestPki.cert().dns("self-sha1.example.com").signatureAlgorithm("SHA1withRSA").build();
        ValidatedMaterial m = rules.check(submission(self, self.keyPem(), null));
        assertThat(m.warnings()).filteredOn(w -> w.code() == Warning.Code.WeakSignatureAlgorithm).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("self-sha1.example.com"));

        Issued sha1Root = TestPki.cert().subject("CN=Old Sha1 Root").ca().selfSigned().signatureAlgorithm("SHA1withRSA").build();
        Issued leaf = TestPki.cert().dns("under-sha1-root.example.com").issuedBy(sha1Root).build();
        assertThat(rules.check(submission(leaf, leaf.keyPem(), TestPki.pem(sha1Root.certificate()))).warnings())
                .extracting(Warning::code).doesNotContain(Warning.Code.WeakSignatureAlgorithm);
    }

    @Test
    void aSelfSignedCertificateNeedsNoChain() {
        Issued self = TestPki.cert().dns("self.example.com").key(TestPki.ec("secp256r1")).build();
        ValidatedMaterial m = rules.check(submission(self, self.keyPem(), null));
        assertThat(m.trusted()).isFalse();
        assertThat(m.chain()).isEmpty();
    }

    // ---- B3, B5 ----------------------------------------------------------------------------

    @Test
    void aReimportKeepsTheKeyType() {
        Issued before = TestPki.cert().dns("re.example.com").key(TestPki.rsa(2048)).build();
        Issued after = TestPki.cert().dns("re.example.com").key(TestPki.ec("secp256r1")).build();
        ValidatedMaterial next = rules.check(submission(after, after.keyPem(), null));
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> rules.checkReimport(before.certificate(), KeyType.RSA_2048, next));
        assertThat(e.code()).isEqualTo(ErrorCode.ReimportKeyTypeChanged);
        assertThat(e.detail()).contains("RSA 2048").contains("EC prime256v1");
    }

    @Test
    void aReimportKeepsUsagesExceptClientAuthAndEcKeyEncipherment() {
        Issued before = TestPki.cert().dns("ku.example.com").key(TestPki.ec("secp256r1"))
                .keyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment)
                .eku(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_clientAuth, KeyPurposeId.id_kp_codeSigning).build();
        Issued lostCodeSigning = TestPki.cert().dns("ku.example.com").key(TestPki.ec("secp256r1"))
                .keyUsage(KeyUsage.digitalSignature).eku(KeyPurposeId.id_kp_serverAuth).build();
        ProblemException e = catchThrowableOfType(ProblemException.class, () -> rules.checkReimport(before.certificate(),
                KeyType.EC_prime256v1, rules.check(submission(lostCodeSigning, lostCodeSigning.keyPem(), null))));
        assertThat(e.code()).isEqualTo(ErrorCode.ReimportUsageRemoved);
        assertThat(e.detail()).contains("CODE_SIGNING").doesNotContain("CLIENT").doesNotContain("KEY_ENCIPHERMENT");

        Issued fine = TestPki.cert().dns("ku.example.com").key(TestPki.ec("secp256r1"))
                .keyUsage(KeyUsage.digitalSignature).eku(KeyPurposeId.id_kp_serverAuth, KeyPurposeId.id_kp_codeSigning).build();
        rules.checkReimport(before.certificate(), KeyType.EC_prime256v1, rules.check(submission(fine, fine.keyPem(), null)));
    }

    // ---- A12 -------------------------------------------------------------------------------

    @Test
    void tagRules() {
        Map<String, String> many = new LinkedHashMap<>();
        for (int i = 0; i < 51; i++) {
            many.put("k" + i, "v");
        }
        assertThat(ImportRules.checkTags(many)).extracting(v -> v.code()).containsExactly(ErrorCode.TooManyTags);
        assertThat(ImportRules.checkTags(Map.of("team", "payments", "cost center", "a/b=c+d@e.f:g_h-i"))).isEmpty();
        assertThat(ImportRules.checkTags(Map.of("aws:created", "x"))).extracting(v -> v.code()).containsExactly(ErrorCode.InvalidTag);
        assertThat(ImportRules.checkTags(Map.of("Edgecert:x", "x"))).extracting(v -> v.code()).containsExactly(ErrorCode.InvalidTag);
        assertThat(ImportRules.checkTags(Map.of("k".repeat(129), "x"))).extracting(v -> v.code()).containsExactly(ErrorCode.InvalidTag);
        assertThat(ImportRules.checkTags(Map.of("k", "v".repeat(257)))).extracting(v -> v.code()).containsExactly(ErrorCode.InvalidTag);
        assertThat(ImportRules.checkTags(Map.of("bad<key>", "v", "ok", "semi;colon"))).hasSize(2);
        assertThat(ImportRules.checkTags(Map.of("", "v"))).extracting(v -> v.code()).containsExactly(ErrorCode.InvalidTag);
    }
}
