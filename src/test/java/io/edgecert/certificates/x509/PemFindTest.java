package io.edgecert.certificates.x509;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lenient readers beside the strict {@link Pem#blocks}: for sorting files and guarding echoes. */
class PemFindTest {
    @Test
    void findKeepsEachClosedBlockAsWrittenAndSkipsTheRest() {
        String text = "Bag Attributes\r\n-----BEGIN CERTIFICATE-----\r\n  QUJD  \r\n-----END CERTIFICATE-----\r\n"
                + "-----BEGIN EC PRIVATE KEY-----\nnever closed\n"
                + "-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----\ntrailing text";
        assertThat(Pem.find(text)).extracting(Pem.Armour::label, Pem.Armour::text).containsExactly(
                org.assertj.core.groups.Tuple.tuple("CERTIFICATE", "-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----"),
                org.assertj.core.groups.Tuple.tuple("PRIVATE KEY", "-----BEGIN PRIVATE KEY-----\nREVG\n-----END PRIVATE KEY-----"));
        assertThat(Pem.find("no armour")).isEmpty();
        assertThat(Pem.find("-----BEGIN X509 CERTIFICATE-----\nQQ==\n-----END X509 CERTIFICATE-----").get(0).isCertificate()).isTrue();
    }

    @Test
    void anythingThatLooksLikeAKeyLineMayHoldAKey() {
        assertThat(Pem.mayHoldPrivateKey("x\n-----BEGIN ENCRYPTED PRIVATE KEY-----\n")).isTrue();
        assertThat(Pem.mayHoldPrivateKey("-----begin rsa private key")).isTrue();
        assertThat(Pem.mayHoldPrivateKey("-----BEGIN CERTIFICATE-----\nPRIVATE KEY\n")).isFalse();
        assertThat(Pem.mayHoldPrivateKey("-----BEGIN CERTIFICATE----- PRIVATE KEY")).isFalse();
        assertThat(Pem.mayHoldPrivateKey(null)).isFalse();
    }
}
