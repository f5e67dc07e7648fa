package io.edgecert.certificates.x509;

import java.net.IDN;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.ASN1String;
import org.bouncycastle.asn1.x500.AttributeTypeAndValue;
import org.bouncycastle.asn1.x500.RDN;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x500.style.BCStyle;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;

/**
 * DNS name matching as CloudFront and browsers do it (import-rules C1, RFC 6125 6.4): exact and
 * case-insensitive, or a wildcard that is the whole leftmost label and stands for exactly one
 * label. Partial-label wildcards ({@code f*.example.com}), wildcards over a single label
 * ({@code *.com}) and wildcards over any public suffix ({@code *.co.uk}, {@code *.s3.amazonaws.com})
 * never match.
 *
 * <p>{@link #serverIdentityProblem} is the full check a browser makes of a server certificate for
 * a host name or IP address (RFC 6125 / RFC 9525 and the CA/Browser Forum profile): only the
 * subjectAltName counts, never the subject CN.
 */
public final class HostnameMatcher {
    private static final String SAN_OID = Extension.subjectAlternativeName.getId();

    private HostnameMatcher() {
    }

    /** Does the certificate name {@code pattern} (e.g. "*.example.com") cover {@code hostName}? */
    public static boolean matches(String pattern, String hostName) {
        String p = normalize(pattern);
        String h = normalize(hostName);
        if (p.isEmpty() || h.isEmpty()) {
            return false;
        }
        if (!p.contains("*")) {
            return p.equals(h);
        }
        if (!p.startsWith("*.") || p.indexOf('*', 1) >= 0) {
            return false;
        }
        String parent = p.substring(2);
        if (parent.indexOf('.') < 0 || parent.isEmpty() || PublicSuffixes.isPublicSuffix(parent)) {
            return false;
        }
        int dot = h.indexOf('.');
        return dot > 0 && h.substring(dot + 1).equals(parent) && !h.startsWith("*");
    }

    /**
     * Is an alias covered by one of a certificate's names? A wildcard alias needs the same
     * wildcard on the certificate; a host alias is covered exactly or by a one-label wildcard.
     */
    public static boolean certificateCovers(Collection<String> certificateNames, String alias) {
        String a = normalize(alias);
        for (String name : certificateNames) {
            String n = normalize(name);
            if (n.equals(a) || (!a.startsWith("*") && matches(n, a))) {
                return true;
            }
        }
        return false;
    }

    /**
     * Why a TLS client connecting to {@code reference} (a host name, in A-label or U-label form,
     * or an IPv4/IPv6 literal) would refuse this server certificate's identity, or empty when it
     * would accept it. Checks, in order:
     * <ul>
     *   <li>the subjectAltName is present and well formed; it is critical exactly when the subject
     *       is empty (RFC 5280 4.2.1.6, CABF 7.1.2.7.12). The CN is never used as a fallback;</li>
     *   <li>every subject CN is a character-for-character copy of a SAN dNSName, or the canonical
     *       text of a SAN iPAddress (CABF 7.1.4.3);</li>
     *   <li>a host name matches a dNSName exactly (case-insensitively) or through a usable
     *       wildcard; an IP literal matches an iPAddress entry only, never a dNSName.</li>
     * </ul>
     */
    public static Optional<String> serverIdentityProblem(X509Certificate leaf, String reference) {
        byte[] ip = parseIp(reference.strip());
        String host = null;
        if (ip == null) {
            host = asciiHostName(reference);
            if (host == null) {
                return Optional.of("\"" + reference + "\" is neither a valid host name nor an IP address");
            }
        }
        byte[] sanValue = leaf.getExtensionValue(SAN_OID);
        if (sanValue == null) {
            return Optional.of("the certificate has no subjectAltName; clients ignore the subject CN, "
                    + "so it is valid for no host name");
        }
        GeneralName[] sans;
        try {
            sans = GeneralNames.getInstance(ASN1OctetString.getInstance(sanValue).getOctets()).getNames();
        } catch (RuntimeException e) {
            return Optional.of("the subjectAltName extension is malformed");
        }
        X500Name subject;
        try {
            subject = X500Name.getInstance(leaf.getSubjectX500Principal().getEncoded());
        } catch (RuntimeException e) {
            return Optional.of("the subject name is malformed");
        }
        boolean sanCritical = leaf.getCriticalExtensionOIDs() != null && leaf.getCriticalExtensionOIDs().contains(SAN_OID);
        boolean subjectEmpty = subject.getRDNs().length == 0;
        if (sanCritical && !subjectEmpty) {
            return Optional.of("the subjectAltName is marked critical although the subject is not empty");
        }
        if (!sanCritical && subjectEmpty) {
            return Optional.of("the subject is empty but the subjectAltName is not marked critical");
        }
        Optional<String> cn = commonNameProblem(subject, sans);
        if (cn.isPresent()) {
            return cn;
        }
        List<String> names = new ArrayList<>();
        for (GeneralName san : sans) {
            if (san.getTagNo() == GeneralName.dNSName && san.getName() instanceof ASN1String s) {
                names.add(s.getString());
                if (host != null && sanMatches(s.getString(), host)) {
                    return Optional.empty();
                }
            } else if (san.getTagNo() == GeneralName.iPAddress) {
                byte[] address = ASN1OctetString.getInstance(san.getName()).getOctets();
                names.add(ipText(address));
                if (ip != null && Arrays.equals(address, ip)) {
                    return Optional.empty();
                }
            }
        }
        return Optional.of("no subjectAltName " + (ip != null ? "iPAddress" : "dNSName") + " covers " + reference
                + " (the certificate names " + (names.isEmpty() ? "nothing usable" : String.join(", ", names)) + ")");
    }

    /**
     * CABF 7.1.4.3, the encoding half: a CN that names a SAN entry spells it exactly as the SAN
     * does (same case, A-labels, IP addresses in RFC 3986 / RFC 5952 text). A CN naming nothing in
     * the SAN is not refused: clients never read it, and certificates with a CN outside their SAN
     * are common in private PKIs.
     */
    private static Optional<String> commonNameProblem(X500Name subject, GeneralName[] sans) {
        for (RDN rdn : subject.getRDNs()) {
            for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                if (!atv.getType().equals(BCStyle.CN)) {
                    continue;
                }
                if (!(atv.getValue() instanceof ASN1String s)) {
                    return Optional.of("the subject CN is not a string");
                }
                String cn = s.getString();
                if (!cn.chars().allMatch(c -> c < 0x80)) {
                    return Optional.of("the subject CN \"" + cn + "\" is not ASCII; a CN repeats the subjectAltName's "
                            + "A-label spelling (CABF 7.1.4.3)");
                }
                if (looksLikeIp(cn)) {
                    boolean exact = false;
                    for (GeneralName san : sans) {
                        exact |= san.getTagNo() == GeneralName.iPAddress
                                && ipText(ASN1OctetString.getInstance(san.getName()).getOctets()).equals(cn);
                    }
                    if (!exact) {
                        return Optional.of("the subject CN \"" + cn + "\" is an IP address but not the canonical text of a "
                                + "subjectAltName iPAddress (CABF 7.1.4.3: RFC 3986 / RFC 5952 form)");
                    }
                    continue;
                }
                boolean sameName = false;
                boolean sameSpelling = false;
                for (GeneralName san : sans) {
                    if (san.getTagNo() == GeneralName.dNSName && san.getName() instanceof ASN1String d) {
                        sameName |= d.getString().equalsIgnoreCase(cn);
                        sameSpelling |= d.getString().equals(cn);
                    }
                }
                if (sameName && !sameSpelling) {
                    return Optional.of("the subject CN \"" + cn + "\" is not a character-for-character copy of its "
                            + "subjectAltName dNSName (CABF 7.1.4.3)");
                }
            }
        }
        return Optional.empty();
    }

    /** An IP address in any notation a resolver might accept (hex, octal, dword, IPv6 in any case). */
    private static boolean looksLikeIp(String s) {
        if (s.indexOf(':') >= 0) {
            return parseIpv6(s) != null;
        }
        String[] parts = s.split("\\.", -1);
        if (parts.length > 4) {
            return false;
        }
        for (String p : parts) {
            if (!p.matches("0[xX][0-9a-fA-F]+|[0-9]+")) {
                return false;
            }
        }
        return true;
    }

    /** A SAN dNSName (as it appears in the certificate) against a valid lowercase host name. */
    static boolean sanMatches(String sanDnsName, String host) {
        String p = sanDnsName.toLowerCase(Locale.ROOT);
        if (p.endsWith(".")) {
            p = p.substring(0, p.length() - 1);
        }
        if (!p.startsWith("*.")) {
            return isHostName(p) && p.equals(host);
        }
        if (!isUsableWildcard(p)) {
            return false;
        }
        int dot = host.indexOf('.');
        return dot > 0 && host.substring(dot + 1).equals(p.substring(2));
    }

    /** {@code *.} followed by a host name of two labels or more that is not a public suffix. */
    static boolean isUsableWildcard(String pattern) {
        if (!pattern.startsWith("*.")) {
            return false;
        }
        String base = pattern.substring(2);
        return isHostName(base) && base.indexOf('.') > 0 && !PublicSuffixes.isPublicSuffix(base);
    }

    /** RFC 1034/1123 preferred name syntax: LDH labels of 1-63 characters, 253 at most in all. */
    static boolean isHostName(String name) {
        if (name.isEmpty() || name.length() > 253) {
            return false;
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || label.length() > 63 || label.startsWith("-") || label.endsWith("-")) {
                return false;
            }
            for (int i = 0; i < label.length(); i++) {
                char c = label.charAt(i);
                boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
                if (!ok) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The reference host name in lowercase A-label form, or null when it is not a valid one. */
    static String asciiHostName(String reference) {
        String n = reference.strip();
        if (n.endsWith(".")) {
            n = n.substring(0, n.length() - 1);
        }
        if (!n.chars().allMatch(c -> c < 0x80)) {
            try {
                n = IDN.toASCII(n, IDN.USE_STD3_ASCII_RULES);
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
        n = n.toLowerCase(Locale.ROOT);
        return isHostName(n) ? n : null;
    }

    /** An IPv4 dotted-decimal or IPv6 literal as 4 or 16 bytes, or null (never a DNS lookup). */
    static byte[] parseIp(String s) {
        if (s.indexOf(':') >= 0) {
            return parseIpv6(s);
        }
        return parseIpv4(s);
    }

    static byte[] parseIpv4(String s) {
        String[] parts = s.split("\\.", -1);
        if (parts.length != 4) {
            return null;
        }
        byte[] out = new byte[4];
        for (int i = 0; i < 4; i++) {
            String p = parts[i];
            if (p.isEmpty() || p.length() > 3 || (p.length() > 1 && p.charAt(0) == '0')
                    || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
                return null;
            }
            int v = Integer.parseInt(p);
            if (v > 255) {
                return null;
            }
            out[i] = (byte) v;
        }
        return out;
    }

    static byte[] parseIpv6(String s) {
        if (s.startsWith("[") && s.endsWith("]")) {
            s = s.substring(1, s.length() - 1);
        }
        int dc = s.indexOf("::");
        if (dc >= 0 && s.indexOf("::", dc + 1) >= 0) {
            return null;
        }
        List<Integer> head = new ArrayList<>();
        List<Integer> tail = new ArrayList<>();
        String headText = dc >= 0 ? s.substring(0, dc) : s;
        String tailText = dc >= 0 ? s.substring(dc + 2) : "";
        if (!groups(headText, head, dc < 0 || tailText.isEmpty()) || !groups(tailText, tail, true)) {
            return null;
        }
        int total = head.size() + tail.size();
        if ((dc < 0 && total != 8) || (dc >= 0 && total > 7)) {
            return null;
        }
        byte[] out = new byte[16];
        for (int i = 0; i < head.size(); i++) {
            out[2 * i] = (byte) (head.get(i) >> 8);
            out[2 * i + 1] = (byte) (int) head.get(i);
        }
        for (int i = 0; i < tail.size(); i++) {
            int g = 8 - tail.size() + i;
            out[2 * g] = (byte) (tail.get(i) >> 8);
            out[2 * g + 1] = (byte) (int) tail.get(i);
        }
        return out;
    }

    /** Hex groups separated by ':'; the last one may be a dotted IPv4 address (two groups). */
    private static boolean groups(String text, List<Integer> out, boolean ipv4Allowed) {
        if (text.isEmpty()) {
            return true;
        }
        String[] parts = text.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            String p = parts[i];
            if (i == parts.length - 1 && ipv4Allowed && p.indexOf('.') >= 0) {
                byte[] v4 = parseIpv4(p);
                if (v4 == null) {
                    return false;
                }
                out.add(((v4[0] & 0xff) << 8) | (v4[1] & 0xff));
                out.add(((v4[2] & 0xff) << 8) | (v4[3] & 0xff));
                continue;
            }
            if (p.isEmpty() || p.length() > 4 || !p.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                return false;
            }
            out.add(Integer.parseInt(p, 16));
        }
        return true;
    }

    /** Dotted decimal, or RFC 5952 text for IPv6 (lowercase, no leading zeros, longest zero run as ::). */
    static String ipText(byte[] a) {
        if (a.length == 4) {
            return (a[0] & 0xff) + "." + (a[1] & 0xff) + "." + (a[2] & 0xff) + "." + (a[3] & 0xff);
        }
        if (a.length != 16) {
            return "(malformed address of " + a.length + " bytes)";
        }
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xff) << 8) | (a[2 * i + 1] & 0xff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static String normalize(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        return n.endsWith(".") ? n.substring(0, n.length() - 1) : n;
    }
}
