package io.edgecert.certificates;

import io.edgecert.certificates.x509.ChainAnalysis;
import io.edgecert.certificates.x509.ChainAnalyzer;
import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.x509.SelfSigned;
import io.edgecert.certificates.x509.Warning;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1Primitive;
import org.bouncycastle.asn1.x509.AccessDescription;
import org.bouncycastle.asn1.x509.AuthorityInformationAccess;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;

import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every rule of import-rules.md parts A and B in one place, in the order a user would fix them:
 * presence and size, PEM, the certificate, the key, their match, validity, the chain. Each refusal
 * carries the rule's code, the field, and a message that says what to do; none carries key bytes.
 */
public final class ImportRules {
    public static final int MAX_CERTIFICATE_BYTES = 32_768;
    public static final int MAX_PRIVATE_KEY_BYTES = 5_120;
    public static final int MAX_CHAIN_BYTES = 2_097_152;
    public static final int MAX_OCSP_URL_LENGTH = 1_000;
    /** RFC 1035 limits, which are also the widths of the name columns (V1__certificates.sql). */
    public static final int MAX_DNS_NAME_LENGTH = 253;
    public static final int MAX_DNS_LABEL_LENGTH = 63;
    /** The serial column holds 128 hex digits; RFC 5280 asks for 20 octets, real CAs stay far below 64. */
    public static final int MAX_SERIAL_BYTES = 64;

    public static final int MAX_TAGS = 50;
    public static final int MAX_TAG_KEY_LENGTH = 128;
    public static final int MAX_TAG_VALUE_LENGTH = 256;
    /** certificates.name and job_items.name are VARCHAR(256). */
    public static final int MAX_NAME_LENGTH = 256;
    private static final Pattern TAG_CHARACTERS = Pattern.compile("[\\p{L}\\p{N} _.:/=+\\-@]*");
    private static final List<String> RESERVED_TAG_PREFIXES = List.of("aws:", "edgecert:");

    private static final Pattern HOST_NAME = Pattern.compile("(\\*\\.)?([a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?\\.)*"
            + "[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?");

    private final ChainAnalyzer chains;
    private final Clock clock;

    public ImportRules(ChainAnalyzer chains, Clock clock) {
        this.chains = chains;
        this.clock = clock;
    }

    /** Rules A1-A11 and the warnings. */
    public ValidatedMaterial check(CertificateSubmission s) {
        checkPresenceAndSize(s);
        List<X509Certificate> leaves = Pem.certificates("certificate", s.certificate());
        if (leaves.size() > 1) {
            throw refuse("certificate", ErrorCode.MultipleCertificates, "certificate holds " + leaves.size()
                    + " certificates; put only your server's certificate there and the intermediates in certificateChain");
        }
        X509Certificate leaf = leaves.get(0);
        CertificateFacts facts = checkCertificate(leaf);
        PrivateKeys.ParsedKey key = PrivateKeys.parse(s.privateKey());
        List<X509Certificate> chain = s.certificateChain().isPresent()
                ? Pem.certificates("certificateChain", s.certificateChain().get()) : List.of();
        checkKeyMatches(leaf, key, chain);
        Instant now = clock.instant();
        checkValidity(leaf, now);
        ChainAnalysis analysis = chains.analyze(leaf, chain, now);
        List<Warning> warnings = new ArrayList<>(analysis.warnings());
        warnings.addAll(weakness(leaf, key.keyType(), analysis.orderedChain()));
        return new ValidatedMaterial(leaf, analysis.orderedChain(), key.key(), key.keyType(), facts,
                analysis.trusted(), analysis.trustStoreName(), warnings);
    }

    /** Rules B3, B4 and B5 (B2 is {@link #check}). */
    public void checkReimport(X509Certificate previous, KeyType previousKeyType, ValidatedMaterial next) {
        if (next.keyType() != previousKeyType) {
            throw refuse("privateKey", ErrorCode.ReimportKeyTypeChanged, "the certificate has a " + previousKeyType.displayName()
                    + " key and the new material a " + next.keyType().displayName()
                    + " key; a reimport keeps the key algorithm and size — import it as a new certificate instead");
        }
        checkKeepsAName(CertificateFacts.of(previous).subjectAlternativeNames(), next.facts().subjectAlternativeNames());
        List<String> removed = new ArrayList<>();
        for (String ku : CertificateFacts.keyUsages(previous)) {
            boolean exempt = ku.equals(CertificateFacts.KEY_ENCIPHERMENT) && previousKeyType.algorithm().equals("EC");
            if (!exempt && !next.facts().keyUsages().contains(ku)) {
                removed.add(ku);
            }
        }
        for (String eku : CertificateFacts.extendedKeyUsages(previous)) {
            if (!eku.equals(CertificateFacts.CLIENT_AUTH) && !next.facts().extendedKeyUsages().contains(eku)) {
                removed.add(eku);
            }
        }
        if (!removed.isEmpty()) {
            throw refuse("certificate", ErrorCode.ReimportUsageRemoved, "the new certificate drops usage(s) "
                    + String.join(", ", removed) + " that the current one has; ask the issuer for a certificate with them");
        }
    }

    /** Rule B4: names may come and go, but a reimport that shares none is another certificate. */
    private static void checkKeepsAName(List<String> previous, List<String> next) {
        Set<String> kept = new HashSet<>();
        previous.forEach(n -> kept.add(n.toLowerCase(Locale.ROOT)));
        if (next.stream().noneMatch(n -> kept.contains(n.toLowerCase(Locale.ROOT)))) {
            throw invalidCertificate("the new certificate keeps none of the current certificate's names (current: "
                    + String.join(", ", previous) + "; new: " + String.join(", ", next) + "); a reimport keeps at "
                    + "least one name — import it as a new certificate instead");
        }
    }

    /** A certificate's (or job item's) display name: 1-256 characters after stripping, no control characters. */
    public static Optional<Violation> checkName(String name) {
        String n = name.strip();
        if (n.isEmpty() || n.length() > MAX_NAME_LENGTH || n.chars().anyMatch(Character::isISOControl)) {
            return Optional.of(new Violation("name", ErrorCode.InvalidRequest,
                    "name must be 1-" + MAX_NAME_LENGTH + " characters without control characters"));
        }
        return Optional.empty();
    }

    /** Rule A12. Returns every violation, so the user fixes all tags at once. */
    public static List<Violation> checkTags(Map<String, String> tags) {
        List<Violation> out = new ArrayList<>();
        if (tags.size() > MAX_TAGS) {
            out.add(new Violation("tags", ErrorCode.TooManyTags, "a certificate has at most " + MAX_TAGS
                    + " tags; this one would have " + tags.size()));
        }
        for (Map.Entry<String, String> t : tags.entrySet()) {
            String k = t.getKey() == null ? "" : t.getKey();
            String v = t.getValue() == null ? "" : t.getValue();
            String shown = k.length() > 40 ? k.substring(0, 40) + "…" : k;
            if (k.isEmpty() || k.length() > MAX_TAG_KEY_LENGTH) {
                out.add(new Violation("tags", ErrorCode.InvalidTag, "tag key \"" + shown + "\" must be 1-" + MAX_TAG_KEY_LENGTH + " characters"));
            } else if (!TAG_CHARACTERS.matcher(k).matches()) {
                out.add(new Violation("tags", ErrorCode.InvalidTag, "tag key \"" + shown
                        + "\" may only hold letters, digits, spaces and _ . : / = + - @"));
            } else if (RESERVED_TAG_PREFIXES.stream().anyMatch(p -> k.toLowerCase(Locale.ROOT).startsWith(p))) {
                out.add(new Violation("tags", ErrorCode.InvalidTag, "tag key \"" + shown
                        + "\" uses a reserved prefix (aws: or edgecert:)"));
            }
            if (v.length() > MAX_TAG_VALUE_LENGTH) {
                out.add(new Violation("tags", ErrorCode.InvalidTag, "the value of tag \"" + shown + "\" must be at most "
                        + MAX_TAG_VALUE_LENGTH + " characters"));
            } else if (!TAG_CHARACTERS.matcher(v).matches()) {
                out.add(new Violation("tags", ErrorCode.InvalidTag, "the value of tag \"" + shown
                        + "\" may only hold letters, digits, spaces and _ . : / = + - @"));
            }
        }
        return out;
    }

    // ---- the rules, one method per group ------------------------------------------------------

    private static void checkPresenceAndSize(CertificateSubmission s) {
        List<Violation> v = new ArrayList<>();
        if (s.certificate() == null || s.certificate().isBlank()) {
            v.add(new Violation("certificate", ErrorCode.MissingField, "certificate is required: the PEM of your server's certificate"));
        } else if (bytes(s.certificate()) > MAX_CERTIFICATE_BYTES) {
            v.add(new Violation("certificate", ErrorCode.SizeLimitExceeded, "certificate is " + bytes(s.certificate())
                    + " bytes; at most " + MAX_CERTIFICATE_BYTES + " are accepted"));
        }
        if (s.privateKey() == null || s.privateKey().isBlank()) {
            v.add(new Violation("privateKey", ErrorCode.MissingField, "privateKey is required: the PEM of the certificate's private key"));
        } else if (bytes(s.privateKey()) > MAX_PRIVATE_KEY_BYTES) {
            v.add(new Violation("privateKey", ErrorCode.SizeLimitExceeded, "privateKey is " + bytes(s.privateKey())
                    + " bytes; at most " + MAX_PRIVATE_KEY_BYTES + " are accepted"));
        }
        if (s.certificateChain().isPresent() && bytes(s.certificateChain().get()) > MAX_CHAIN_BYTES) {
            v.add(new Violation("certificateChain", ErrorCode.SizeLimitExceeded, "certificateChain is "
                    + bytes(s.certificateChain().get()) + " bytes; at most " + MAX_CHAIN_BYTES + " are accepted"));
        }
        if (!v.isEmpty()) {
            throw ProblemException.of(v);
        }
    }

    /** Rule A8. */
    private static CertificateFacts checkCertificate(X509Certificate leaf) {
        if (leaf.getVersion() != 3) {
            throw invalidCertificate("certificate is X.509 version " + leaf.getVersion()
                    + "; only version 3 certificates (with extensions) are accepted");
        }
        if (leaf.getPublicKey() == null) {
            throw invalidCertificate("certificate has no public key");
        }
        if (leaf.getIssuerX500Principal().getEncoded().length <= 2) {
            throw invalidCertificate("certificate has an empty issuer name");
        }
        CertificateFacts facts;
        try {
            facts = CertificateFacts.of(leaf);
        } catch (IllegalArgumentException e) {
            throw invalidCertificate("certificate has an unreadable " + e.getMessage().replace("unreadable ", "") + " extension");
        }
        checkLengths(facts);
        boolean hasName = !facts.ipAddresses().isEmpty()
                || facts.dnsNames().stream().anyMatch(n -> HOST_NAME.matcher(n).matches());
        if (!hasName) {
            throw invalidCertificate("certificate names no DNS name or IP address (neither in subjectAltName nor as the "
                    + "subject's CN); edgecert serves certificates by host name");
        }
        for (String url : ocspUrls(leaf)) {
            if (url.length() > MAX_OCSP_URL_LENGTH) {
                throw invalidCertificate("certificate has an OCSP URL of " + url.length() + " characters; at most "
                        + MAX_OCSP_URL_LENGTH + " are accepted");
            }
        }
        return facts;
    }

    /** Part of A8: names and serials longer than DNS and the store allow are refused, not truncated. */
    private static void checkLengths(CertificateFacts facts) {
        for (String name : facts.dnsNames()) {
            String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
            if (name.length() > MAX_DNS_NAME_LENGTH) {
                throw invalidCertificate("certificate has a DNS name of " + name.length() + " characters (\"" + shown
                        + "\"); a DNS name has at most " + MAX_DNS_NAME_LENGTH);
            }
            for (String label : name.split("\\.")) {
                if (label.length() > MAX_DNS_LABEL_LENGTH) {
                    throw invalidCertificate("certificate has a DNS name (\"" + shown + "\") with a label of "
                            + label.length() + " characters; a label has at most " + MAX_DNS_LABEL_LENGTH);
                }
            }
        }
        // The domain name (the CN when there is one) is also the default certificate name.
        if (facts.domainName().length() > MAX_DNS_NAME_LENGTH) {
            throw invalidCertificate("certificate's subject common name is " + facts.domainName().length()
                    + " characters; at most " + MAX_DNS_NAME_LENGTH + " are accepted");
        }
        int serialBytes = (facts.serial().replace("-", "").length() + 1) / 2;
        if (facts.serial().length() > 2 * MAX_SERIAL_BYTES) {
            throw invalidCertificate("certificate has a serial number of " + serialBytes + " bytes; at most "
                    + MAX_SERIAL_BYTES + " are accepted (RFC 5280 asks for 20)");
        }
    }

    /** Rule A6, with fingerprints and a hint when the key belongs to a chain certificate. */
    private static void checkKeyMatches(X509Certificate leaf, PrivateKeys.ParsedKey key, List<X509Certificate> chain) {
        if (PrivateKeys.matches(key, leaf.getPublicKey())) {
            return;
        }
        String keyFp = PrivateKeys.derivePublicKey(key).map(PrivateKeys::publicKeyFingerprint).orElse("(not derivable)");
        String hint = "; the key may belong to another certificate in your bundle";
        for (int i = 0; i < chain.size(); i++) {
            if (PrivateKeys.matches(key, chain.get(i).getPublicKey())) {
                hint = "; the key belongs to certificateChain block " + (i + 1) + " ("
                        + chain.get(i).getSubjectX500Principal().getName() + "), not to the certificate — check which PEM is which";
                break;
            }
        }
        throw refuse("privateKey", ErrorCode.KeyMismatch, "privateKey does not belong to the certificate: the certificate's "
                + "public key has SHA-256 fingerprint " + PrivateKeys.publicKeyFingerprint(leaf.getPublicKey())
                + ", the private key's public key " + keyFp + hint);
    }

    /** Rule A9. */
    private static void checkValidity(X509Certificate leaf, Instant now) {
        if (now.isBefore(leaf.getNotBefore().toInstant())) {
            throw refuse("certificate", ErrorCode.CertificateNotYetValid, "certificate is valid only from "
                    + leaf.getNotBefore().toInstant() + "; import it then, or check the issuer's and this server's clocks");
        }
        if (now.isAfter(leaf.getNotAfter().toInstant())) {
            throw refuse("certificate", ErrorCode.CertificateExpired, "certificate expired on "
                    + leaf.getNotAfter().toInstant() + "; import renewed material");
        }
    }

    /**
     * Warnings for SHA-1 signatures and RSA 1024. A root's self-signature does not count (clients
     * trust the root itself, not its signature); the leaf's always does, self-signed or not,
     * because clients check it.
     */
    private static List<Warning> weakness(X509Certificate leaf, KeyType keyType, List<X509Certificate> chain) {
        List<Warning> out = new ArrayList<>();
        Set<String> weak = new LinkedHashSet<>();
        List<X509Certificate> all = new ArrayList<>(chain);
        all.add(0, leaf);
        for (X509Certificate c : all) {
            if (c.getSigAlgName().toUpperCase(Locale.ROOT).contains("SHA1") && (c == leaf || !SelfSigned.is(c))) {
                weak.add(c.getSubjectX500Principal().getName());
            }
        }
        if (!weak.isEmpty()) {
            out.add(new Warning(Warning.Code.WeakSignatureAlgorithm, "SHA-1 signature(s) on " + String.join("; ", weak)
                    + "; browsers reject SHA-1 certificates, ask the issuer for SHA-256 ones"));
        }
        if (keyType == KeyType.RSA_1024) {
            out.add(new Warning(Warning.Code.WeakKey, "RSA 1024 keys are weak and refused by current browsers; "
                    + "use RSA 2048 or more, or EC"));
        }
        return out;
    }

    private static List<String> ocspUrls(X509Certificate c) {
        byte[] ext = c.getExtensionValue(Extension.authorityInfoAccess.getId());
        if (ext == null) {
            return List.of();
        }
        try {
            AuthorityInformationAccess aia = AuthorityInformationAccess.getInstance(
                    ASN1Primitive.fromByteArray(ASN1OctetString.getInstance(ext).getOctets()));
            List<String> urls = new ArrayList<>();
            for (AccessDescription d : aia.getAccessDescriptions()) {
                if (d.getAccessMethod().equals(AccessDescription.id_ad_ocsp)
                        && d.getAccessLocation().getTagNo() == GeneralName.uniformResourceIdentifier) {
                    urls.add(d.getAccessLocation().getName().toString());
                }
            }
            return urls;
        } catch (java.io.IOException | RuntimeException e) {
            throw invalidCertificate("certificate has an unreadable authorityInfoAccess extension");
        }
    }

    private static int bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
    }

    private static ProblemException invalidCertificate(String message) {
        return refuse("certificate", ErrorCode.InvalidCertificate, message);
    }

    private static ProblemException refuse(String field, ErrorCode code, String message) {
        return ProblemException.of(new Violation(field, code, message));
    }
}
