package io.edgecert.certificates;

import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Material made by the openssl command line, the way customers make it: keys from genrsa,
 * ecparam -genkey (with its EC PARAMETERS block) and genpkey, certificates from req/x509, the
 * -text dump in front, and keys encrypted by pkcs8 -topk8 and by the legacy -aes256 option.
 */
class OpensslMaterialTest {
    @TempDir
    Path dir;

    private final ImportRules rules = new ImportRules(new ChainAnalyzer(new TrustStore("none", List.of())), Clock.systemUTC());

    private String openssl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private String read(String file) throws IOException {
        return Files.readString(dir.resolve(file));
    }

    /** A self-signed server certificate for the key in key.pem. */
    private String selfSigned(String keyFile, String name) throws Exception {
        openssl("req", "-new", "-x509", "-key", keyFile, "-out", "cert.pem", "-days", "30", "-subj", "/CN=" + name,
                "-addext", "subjectAltName=DNS:" + name + ",DNS:www." + name);
        return read("cert.pem");
    }

    @Test
    void genrsaTraditionalKeyAndTextDump() throws Exception {
        openssl("genrsa", "-traditional", "-out", "key.pem", "2048");
        assertThat(read("key.pem")).contains("BEGIN RSA PRIVATE KEY");
        selfSigned("key.pem", "rsa.example.com");
        String withText = openssl("x509", "-in", "cert.pem", "-text");
        assertThat(withText).contains("Certificate:").contains("BEGIN CERTIFICATE");
        ValidatedMaterial m = rules.check(new CertificateSubmission(withText, read("key.pem"), Optional.empty()));
        assertThat(m.keyType()).isEqualTo(KeyType.RSA_2048);
        assertThat(m.facts().subjectAlternativeNames()).containsExactly("rsa.example.com", "www.rsa.example.com");
    }

    @Test
    void pkcs12OutputWithItsBagAttributes() throws Exception {
        openssl("genrsa", "-out", "key.pem", "2048");
        selfSigned("key.pem", "p12.example.com");
        openssl("pkcs12", "-export", "-in", "cert.pem", "-inkey", "key.pem", "-name", "shop cert",
                "-out", "bundle.p12", "-passout", "pass:secret");
        openssl("pkcs12", "-in", "bundle.p12", "-passin", "pass:secret", "-nokeys", "-out", "p12-cert.pem");
        openssl("pkcs12", "-in", "bundle.p12", "-passin", "pass:secret", "-nocerts", "-nodes", "-out", "p12-key.pem");
        assertThat(read("p12-cert.pem")).contains("Bag Attributes").contains("friendlyName: shop cert").contains("subject=");
        assertThat(read("p12-key.pem")).contains("Bag Attributes").contains("localKeyID:").contains("Key Attributes");
        ValidatedMaterial m = rules.check(new CertificateSubmission(read("p12-cert.pem"), read("p12-key.pem"), Optional.empty()));
        assertThat(m.facts().domainName()).isEqualTo("p12.example.com");
    }

    @Test
    void subjectAndIssuerLinesAndTheTextDumpBeforeTheBlock() throws Exception {
        openssl("genrsa", "-out", "key.pem", "2048");
        selfSigned("key.pem", "si.example.com");
        String subjectIssuer = openssl("x509", "-in", "cert.pem", "-subject", "-issuer");
        assertThat(subjectIssuer).startsWith("subject=");
        rules.check(new CertificateSubmission(subjectIssuer, read("key.pem"), Optional.empty()));

        String withText = openssl("x509", "-in", "cert.pem", "-text");
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> rules.check(new CertificateSubmission("hello\n" + withText, read("key.pem"), Optional.empty())));
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidPem);
        assertThat(e.errors().get(0).message()).contains("line 1");
    }

    @Test
    void ecparamGenkeyWithItsParametersBlock() throws Exception {
        openssl("ecparam", "-name", "secp384r1", "-genkey", "-out", "key.pem");
        assertThat(read("key.pem")).contains("BEGIN EC PARAMETERS").contains("BEGIN EC PRIVATE KEY");
        String cert = selfSigned("key.pem", "ec.example.com");
        ValidatedMaterial m = rules.check(new CertificateSubmission(cert, read("key.pem"), Optional.empty()));
        assertThat(m.keyType()).isEqualTo(KeyType.EC_secp384r1);
    }

    @Test
    void genpkeyP521AndPkcs8() throws Exception {
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521", "-out", "key.pem");
        assertThat(read("key.pem")).contains("BEGIN PRIVATE KEY");
        String cert = selfSigned("key.pem", "p521.example.com");
        assertThat(rules.check(new CertificateSubmission(cert, read("key.pem"), Optional.empty())).keyType())
                .isEqualTo(KeyType.EC_secp521r1);
    }

    @Test
    void opensslEncryptedKeysAreRefused() throws Exception {
        openssl("genrsa", "-out", "key.pem", "2048");
        String cert = selfSigned("key.pem", "enc.example.com");
        openssl("pkcs8", "-topk8", "-in", "key.pem", "-out", "pkcs8.pem", "-passout", "pass:secret");
        openssl("rsa", "-in", "key.pem", "-aes256", "-traditional", "-out", "legacy.pem", "-passout", "pass:secret");
        assertThat(read("legacy.pem")).contains("Proc-Type: 4,ENCRYPTED");
        for (String file : List.of("pkcs8.pem", "legacy.pem")) {
            ProblemException e = catchThrowableOfType(ProblemException.class,
                    () -> rules.check(new CertificateSubmission(cert, read(file), Optional.empty())));
            assertThat(e.code()).as(file).isEqualTo(ErrorCode.EncryptedPrivateKey);
        }
    }

    @Test
    void ed25519FromOpensslIsRefused() throws Exception {
        openssl("genpkey", "-algorithm", "ED25519", "-out", "key.pem");
        String cert = selfSigned("key.pem", "ed.example.com");
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> rules.check(new CertificateSubmission(cert, read("key.pem"), Optional.empty())));
        assertThat(e.code()).isEqualTo(ErrorCode.UnsupportedKeyAlgorithm);
    }

    @Test
    void aDerFileIsNotPem() throws Exception {
        openssl("genrsa", "-out", "key.pem", "2048");
        selfSigned("key.pem", "der.example.com");
        openssl("x509", "-in", "cert.pem", "-outform", "DER", "-out", "cert.der");
        String der = new String(Files.readAllBytes(dir.resolve("cert.der")), StandardCharsets.ISO_8859_1);
        ProblemException e = catchThrowableOfType(ProblemException.class,
                () -> rules.check(new CertificateSubmission(der, read("key.pem"), Optional.empty())));
        assertThat(e.code()).isEqualTo(ErrorCode.InvalidPem);
    }
}
