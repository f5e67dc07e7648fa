package io.edgecert.testing;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.X509v1CertificateBuilder;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.bouncycastle.openssl.jcajce.JcePEMEncryptorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

import java.io.StringWriter;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds real keys and certificates for tests with BouncyCastle. Keys are cached by type because
 * RSA generation is slow; ask for {@link #freshRsa(int)} when two distinct keys of one size are needed.
 *
 * <pre>
 * TestPki.Issued root = TestPki.cert().subject("CN=Test Root").ca().selfSigned().build();
 * TestPki.Issued leaf = TestPki.cert().dns("shop.example.com").issuedBy(root).build();
 * String pem = TestPki.pem(leaf.certificate());
 * </pre>
 */
public final class TestPki {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final AtomicLong SERIAL = new AtomicLong(System.nanoTime() & 0xffffffffL);
    private static final Map<String, KeyPair> CACHE = new ConcurrentHashMap<>();

    private TestPki() {
    }

    /** A certificate plus its key pair. */
    public record Issued(X509Certificate certificate, KeyPair keyPair) {
        public String certificatePem() {
            return pem(certificate);
        }

        /** PKCS#8 "PRIVATE KEY". */
        public String keyPem() {
            return pkcs8(keyPair.getPrivate());
        }

        public PrivateKey privateKey() {
            return keyPair.getPrivate();
        }
    }

    // ---- keys -------------------------------------------------------------------------------

    /** A cached RSA key pair of this size (shared across tests). */
    public static KeyPair rsa(int bits) {
        return CACHE.computeIfAbsent("RSA" + bits, k -> freshRsa(bits));
    }

    public static KeyPair freshRsa(int bits) {
        return generate("RSA", g -> g.initialize(bits, RANDOM));
    }

    /** A cached EC key pair on the named curve ("secp256r1", "secp384r1", "secp521r1", ...). */
    public static KeyPair ec(String curve) {
        return CACHE.computeIfAbsent("EC" + curve, k -> freshEc(curve));
    }

    public static KeyPair freshEc(String curve) {
        return generate("EC", g -> g.initialize(new ECGenParameterSpec(curve), RANDOM));
    }

    public static KeyPair ed25519() {
        return CACHE.computeIfAbsent("Ed25519", k -> generate("Ed25519", g -> { }));
    }

    private interface Init {
        void init(KeyPairGenerator g) throws Exception;
    }

    private static KeyPair generate(String algorithm, Init init) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
            init.init(g);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---- certificates -----------------------------------------------------------------------

    public static Builder cert() {
        return new Builder();
    }

    public static final class Builder {
        private String subject;
        private final List<GeneralName> sans = new ArrayList<>();
        private KeyPair keyPair;
        private Issued issuer;
        private boolean selfSigned;
        private Instant notBefore = Instant.now().minus(Duration.ofDays(1));
        private Instant notAfter = Instant.now().plus(Duration.ofDays(90));
        private boolean ca;
        private Integer pathLen;
        private boolean v1;
        private String signatureAlgorithm;
        private Integer keyUsage;
        private final List<KeyPurposeId> ekus = new ArrayList<>();
        private String ocspUrl;
        private X500Name issuerNameOverride;
        private BigInteger serial;

        /** Subject DN, e.g. "CN=shop.example.com, O=Shop". Defaults to CN of the first DNS name. */
        public Builder subject(String dn) {
            this.subject = dn;
            return this;
        }

        /** Adds DNS subjectAltNames. */
        public Builder dns(String... names) {
            for (String n : names) {
                sans.add(new GeneralName(GeneralName.dNSName, n));
            }
            return this;
        }

        public Builder ip(String... addresses) {
            for (String a : addresses) {
                sans.add(new GeneralName(GeneralName.iPAddress, a));
            }
            return this;
        }

        public Builder key(KeyPair kp) {
            this.keyPair = kp;
            return this;
        }

        public Builder issuedBy(Issued issuer) {
            this.issuer = issuer;
            return this;
        }

        public Builder selfSigned() {
            this.selfSigned = true;
            return this;
        }

        public Builder validity(Instant notBefore, Instant notAfter) {
            this.notBefore = notBefore;
            this.notAfter = notAfter;
            return this;
        }

        public Builder expiresIn(Duration d) {
            this.notAfter = Instant.now().plus(d);
            return this;
        }

        /** basicConstraints CA:true (critical) and keyUsage keyCertSign|cRLSign. */
        public Builder ca() {
            this.ca = true;
            return this;
        }

        public Builder ca(int pathLen) {
            this.ca = true;
            this.pathLen = pathLen;
            return this;
        }

        public Builder v1() {
            this.v1 = true;
            return this;
        }

        public Builder signatureAlgorithm(String alg) {
            this.signatureAlgorithm = alg;
            return this;
        }

        /** KeyUsage bits from {@link KeyUsage}, e.g. {@code KeyUsage.digitalSignature | KeyUsage.keyEncipherment}. */
        public Builder keyUsage(int bits) {
            this.keyUsage = bits;
            return this;
        }

        public Builder eku(KeyPurposeId... purposes) {
            ekus.addAll(List.of(purposes));
            return this;
        }

        public Builder ocsp(String url) {
            this.ocspUrl = url;
            return this;
        }

        /** Puts this issuer name in the certificate regardless of who signs it (for broken chains). */
        public Builder issuerName(String dn) {
            this.issuerNameOverride = new X500Name(dn);
            return this;
        }

        public Builder serial(BigInteger serial) {
            this.serial = serial;
            return this;
        }

        public Issued build() {
            try {
                return doBuild();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        private Issued doBuild() throws Exception {
            KeyPair kp = keyPair != null ? keyPair : rsa(2048);
            X500Name subjectName = new X500Name(subject != null ? subject
                    : "CN=" + (sans.isEmpty() ? "edgecert test" : sans.get(0).getName().toString()));
            if (!selfSigned && issuer == null) {
                selfSigned = true;
            }
            X500Name issuerName = issuerNameOverride != null ? issuerNameOverride
                    : selfSigned ? subjectName
                    : new X509CertificateHolder(issuer.certificate().getEncoded()).getSubject();
            PrivateKey signingKey = selfSigned ? kp.getPrivate() : issuer.privateKey();
            String alg = signatureAlgorithm != null ? signatureAlgorithm : defaultSignatureAlgorithm(signingKey);
            ContentSigner signer = new JcaContentSignerBuilder(alg).build(signingKey);
            BigInteger sn = serial != null ? serial : BigInteger.valueOf(SERIAL.incrementAndGet());
            SubjectPublicKeyInfo spki = SubjectPublicKeyInfo.getInstance(kp.getPublic().getEncoded());
            X509CertificateHolder holder;
            if (v1) {
                holder = new X509v1CertificateBuilder(issuerName, sn, Date.from(notBefore), Date.from(notAfter),
                        subjectName, spki).build(signer);
            } else {
                X509v3CertificateBuilder b = new X509v3CertificateBuilder(issuerName, sn, Date.from(notBefore),
                        Date.from(notAfter), subjectName, spki);
                JcaX509ExtensionUtils utils = new JcaX509ExtensionUtils();
                b.addExtension(Extension.subjectKeyIdentifier, false, utils.createSubjectKeyIdentifier(kp.getPublic()));
                if (!selfSigned) {
                    b.addExtension(Extension.authorityKeyIdentifier, false,
                            utils.createAuthorityKeyIdentifier(issuer.certificate()));
                }
                if (ca) {
                    b.addExtension(Extension.basicConstraints, true,
                            pathLen == null ? new BasicConstraints(true) : new BasicConstraints(pathLen));
                    b.addExtension(Extension.keyUsage, true,
                            new KeyUsage(keyUsage != null ? keyUsage : KeyUsage.keyCertSign | KeyUsage.cRLSign));
                } else {
                    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
                    int ku = keyUsage != null ? keyUsage
                            : kp.getPublic().getAlgorithm().equals("RSA")
                            ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                            : KeyUsage.digitalSignature;
                    b.addExtension(Extension.keyUsage, true, new KeyUsage(ku));
                    List<KeyPurposeId> purposes = ekus.isEmpty() ? List.of(KeyPurposeId.id_kp_serverAuth) : ekus;
                    b.addExtension(Extension.extendedKeyUsage, false,
                            new ExtendedKeyUsage(purposes.toArray(KeyPurposeId[]::new)));
                }
                if (!sans.isEmpty()) {
                    b.addExtension(Extension.subjectAlternativeName, false,
                            new GeneralNames(sans.toArray(GeneralName[]::new)));
                }
                if (ocspUrl != null) {
                    b.addExtension(Extension.authorityInfoAccess, false, new AuthorityInformationAccess(
                            new AccessDescription(AccessDescription.id_ad_ocsp,
                                    new GeneralName(GeneralName.uniformResourceIdentifier, ocspUrl))));
                }
                holder = b.build(signer);
            }
            return new Issued(new JcaX509CertificateConverter().getCertificate(holder), kp);
        }
    }

    static String defaultSignatureAlgorithm(PrivateKey key) {
        return switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> throw new IllegalArgumentException(key.getAlgorithm());
        };
    }

    /** A simple three-level hierarchy: root -> intermediate -> leaf for the given names. */
    public record Hierarchy(Issued root, Issued intermediate, Issued leaf) {
        /** Chain as a user pastes it: intermediate then root. */
        public String chainPem() {
            return pem(intermediate.certificate(), root.certificate());
        }
    }

    public static Hierarchy hierarchy(KeyPair leafKey, String... dnsNames) {
        Issued root = cert().subject("CN=edgecert Test Root " + SERIAL.incrementAndGet()).key(rsa(2048))
                .ca().selfSigned().expiresIn(Duration.ofDays(3650)).build();
        Issued intermediate = cert().subject("CN=edgecert Test Intermediate " + SERIAL.incrementAndGet())
                .key(ec("secp256r1")).ca(0).issuedBy(root).expiresIn(Duration.ofDays(1825)).build();
        Issued leaf = cert().dns(dnsNames).key(leafKey).issuedBy(intermediate).build();
        return new Hierarchy(root, intermediate, leaf);
    }

    // ---- PEM --------------------------------------------------------------------------------

    /** PEM of one or more certificates, concatenated in the given order. */
    public static String pem(X509Certificate... certs) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            for (X509Certificate c : certs) {
                w.writeObject(c);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }

    /** PKCS#8 "-----BEGIN PRIVATE KEY-----". */
    public static String pkcs8(PrivateKey key) {
        return write(new PemObject("PRIVATE KEY", key.getEncoded()));
    }

    /** Traditional OpenSSL form: "RSA PRIVATE KEY" (PKCS#1) or "EC PRIVATE KEY" (SEC1). */
    public static String traditional(PrivateKey key) {
        try {
            if (key instanceof java.security.interfaces.ECPrivateKey ec) {
                // As openssl writes it: SEC1 with the named curve inside (the JDK's PKCS#8 leaves it out).
                var info = org.bouncycastle.asn1.pkcs.PrivateKeyInfo.getInstance(key.getEncoded());
                var sec1 = new org.bouncycastle.asn1.sec.ECPrivateKey(ec.getParams().getOrder().bitLength(), ec.getS(),
                        info.getPrivateKeyAlgorithm().getParameters());
                return write(new PemObject("EC PRIVATE KEY", sec1.getEncoded()));
            }
            return write(new JcaMiscPEMGenerator(key).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** PKCS#8 EncryptedPrivateKeyInfo ("ENCRYPTED PRIVATE KEY"). */
    public static String encryptedPkcs8(PrivateKey key, String password) {
        try {
            var enc = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                    .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                    .setPassword(password.toCharArray()).build();
            return write(new JcaPKCS8Generator(key, enc).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Legacy OpenSSL encryption: "Proc-Type: 4,ENCRYPTED" headers. */
    public static String legacyEncrypted(PrivateKey key, String password) {
        try {
            var enc = new JcePEMEncryptorBuilder("AES-256-CBC").setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider()).build(password.toCharArray());
            return write(new JcaMiscPEMGenerator(key, enc).generate());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String write(Object pemObjectOrGenerator) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            if (pemObjectOrGenerator instanceof PemObject po) {
                w.writeObject(po);
            } else {
                w.writeObject((org.bouncycastle.util.io.pem.PemObjectGenerator) pemObjectOrGenerator);
            }
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return out.toString();
    }
}
