package io.edgecert.edge;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.PrivateKeys;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The certificate the edge answers with for distributions' own domain names
 * ({@code <id>.<edge domain>}) and for names nobody serves: the operator's (files named by
 * EDGECERT_EDGE_DEFAULT_CERTIFICATE / _PRIVATE_KEY), else a self-signed one for
 * {@code *.<edge domain>} made at start-up and kept only in memory.
 */
record DefaultCertificate(List<X509Certificate> chain, PrivateKey key, boolean generated) {
    @Override
    public String toString() {
        return "DefaultCertificate[" + chain.get(0).getSubjectX500Principal() + ", key=(redacted)]";
    }

    static DefaultCertificate load(Optional<Path> certificate, Optional<Path> privateKey, String edgeDomain) throws Exception {
        if (certificate.isPresent() && privateKey.isPresent()) {
            List<X509Certificate> chain = Pem.certificates("EDGECERT_EDGE_DEFAULT_CERTIFICATE", Files.readString(certificate.get()));
            PrivateKey key = PrivateKeys.parse(Files.readString(privateKey.get())).key();
            return new DefaultCertificate(chain, key, false);
        }
        return generate(edgeDomain);
    }

    static DefaultCertificate generate(String edgeDomain) throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair pair = g.generateKeyPair();
        Instant now = Instant.now();
        X500Name name = new X500Name("CN=*." + edgeDomain + ",O=edgecert default certificate");
        JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, new BigInteger(64, new SecureRandom()),
                Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(825))), name, pair.getPublic());
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[]{
                new GeneralName(GeneralName.dNSName, "*." + edgeDomain), new GeneralName(GeneralName.dNSName, edgeDomain)}));
        b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        b.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
        X509Certificate cert = new JcaX509CertificateConverter()
                .getCertificate(b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
        return new DefaultCertificate(List.of(cert), pair.getPrivate(), true);
    }
}
