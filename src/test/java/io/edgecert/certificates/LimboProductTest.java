package io.edgecert.certificates;

import static org.assertj.core.api.Assertions.assertThat;

import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.x509.HostnameMatcher;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.certificates.x509.Warning;
import io.edgecert.testing.TestPki;
import io.edgecert.testing.TestPki.Issued;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.junit.jupiter.api.Test;

/**
 * What the x509-limbo work changed in the product, checked through the product's own entry
 * points (ImportRules, HostnameMatcher) rather than limbo's vectors. The anchor profile's test is
 * x509.CertificateProfileTest.
 */
class LimboProductTest {
    private static ImportRules rules(X509Certificate... roots) {
        return new ImportRules(new ChainAnalyzer(new TrustStore("test roots", List.of(roots))), Clock.systemUTC());
    }

    private static CertificateSubmission submission(Issued leaf, X509Certificate... chain) {
        return new CertificateSubmission(leaf.certificatePem(), leaf.keyPem(), Optional.of(TestPki.pem(chain)));
    }

    @Test
    void aWildcardOverAPublicSuffixCoversNoAlias() {
        assertThat(HostnameMatcher.matches("*.example.co.uk", "shop.example.co.uk")).isTrue();
        assertThat(HostnameMatcher.matches("*.co.uk", "example.co.uk")).isFalse();
        assertThat(HostnameMatcher.certificateCovers(List.of("*.s3.amazonaws.com"), "bucket.s3.amazonaws.com")).isFalse();
        assertThat(HostnameMatcher.certificateCovers(List.of("*.example.com"), "www.example.com")).isTrue();
    }

    /**
     * "Chain of pain": the pasted chain ends with an expired cross-sign of the root and the old
     * root above it. The store holds the current root, so the chain is trusted through it.
     */
    @Test
    void theTrustAnalysisBuildsAPathAroundAnExpiredCrossSign() {
        KeyPair rootKey = TestPki.freshRsa(2048);
        Instant now = Instant.now();
        Issued oldRoot = TestPki.cert().subject("CN=Old Root").ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        Issued root = TestPki.cert().subject("CN=New Root").key(rootKey).ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        Issued crossSign = TestPki.cert().subject("CN=New Root").key(rootKey).ca().issuedBy(oldRoot)
                .validity(now.minus(Duration.ofDays(800)), now.minus(Duration.ofDays(1))).build();
        Issued intermediate = TestPki.cert().subject("CN=Issuing CA").ca(0).issuedBy(root).expiresIn(Duration.ofDays(1000)).build();
        Issued leaf = TestPki.cert().dns("pain.example.com").issuedBy(intermediate).build();

        ValidatedMaterial m = rules(root.certificate()).check(
                submission(leaf, intermediate.certificate(), crossSign.certificate(), oldRoot.certificate()));
        assertThat(m.trusted()).isTrue();
        assertThat(m.warnings()).extracting(Warning::code).contains(Warning.Code.IntermediateExpired)
                .doesNotContain(Warning.Code.ChainNotTrusted);
    }

    @Test
    void aLeafForAnotherPurposeIsNotTrustedForTls() {
        Issued root = TestPki.cert().subject("CN=EKU Root").ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        Issued leaf = TestPki.cert().dns("client.example.com").eku(KeyPurposeId.id_kp_clientAuth).issuedBy(root).build();
        ValidatedMaterial m = rules(root.certificate()).check(submission(leaf, root.certificate()));
        assertThat(m.trusted()).isFalse();
        assertThat(m.warnings()).filteredOn(w -> w.code() == Warning.Code.ChainNotTrusted).singleElement()
                .satisfies(w -> assertThat(w.message()).contains("serverAuth").contains("even where that root is trusted"));
    }

    @Test
    void theServerIdentityIgnoresTheCommonName() {
        Issued root = TestPki.cert().subject("CN=Name Root").ca().selfSigned().build();
        Issued leaf = TestPki.cert().subject("CN=cn-only.example.com").dns("san.example.com").issuedBy(root).build();
        assertThat(HostnameMatcher.serverIdentityProblem(leaf.certificate(), "san.example.com")).isEmpty();
        assertThat(HostnameMatcher.serverIdentityProblem(leaf.certificate(), "SAN.Example.COM.")).isEmpty();
        assertThat(HostnameMatcher.serverIdentityProblem(leaf.certificate(), "cn-only.example.com")).isPresent();
    }
}
