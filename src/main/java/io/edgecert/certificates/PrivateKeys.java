package io.edgecert.certificates;

import io.edgecert.certificates.x509.Pem;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.edec.EdECObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.sec.ECPrivateKey;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x9.ECNamedCurveTable;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;
import org.bouncycastle.math.ec.ECPoint;
import org.bouncycastle.math.ec.FixedPointCombMultiplier;

import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Private keys as people paste them (import-rules A5, A6, A7): PKCS#8, PKCS#1 and SEC1 encodings,
 * refused when encrypted or of an algorithm or size edgecert does not serve, and matched against a
 * certificate's public key. Messages never carry key bytes: only public-key fingerprints.
 */
public final class PrivateKeys {
    static final String FIELD = "privateKey";

    /** A key that parsed and is of an accepted type. Redacted toString: it ends up in logs otherwise. */
    public record ParsedKey(PrivateKey key, KeyType keyType, Optional<BigInteger[]> ecPublicPoint) {
        @Override
        public String toString() {
            return "ParsedKey[" + keyType + ", (redacted)]";
        }
    }

    private static final Map<ASN1ObjectIdentifier, String> UNSUPPORTED = Map.of(
            EdECObjectIdentifiers.id_Ed25519, "Ed25519",
            EdECObjectIdentifiers.id_Ed448, "Ed448",
            EdECObjectIdentifiers.id_X25519, "X25519",
            EdECObjectIdentifiers.id_X448, "X448",
            X9ObjectIdentifiers.id_dsa, "DSA",
            PKCSObjectIdentifiers.id_RSASSA_PSS, "RSASSA-PSS");

    private PrivateKeys() {
    }

    /** Parses the privateKey field: exactly one key, optionally preceded by EC PARAMETERS. */
    public static ParsedKey parse(String text) {
        List<Pem.Block> blocks = Pem.blocks(FIELD, text);
        Pem.Block keyBlock = null;
        ASN1ObjectIdentifier curveFromParameters = null;
        for (Pem.Block b : blocks) {
            if (b.label().equals("EC PARAMETERS")) {
                // openssl ecparam -genkey writes it before the key; the key normally names its curve too
                try {
                    if (ASN1Primitive.fromByteArray(b.der()) instanceof ASN1ObjectIdentifier oid) {
                        curveFromParameters = oid;
                    }
                } catch (java.io.IOException e) {
                    throw refuse(ErrorCode.InvalidPem, "privateKey has a damaged EC PARAMETERS block");
                }
                continue;
            }
            if (b.label().contains("CERTIFICATE")) {
                throw refuse(ErrorCode.InvalidPem, "privateKey holds a certificate; the certificate goes in certificate "
                        + "and its chain in certificateChain");
            }
            if (keyBlock != null) {
                throw refuse(ErrorCode.InvalidPem, "privateKey holds more than one key; give only the key of the certificate");
            }
            keyBlock = b;
        }
        if (keyBlock == null) {
            throw refuse(ErrorCode.InvalidPem, "privateKey holds no private key block");
        }
        if ("4,ENCRYPTED".equals(keyBlock.headers().getOrDefault("Proc-Type", "").replace(" ", ""))
                || keyBlock.label().equals("ENCRYPTED PRIVATE KEY")) {
            throw refuse(ErrorCode.EncryptedPrivateKey, "privateKey is encrypted with a passphrase; decrypt it first, "
                    + "e.g. openssl pkey -in key.pem -out key-decrypted.pem");
        }
        Pem.Block found = keyBlock;
        ASN1ObjectIdentifier fallbackCurve = curveFromParameters;
        PrivateKeyInfo info = switch (found.label()) {
            case "PRIVATE KEY" -> decode(() -> PrivateKeyInfo.getInstance(found.der()));
            case "RSA PRIVATE KEY" -> decode(() -> new PrivateKeyInfo(
                    new AlgorithmIdentifier(PKCSObjectIdentifiers.rsaEncryption, org.bouncycastle.asn1.DERNull.INSTANCE),
                    org.bouncycastle.asn1.pkcs.RSAPrivateKey.getInstance(found.der())));
            case "EC PRIVATE KEY" -> decode(() -> sec1(found.der(), fallbackCurve));
            case "DSA PRIVATE KEY" -> throw refuse(ErrorCode.UnsupportedKeyAlgorithm,
                    "privateKey is a DSA key; edgecert accepts RSA (1024-4096) and EC (prime256v1, secp384r1, secp521r1) keys");
            case "OPENSSH PRIVATE KEY" -> throw refuse(ErrorCode.InvalidPem,
                    "privateKey is in OpenSSH format; convert it to PEM (ssh-keygen -p -m PEM) or PKCS#8");
            default -> throw refuse(ErrorCode.InvalidPem, "privateKey holds a \"" + found.label()
                    + "\" block; expected PRIVATE KEY, RSA PRIVATE KEY or EC PRIVATE KEY");
        };
        return toKey(info);
    }

    private static PrivateKeyInfo sec1(byte[] der, ASN1ObjectIdentifier fallbackCurve) throws java.io.IOException {
        ECPrivateKey ec = ECPrivateKey.getInstance(ASN1Primitive.fromByteArray(der));
        var curve = ec.getParametersObject() != null ? ec.getParametersObject() : fallbackCurve;
        if (curve == null) {
            throw refuse(ErrorCode.InvalidPem, "privateKey is an EC PRIVATE KEY that does not name its curve; "
                    + "re-export it with openssl ec -in key.pem -param_enc named_curve");
        }
        return new PrivateKeyInfo(new AlgorithmIdentifier(X9ObjectIdentifiers.id_ecPublicKey, curve), ec);
    }

    private static ParsedKey toKey(PrivateKeyInfo info) {
        ASN1ObjectIdentifier alg = info.getPrivateKeyAlgorithm().getAlgorithm();
        if (UNSUPPORTED.containsKey(alg)) {
            throw refuse(ErrorCode.UnsupportedKeyAlgorithm, "privateKey is an " + UNSUPPORTED.get(alg)
                    + " key; edgecert accepts RSA (1024-4096) and EC (prime256v1, secp384r1, secp521r1) keys");
        }
        try {
            byte[] pkcs8 = info.getEncoded();
            if (alg.equals(PKCSObjectIdentifiers.rsaEncryption)) {
                PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                int bits = ((RSAPrivateKey) key).getModulus().bitLength();
                KeyType type = KeyType.of("RSA", bits).orElseThrow(() -> refuse(ErrorCode.UnsupportedKeySize,
                        "privateKey is RSA " + bits + "; edgecert accepts RSA 1024, 2048, 3072 and 4096"));
                return new ParsedKey(key, type, Optional.empty());
            }
            if (alg.equals(X9ObjectIdentifiers.id_ecPublicKey)) {
                var params = info.getPrivateKeyAlgorithm().getParameters();
                if (!(params instanceof ASN1ObjectIdentifier curveOid)) {
                    throw refuse(ErrorCode.UnsupportedKeyAlgorithm, "privateKey is an EC key with explicit curve "
                            + "parameters; use a named curve (prime256v1, secp384r1 or secp521r1)");
                }
                KeyType type = ecKeyType(curveOid).orElseThrow(() -> refuse(ErrorCode.UnsupportedKeyAlgorithm,
                        "privateKey is on EC curve " + curveName(curveOid)
                                + "; edgecert accepts prime256v1, secp384r1 and secp521r1"));
                KeyFactory ecFactory = KeyFactory.getInstance("EC");
                var parsed = (java.security.interfaces.ECPrivateKey) ecFactory.generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
                // Re-made from the scalar so every encoding (SEC1 with or without curve, PKCS#8) is stored alike.
                PrivateKey key = ecFactory.generatePrivate(new java.security.spec.ECPrivateKeySpec(parsed.getS(), parsed.getParams()));
                return new ParsedKey(key, type, Optional.of(publicPoint(curveOid, ((java.security.interfaces.ECPrivateKey) key).getS())));
            }
        } catch (GeneralSecurityException | java.io.IOException | RuntimeException e) {
            if (e instanceof ProblemException p) {
                throw p;
            }
            throw refuse(ErrorCode.InvalidPem, "privateKey could not be decoded as a private key");
        }
        throw refuse(ErrorCode.UnsupportedKeyAlgorithm, "privateKey uses algorithm " + alg.getId()
                + "; edgecert accepts RSA (1024-4096) and EC (prime256v1, secp384r1, secp521r1) keys");
    }

    static Optional<KeyType> ecKeyType(ASN1ObjectIdentifier curve) {
        if (curve.equals(X9ObjectIdentifiers.prime256v1)) {
            return Optional.of(KeyType.EC_prime256v1);
        }
        if (curve.equals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp384r1)) {
            return Optional.of(KeyType.EC_secp384r1);
        }
        if (curve.equals(org.bouncycastle.asn1.sec.SECObjectIdentifiers.secp521r1)) {
            return Optional.of(KeyType.EC_secp521r1);
        }
        return Optional.empty();
    }

    static String curveName(ASN1ObjectIdentifier curve) {
        String name = ECNamedCurveTable.getName(curve);
        return name != null ? name : curve.getId();
    }

    /** Curve parameters built once per curve: building them costs ~450 µs per call (bench/jmh.sh). */
    private static final java.util.concurrent.ConcurrentHashMap<ASN1ObjectIdentifier, X9ECParameters> CURVES =
            new java.util.concurrent.ConcurrentHashMap<>();

    private static X9ECParameters curveParameters(ASN1ObjectIdentifier curve) {
        X9ECParameters fast = org.bouncycastle.crypto.ec.CustomNamedCurves.getByOID(curve);
        return fast != null ? fast : ECNamedCurveTable.getByOID(curve);
    }

    /** The public point d·G of an EC private key: what proves it belongs to a certificate. */
    private static BigInteger[] publicPoint(ASN1ObjectIdentifier curve, BigInteger d) {
        X9ECParameters p = CURVES.computeIfAbsent(curve, PrivateKeys::curveParameters);
        ECPoint q = new FixedPointCombMultiplier().multiply(p.getG(), d).normalize();
        return new BigInteger[]{q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger()};
    }

    /** Does the key belong to this public key? RSA by modulus and exponent, EC by d·G. */
    public static boolean matches(ParsedKey key, PublicKey publicKey) {
        if (key.key() instanceof RSAPrivateKey rsa && publicKey instanceof RSAPublicKey pub) {
            if (!rsa.getModulus().equals(pub.getModulus())) {
                return false;
            }
            return !(rsa instanceof RSAPrivateCrtKey crt) || crt.getPublicExponent().equals(pub.getPublicExponent());
        }
        if (key.ecPublicPoint().isPresent() && publicKey instanceof ECPublicKey pub) {
            BigInteger[] q = key.ecPublicPoint().get();
            return q[0].equals(pub.getW().getAffineX()) && q[1].equals(pub.getW().getAffineY())
                    && pub.getParams().getCurve().getField().getFieldSize() == key.keyType().bits();
        }
        return false;
    }

    /** SHA-256 over the SubjectPublicKeyInfo, the value {@code openssl pkey -pubout | sha256sum} gives. */
    public static String publicKeyFingerprint(PublicKey key) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public key the private key implies, when it can be derived (RSA CRT keys and EC keys). */
    public static Optional<PublicKey> derivePublicKey(ParsedKey key) {
        try {
            if (key.key() instanceof RSAPrivateCrtKey crt) {
                return Optional.of(KeyFactory.getInstance("RSA").generatePublic(
                        new java.security.spec.RSAPublicKeySpec(crt.getModulus(), crt.getPublicExponent())));
            }
            if (key.key() instanceof java.security.interfaces.ECPrivateKey ec && key.ecPublicPoint().isPresent()) {
                BigInteger[] q = key.ecPublicPoint().get();
                return Optional.of(KeyFactory.getInstance("EC").generatePublic(new java.security.spec.ECPublicKeySpec(
                        new java.security.spec.ECPoint(q[0], q[1]), ec.getParams())));
            }
        } catch (GeneralSecurityException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private interface Decoder {
        PrivateKeyInfo decode() throws Exception;
    }

    private static PrivateKeyInfo decode(Decoder d) {
        try {
            return d.decode();
        } catch (ProblemException e) {
            throw e;
        } catch (Exception e) {
            throw refuse(ErrorCode.InvalidPem, "privateKey could not be decoded as a private key; the PEM block is damaged");
        }
    }

    private static ProblemException refuse(ErrorCode code, String message) {
        return ProblemException.of(new Violation(FIELD, code, message));
    }
}
