package io.edgecert.bench;

import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.ImportRules;
import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.x509.TrustStore;
import io.edgecert.certificates.ValidatedMaterial;
import io.edgecert.certificates.x509.VerifiedSignatures;
import io.edgecert.testing.TestPki;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Import rules speed (issue 2, "Speed"): parse + validate + key check, i.e. everything
 * {@link ImportRules#check} does, for one RSA-2048 and one EC P-256 certificate, each with a
 * two-certificate chain (intermediate + root) whose root is in the trust store, so the full path
 * (PEM, key parse, key match, chain ordering, PKIX validation against the store) runs.
 * {@code pem*} isolates the PEM + X.509 parsing of the certificate and its chain.
 *
 * <p>The product caches verified (certificate, issuer) signatures ({@code SelfSigned}), and
 * checking the same submission again would measure only that cache. So:
 * <ul>
 *   <li>{@code checkRsa2048}, {@code checkEcP256} forget every verified signature first: every
 *       signature is verified, as for the first import of a CA chain (and as openssl does);</li>
 *   <li>{@code check*SharedChain} forget only the leaf's signature: the intermediate and root
 *       come from the cache, as in production, where the imports of a job or of one SaaS share
 *       their CA chains but every leaf is new. That is why the cache exists.</li>
 * </ul>
 * Forgetting costs a map clear, or two SHA-256 of a certificate (microseconds), inside the measurement.
 *
 * <p>Run with {@code bench/jmh.sh}. {@link #main} writes the same material as files for the
 * openssl baseline in that script.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ImportRulesBenchmark {
    private CertificateSubmission rsa;
    private CertificateSubmission ec;
    private TestPki.Hierarchy rsaHierarchy;
    private TestPki.Hierarchy ecHierarchy;
    private ImportRules rules;

    /** Material of one hierarchy: root -> intermediate -> leaf with the given leaf key. */
    record Material(TestPki.Hierarchy hierarchy, CertificateSubmission submission) {
    }

    static Material material(java.security.KeyPair leafKey, String name) {
        TestPki.Hierarchy h = TestPki.hierarchy(leafKey, name);
        return new Material(h, new CertificateSubmission(h.leaf().certificatePem(), h.leaf().keyPem(),
                Optional.of(h.chainPem())));
    }

    @Setup(Level.Trial)
    public void setUp() {
        Material r = material(TestPki.rsa(2048), "rsa.bench.example");
        Material e = material(TestPki.ec("secp256r1"), "ec.bench.example");
        rsa = r.submission();
        ec = e.submission();
        rsaHierarchy = r.hierarchy();
        ecHierarchy = e.hierarchy();
        TrustStore store = new TrustStore("bench roots",
                List.of(r.hierarchy().root().certificate(), e.hierarchy().root().certificate()));
        rules = new ImportRules(new ChainAnalyzer(store), Clock.systemUTC());
        // Fail the trial rather than benchmark a refusal or an untrusted shortcut.
        for (CertificateSubmission s : List.of(rsa, ec)) {
            ValidatedMaterial m = rules.check(s);
            if (!m.trusted() || m.chain().size() != 2) {
                throw new IllegalStateException("bench material not trusted or chain not 2 long: " + m
                        + " warnings=" + m.warnings());
            }
        }
    }

    /** Every signature verified: nothing in the cache. */
    @Benchmark
    public ValidatedMaterial checkRsa2048() {
        VerifiedSignatures.forgetAll();
        return rules.check(rsa);
    }

    @Benchmark
    public ValidatedMaterial checkEcP256() {
        VerifiedSignatures.forgetAll();
        return rules.check(ec);
    }

    /** A new leaf under a CA chain already seen: production's common case. */
    @Benchmark
    public ValidatedMaterial checkRsa2048SharedChain() {
        forgetLeaf(rsaHierarchy);
        return rules.check(rsa);
    }

    @Benchmark
    public ValidatedMaterial checkEcP256SharedChain() {
        forgetLeaf(ecHierarchy);
        return rules.check(ec);
    }

    private static void forgetLeaf(TestPki.Hierarchy h) {
        VerifiedSignatures.forget(h.leaf().certificate(), h.intermediate().certificate());
    }

    /** PEM decoding + X.509 parsing of leaf and chain only (no key, no validation). */
    @Benchmark
    public int pemRsa2048LeafAndChain() {
        List<X509Certificate> leaf = Pem.certificates("certificate", rsa.certificate());
        List<X509Certificate> chain = Pem.certificates("certificateChain", rsa.certificateChain().orElseThrow());
        return leaf.size() + chain.size();
    }

    /**
     * Writes the RSA and EC material as PEM files into the directory given (rsa-leaf.pem,
     * rsa-key.pem, rsa-intermediate.pem, rsa-root.pem, and the same with ec-), for the openssl
     * baseline of bench/jmh.sh.
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args.length > 0 ? args[0] : "target/bench-material");
        Files.createDirectories(dir);
        write(dir, "rsa", material(TestPki.rsa(2048), "rsa.bench.example"));
        write(dir, "ec", material(TestPki.ec("secp256r1"), "ec.bench.example"));
        System.out.println("material written to " + dir.toAbsolutePath());
    }

    private static void write(Path dir, String prefix, Material m) throws Exception {
        TestPki.Hierarchy h = m.hierarchy();
        Files.writeString(dir.resolve(prefix + "-leaf.pem"), h.leaf().certificatePem());
        Files.writeString(dir.resolve(prefix + "-key.pem"), h.leaf().keyPem());
        Files.writeString(dir.resolve(prefix + "-intermediate.pem"), TestPki.pem(h.intermediate().certificate()));
        Files.writeString(dir.resolve(prefix + "-root.pem"), TestPki.pem(h.root().certificate()));
        Files.writeString(dir.resolve(prefix + "-chain.pem"), h.chainPem());
    }
}
