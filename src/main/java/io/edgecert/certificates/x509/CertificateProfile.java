package io.edgecert.certificates.x509;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1Encodable;
import org.bouncycastle.asn1.ASN1Null;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.RSAPublicKey;
import org.bouncycastle.asn1.sec.SECObjectIdentifiers;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Certificate;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.Extensions;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * The shape a certificate must have to take part in a Web PKI server path, whatever its
 * signatures say: RFC 5280's MUSTs that the JDK's PKIX validator does not enforce, and the
 * CA/Browser Forum Baseline Requirements that browsers enforce. Checked for every certificate of a
 * candidate path, the trust anchor included (the JDK validator never looks at the anchor's
 * extensions or validity). Answers the first problem found, worded for a person.
 *
 * <p>A trust anchor is a name and a key the operator chose to trust (RFC 5280 6.1.1 d): it must be
 * a CA certificate with an acceptable key, no unrecognised critical extension and consistent
 * extensions, but three issuance rules are not applied to it because roots that browsers and the
 * JDK's own store trust break them: basicConstraints marked critical (ePKI Root Certification
 * Authority), a subjectKeyIdentifier (TWCA Global Root CA), and neither are the serial number
 * rules (roots in use have serial 0).
 *
 * <p>The CA/B Forum's ban on authorityCertIssuer/authorityCertSerialNumber in the
 * authorityKeyIdentifier is not applied at all: OpenSSL's default CA configuration writes them,
 * and so do Go Daddy and Starfield Class 2, QuoVadis Root CA 2 and 3 and Certigna.
 */
final class CertificateProfile {
    /** Where the certificate sits in the path. */
    enum Role { LEAF, INTERMEDIATE, ANCHOR }

    static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
    static final String ANY_EKU = "2.5.29.37.0";

    /** Extensions a validator must understand when critical; anything else critical is refused. */
    private static final Set<ASN1ObjectIdentifier> UNDERSTOOD = Set.of(
            Extension.basicConstraints, Extension.keyUsage, Extension.extendedKeyUsage,
            Extension.subjectAlternativeName, Extension.nameConstraints, Extension.policyConstraints,
            Extension.certificatePolicies, Extension.policyMappings, Extension.inhibitAnyPolicy,
            Extension.subjectKeyIdentifier, Extension.authorityKeyIdentifier, Extension.issuerAlternativeName,
            Extension.authorityInfoAccess);

    private static final Set<ASN1ObjectIdentifier> CURVES = Set.of(
            SECObjectIdentifiers.secp256r1, SECObjectIdentifiers.secp384r1, SECObjectIdentifiers.secp521r1);

    private CertificateProfile() {
    }

    static Optional<String> problem(X509Certificate x, Role role) {
        String who = describe(x, role);
        Certificate c;
        try {
            c = Certificate.getInstance(x.getEncoded());
        } catch (Exception e) {
            return Optional.of(who + " cannot be parsed: " + e.getMessage());
        }
        try {
            return Optional.ofNullable(check(x, c, role)).map(p -> who + " " + p);
        } catch (RuntimeException e) {
            return Optional.of(who + " has a malformed extension: " + e.getMessage());
        }
    }

    static String describe(X509Certificate x, Role role) {
        String name = x.getSubjectX500Principal().getName();
        String kind = switch (role) {
            case LEAF -> "the certificate";
            case INTERMEDIATE -> "intermediate";
            case ANCHOR -> "trust anchor";
        };
        return name.isEmpty() ? kind + " (empty subject)" : kind + " \"" + name + "\"";
    }

    private static String check(X509Certificate x, Certificate c, Role role) {
        boolean ca = role != Role.LEAF;
        if (c.getVersionNumber() != 3) {
            return "is an X.509 version " + c.getVersionNumber() + " certificate; version 3 is required";
        }
        BigInteger serial = c.getSerialNumber().getValue();
        if (role != Role.ANCHOR && serial.signum() <= 0) { // some roots in use have serial 0
            return "has a " + (serial.signum() == 0 ? "zero" : "negative") + " serial number (RFC 5280 4.1.2.2)";
        }
        if (role != Role.ANCHOR && serial.toByteArray().length > 20) {
            return "has a serial number longer than 20 octets (RFC 5280 4.1.2.2)";
        }
        if (c.getIssuer().getRDNs().length == 0) {
            return "has an empty issuer name";
        }
        if (ca && c.getSubject().getRDNs().length == 0) {
            return "is a CA with an empty subject name";
        }
        if (!sameAlgorithm(c.getSignatureAlgorithm(), c.getTBSCertificate().getSignature())) {
            return "names a different signature algorithm inside and outside its signed part";
        }
        String key = keyProblem(c.getSubjectPublicKeyInfo());
        if (key != null) {
            return key;
        }
        Extensions ext = c.getTBSCertificate().getExtensions();
        if (ext == null) {
            ext = new Extensions(new Extension[0]);
        }
        for (ASN1ObjectIdentifier oid : ext.getCriticalExtensionOIDs()) {
            if (!UNDERSTOOD.contains(oid)) {
                return "carries an unrecognised critical extension " + oid.getId();
            }
        }
        boolean selfIssued = c.getSubject().equals(c.getIssuer());

        Extension ski = ext.getExtension(Extension.subjectKeyIdentifier);
        if (ski != null && ski.isCritical()) {
            return "marks subjectKeyIdentifier critical (RFC 5280 4.2.1.2)";
        }
        if (role == Role.INTERMEDIATE && ski == null) {
            return "is a CA without subjectKeyIdentifier (RFC 5280 4.2.1.2)";
        }
        Extension aki = ext.getExtension(Extension.authorityKeyIdentifier);
        if (aki != null) {
            if (aki.isCritical()) {
                return "marks authorityKeyIdentifier critical (RFC 5280 4.2.1.1)";
            }
            AuthorityKeyIdentifier a = AuthorityKeyIdentifier.getInstance(aki.getParsedValue());
            if (a.getKeyIdentifierObject() == null) {
                return "has an authorityKeyIdentifier without keyIdentifier";
            }
            if (selfIssued && ski != null && SelfSigned.is(x) && !Arrays.equals(a.getKeyIdentifierOctets(),
                    SubjectKeyIdentifier.getInstance(ski.getParsedValue()).getKeyIdentifier())) {
                return "is self-signed but its authorityKeyIdentifier differs from its subjectKeyIdentifier";
            }
        } else if (!selfIssued && role != Role.ANCHOR) {
            // An anchor is a trusted name and key; whoever else signed it does not matter.
            return "has no authorityKeyIdentifier (RFC 5280 4.2.1.1 requires it in every certificate not self-signed)";
        }

        Extension bcExt = ext.getExtension(Extension.basicConstraints);
        BasicConstraints bc = bcExt == null ? null : BasicConstraints.getInstance(bcExt.getParsedValue());
        Extension kuExt = ext.getExtension(Extension.keyUsage);
        KeyUsage ku = kuExt == null ? null : KeyUsage.getInstance(kuExt.getParsedValue());
        if (ku != null && ku.getBytes().length == 0) {
            return "has a keyUsage extension with no bit set";
        }
        boolean keyCertSign = ku != null && ku.hasUsages(KeyUsage.keyCertSign);
        if (bc != null && bc.getPathLenConstraint() != null && (!bc.isCA() || (ku != null && !keyCertSign))) {
            return "sets a pathLenConstraint without being a CA that may sign certificates (RFC 5280 4.2.1.9)";
        }
        if (ca) {
            if (bc == null || !bc.isCA()) {
                return "is not a CA (basicConstraints cA is not TRUE) and cannot issue certificates";
            }
            if (role == Role.INTERMEDIATE && !bcExt.isCritical()) {
                return "is a CA whose basicConstraints extension is not critical (RFC 5280 4.2.1.9)";
            }
            if (ku != null && !keyCertSign) {
                return "is a CA whose keyUsage does not allow keyCertSign";
            }
        } else {
            if (bc != null && bc.isCA()) {
                return "is a CA certificate (basicConstraints cA:TRUE), not a server certificate";
            }
            if (keyCertSign) {
                return "is not a CA but its keyUsage asserts keyCertSign";
            }
            if (ext.getExtension(Extension.nameConstraints) != null) {
                return "is not a CA but carries nameConstraints";
            }
        }

        Extension ekuExt = ext.getExtension(Extension.extendedKeyUsage);
        if (ekuExt != null) {
            ExtendedKeyUsage eku = ExtendedKeyUsage.getInstance(ekuExt.getParsedValue());
            if (eku.getUsages().length == 0) {
                return "has an extendedKeyUsage extension listing no purpose";
            }
            if (role == Role.ANCHOR && selfIssued) {
                return "is a root with an extendedKeyUsage extension (CABF 7.1.2.1.2)";
            }
            if (role == Role.LEAF && ekuExt.isCritical()) {
                return "marks extendedKeyUsage critical (CABF 7.1.2.7.6)";
            }
        }
        Extension pc = ext.getExtension(Extension.policyConstraints);
        if (pc != null && !pc.isCritical()) {
            return "has a policyConstraints extension that is not critical (RFC 5280 4.2.1.11)";
        }
        Extension aia = ext.getExtension(Extension.authorityInfoAccess);
        if (aia != null) {
            if (aia.isCritical()) {
                return "marks authorityInfoAccess critical (RFC 5280 4.2.2.1)";
            }
            if (AuthorityInformationAccess.getInstance(aia.getParsedValue()).getAccessDescriptions().length == 0) {
                return "has an empty authorityInfoAccess extension";
            }
        }
        Extension san = ext.getExtension(Extension.subjectAlternativeName);
        if (san != null) {
            GeneralNames.getInstance(san.getParsedValue()); // throws when malformed
        }
        return null;
    }

    /** CABF 6.1.5 / 7.1.3.1: RSA of 2048 bits or more and a multiple of 8, or ECDSA on P-256/384/521. */
    private static String keyProblem(SubjectPublicKeyInfo spki) {
        ASN1ObjectIdentifier alg = spki.getAlgorithm().getAlgorithm();
        if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
            int bits;
            try {
                bits = RSAPublicKey.getInstance(spki.parsePublicKey()).getModulus().bitLength();
            } catch (Exception e) {
                return "has a malformed RSA public key";
            }
            if (bits < 2048) {
                return "has an RSA key of " + bits + " bits; 2048 at least are required";
            }
            if (bits % 8 != 0) {
                return "has an RSA key of " + bits + " bits, not a multiple of 8";
            }
            return null;
        }
        if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
            ASN1Encodable params = spki.getAlgorithm().getParameters();
            if (!(params instanceof ASN1ObjectIdentifier curve)) {
                return "has an EC key with explicit curve parameters instead of a named curve";
            }
            return CURVES.contains(curve) ? null : "has an EC key on curve " + curve.getId() + ", not P-256, P-384 or P-521";
        }
        return "has a " + alg.getId() + " key; only RSA and ECDSA (P-256, P-384, P-521) keys are allowed";
    }

    private static boolean sameAlgorithm(AlgorithmIdentifier a, AlgorithmIdentifier b) {
        if (!a.getAlgorithm().equals(b.getAlgorithm())) {
            return false;
        }
        ASN1Encodable pa = a.getParameters();
        ASN1Encodable pb = b.getParameters();
        boolean absentA = pa == null || pa instanceof ASN1Null;
        boolean absentB = pb == null || pb instanceof ASN1Null;
        if (absentA || absentB) {
            return absentA == absentB; // NULL and absent parameters are the same thing
        }
        return pa.toASN1Primitive().equals(pb.toASN1Primitive());
    }
}
