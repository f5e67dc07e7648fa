package io.edgecert.certificates;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;

/**
 * The public facts of a certificate as the API shows them, read once at import. Names follow ACM:
 * key usages as {@code DIGITAL_SIGNATURE}, extended key usages as {@code TLS_WEB_SERVER_AUTHENTICATION}.
 */
public record CertificateFacts(String domainName, List<String> subjectAlternativeNames, List<String> dnsNames,
                               List<String> ipAddresses, String subject, String issuer, String serial,
                               String signatureAlgorithm, Instant notBefore, Instant notAfter,
                               String fingerprintSha256, List<String> keyUsages, List<String> extendedKeyUsages) {

    private static final String[] KEY_USAGES = {"DIGITAL_SIGNATURE", "NON_REPUDIATION", "KEY_ENCIPHERMENT",
            "DATA_ENCIPHERMENT", "KEY_AGREEMENT", "CERTIFICATE_SIGNING", "CRL_SIGNING", "ENCIPHER_ONLY", "DECIPHER_ONLY"};

    private static final Map<String, String> EXTENDED_KEY_USAGES = Map.of(
            "1.3.6.1.5.5.7.3.1", "TLS_WEB_SERVER_AUTHENTICATION",
            "1.3.6.1.5.5.7.3.2", "TLS_WEB_CLIENT_AUTHENTICATION",
            "1.3.6.1.5.5.7.3.3", "CODE_SIGNING",
            "1.3.6.1.5.5.7.3.4", "EMAIL_PROTECTION",
            "1.3.6.1.5.5.7.3.8", "TIME_STAMPING",
            "1.3.6.1.5.5.7.3.9", "OCSP_SIGNING",
            "2.5.29.37.0", "ANY");

    static final String CLIENT_AUTH = "TLS_WEB_CLIENT_AUTHENTICATION";
    static final String KEY_ENCIPHERMENT = "KEY_ENCIPHERMENT";

    public CertificateFacts {
        subjectAlternativeNames = List.copyOf(subjectAlternativeNames);
        dnsNames = List.copyOf(dnsNames);
        ipAddresses = List.copyOf(ipAddresses);
        keyUsages = List.copyOf(keyUsages);
        extendedKeyUsages = List.copyOf(extendedKeyUsages);
    }

    public static CertificateFacts of(X509Certificate c) {
        List<String> dns = new ArrayList<>();
        List<String> ips = new ArrayList<>();
        List<String> sans = new ArrayList<>();
        try {
            if (c.getSubjectAlternativeNames() != null) {
                for (List<?> san : c.getSubjectAlternativeNames()) {
                    int type = (Integer) san.get(0);
                    if (type == 2) {
                        String name = ((String) san.get(1)).toLowerCase(Locale.ROOT);
                        dns.add(name);
                        sans.add(name);
                    } else if (type == 7) {
                        ips.add((String) san.get(1));
                        sans.add((String) san.get(1));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable subjectAltName", e);
        }
        Optional<String> cn = commonName(c.getSubjectX500Principal());
        if (sans.isEmpty() && cn.isPresent()) {
            // Rule A8: without a SAN the CN is the name (legacy certificates).
            String name = cn.get().toLowerCase(Locale.ROOT);
            sans.add(name);
            if (looksLikeIp(name)) {
                ips.add(name);
            } else {
                dns.add(name);
            }
        }
        String domainName = cn.map(n -> n.toLowerCase(Locale.ROOT)).filter(n -> !n.isBlank())
                .orElse(sans.isEmpty() ? "" : sans.get(0));
        return new CertificateFacts(domainName, sans, dns, ips,
                c.getSubjectX500Principal().getName(X500Principal.RFC2253),
                c.getIssuerX500Principal().getName(X500Principal.RFC2253),
                c.getSerialNumber().toString(16), c.getSigAlgName(),
                c.getNotBefore().toInstant(), c.getNotAfter().toInstant(),
                fingerprint(c), keyUsages(c), extendedKeyUsages(c));
    }

    public static Optional<String> commonName(X500Principal principal) {
        try {
            List<Rdn> rdns = new LdapName(principal.getName(X500Principal.RFC2253)).getRdns();
            // LdapName lists RDNs last-first; the most specific CN is the last one in the DN.
            for (int i = rdns.size() - 1; i >= 0; i--) {
                Rdn rdn = rdns.get(i);
                if (rdn.getType().equalsIgnoreCase("CN")) {
                    return Optional.of(String.valueOf(rdn.getValue()));
                }
            }
        } catch (InvalidNameException | IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    public static String fingerprint(X509Certificate c) {
        try {
            return HexFormat.ofDelimiter(":").withUpperCase()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(c.getEncoded()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> keyUsages(X509Certificate c) {
        boolean[] bits = c.getKeyUsage();
        List<String> out = new ArrayList<>();
        if (bits != null) {
            for (int i = 0; i < bits.length && i < KEY_USAGES.length; i++) {
                if (bits[i]) {
                    out.add(KEY_USAGES[i]);
                }
            }
        }
        return out;
    }

    static List<String> extendedKeyUsages(X509Certificate c) {
        try {
            List<String> oids = c.getExtendedKeyUsage();
            if (oids == null) {
                return List.of();
            }
            return oids.stream().map(o -> EXTENDED_KEY_USAGES.getOrDefault(o, o)).toList();
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("unreadable extendedKeyUsage", e);
        }
    }

    static boolean looksLikeIp(String name) {
        return name.matches("[0-9.]+") || name.contains(":");
    }
}
