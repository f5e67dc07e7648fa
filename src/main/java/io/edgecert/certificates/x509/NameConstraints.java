package io.edgecert.certificates.x509;

import java.net.URI;
import java.net.URISyntaxException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.bouncycastle.asn1.x509.GeneralSubtree;

/**
 * RFC 5280 4.2.1.10 name constraints, processed over a whole path, trust anchor included (the
 * JDK's PKIX validator ignores the constraints of the anchor certificate). Differences from a
 * literal reading of the RFC, all on the side of refusing:
 * <ul>
 *   <li>a wildcard dNSName ({@code *.example.com}) stands for every name it could match: it is
 *       permitted only if all of them are, and excluded if any of them is (CVE-2025-61727);</li>
 *   <li>malformed constraints (a dNSName with a wildcard or a leading dot, an iPAddress that is not
 *       an address and a contiguous mask) and malformed names under a constraint of their type
 *       make the path invalid;</li>
 *   <li>a constraint of a type edgecert cannot evaluate (otherName, x400Address, ediPartyName,
 *       registeredID) fails the path when a certificate below carries a name of that type;</li>
 *   <li>the work is bounded: more than {@value #MAX_COMPARISONS} name/subtree comparisons for one
 *       path fail it rather than let a crafted certificate burn CPU.</li>
 * </ul>
 */
final class NameConstraints {
    static final int MAX_COMPARISONS = 250_000;
    private static final String NC_OID = Extension.nameConstraints.getId();
    private static final String SAN_OID = Extension.subjectAlternativeName.getId();

    /** A constraint that cannot be honoured as written. */
    static final class MalformedException extends Exception {
        MalformedException(String message) {
            super(message);
        }
    }

    /** Work counter shared by all the checks of one validation. */
    static final class Budget {
        private long comparisons;

        void spend(int n) throws MalformedException {
            comparisons += n;
            if (comparisons > MAX_COMPARISONS) {
                throw new MalformedException("name constraints need more than " + MAX_COMPARISONS
                        + " comparisons to check; refused as a denial-of-service risk");
            }
        }
    }

    private record Subtree(int tag, String text, byte[] address, byte[] mask, X500Name dn) {
    }

    private final String owner;
    private final List<Subtree> permitted;
    private final List<Subtree> excluded;

    private NameConstraints(String owner, List<Subtree> permitted, List<Subtree> excluded) {
        this.owner = owner;
        this.permitted = permitted;
        this.excluded = excluded;
    }

    /** The certificate's constraints, null when it has none. */
    static NameConstraints of(X509Certificate ca) throws MalformedException {
        byte[] value = ca.getExtensionValue(NC_OID);
        if (value == null) {
            return null;
        }
        String owner = ca.getSubjectX500Principal().getName();
        org.bouncycastle.asn1.x509.NameConstraints nc;
        try {
            nc = org.bouncycastle.asn1.x509.NameConstraints.getInstance(ASN1OctetString.getInstance(value).getOctets());
        } catch (RuntimeException e) {
            throw new MalformedException("the nameConstraints extension of " + owner + " is malformed");
        }
        List<Subtree> permitted = subtrees(owner, nc.getPermittedSubtrees());
        List<Subtree> excluded = subtrees(owner, nc.getExcludedSubtrees());
        if (permitted.isEmpty() && excluded.isEmpty()) {
            throw new MalformedException("the nameConstraints extension of " + owner
                    + " has neither permitted nor excluded subtrees");
        }
        return new NameConstraints(owner, permitted, excluded);
    }

    private static List<Subtree> subtrees(String owner, GeneralSubtree[] subtrees) throws MalformedException {
        List<Subtree> out = new ArrayList<>();
        if (subtrees == null) {
            return out;
        }
        for (GeneralSubtree s : subtrees) {
            if ((s.getMinimum() != null && s.getMinimum().signum() != 0) || s.getMaximum() != null) {
                throw new MalformedException("a name constraint of " + owner + " has minimum/maximum set");
            }
            GeneralName base = s.getBase();
            int tag = base.getTagNo();
            switch (tag) {
                case GeneralName.dNSName -> {
                    String d = string(base).toLowerCase(Locale.ROOT);
                    if (!d.isEmpty() && !HostnameMatcher.isHostName(d)) {
                        throw new MalformedException("the dNSName constraint \"" + d + "\" of " + owner
                                + " is not a host name (no wildcards, no leading dot)");
                    }
                    out.add(new Subtree(tag, d, null, null, null));
                }
                case GeneralName.iPAddress -> {
                    byte[] v = ASN1OctetString.getInstance(base.getName()).getOctets();
                    if ((v.length != 8 && v.length != 32) || !contiguous(Arrays.copyOfRange(v, v.length / 2, v.length))) {
                        throw new MalformedException("an iPAddress constraint of " + owner
                                + " is not an address and a CIDR mask");
                    }
                    out.add(new Subtree(tag, null, Arrays.copyOf(v, v.length / 2),
                            Arrays.copyOfRange(v, v.length / 2, v.length), null));
                }
                case GeneralName.directoryName -> out.add(new Subtree(tag, null, null, null, X500Name.getInstance(base.getName())));
                case GeneralName.rfc822Name -> {
                    String e = string(base);
                    int at = e.indexOf('@');
                    boolean ok = at < 0 ? validMailHost(e.startsWith(".") ? e.substring(1) : e)
                            : at > 0 && e.indexOf('@', at + 1) < 0 && validMailHost(e.substring(at + 1));
                    if (!ok) {
                        throw new MalformedException("the rfc822Name constraint \"" + e + "\" of " + owner + " is malformed");
                    }
                    out.add(new Subtree(tag, e, null, null, null));
                }
                case GeneralName.uniformResourceIdentifier -> {
                    String u = string(base).toLowerCase(Locale.ROOT);
                    if (!HostnameMatcher.isHostName(u.startsWith(".") ? u.substring(1) : u)) {
                        throw new MalformedException("the URI constraint \"" + u + "\" of " + owner + " is not a host or domain");
                    }
                    out.add(new Subtree(tag, u, null, null, null));
                }
                default -> out.add(new Subtree(tag, null, null, null, null));
            }
        }
        return out;
    }

    private static String string(GeneralName n) throws MalformedException {
        if (n.getName() instanceof ASN1String s) {
            return s.getString();
        }
        throw new MalformedException("a name constraint is not a string");
    }

    private static boolean validMailHost(String host) {
        return HostnameMatcher.isHostName(host.toLowerCase(Locale.ROOT));
    }

    private static boolean contiguous(byte[] mask) {
        boolean zeros = false;
        for (byte b : mask) {
            for (int bit = 7; bit >= 0; bit--) {
                boolean one = (b >> bit & 1) == 1;
                if (one && zeros) {
                    return false;
                }
                zeros |= !one;
            }
        }
        return true;
    }

    /**
     * Checks each certificate of {@code leafFirst} against the constraints of every certificate
     * above it (the anchor's included). Self-issued intermediates are exempt (RFC 5280 6.1.3 b),
     * the leaf never is.
     */
    static Optional<String> check(List<X509Certificate> leafFirst, X509Certificate anchor, Budget budget) {
        try {
            List<NameConstraints> active = new ArrayList<>();
            NameConstraints top = of(anchor);
            if (top != null) {
                active.add(top);
            }
            for (int i = leafFirst.size() - 1; i >= 0; i--) {
                X509Certificate c = leafFirst.get(i);
                boolean leaf = i == 0;
                if (!active.isEmpty() && (leaf || !c.getSubjectX500Principal().equals(c.getIssuerX500Principal()))) {
                    List<GeneralName> names = namesOf(c);
                    for (NameConstraints nc : active) {
                        Optional<String> problem = nc.problemWith(names, c, budget);
                        if (problem.isPresent()) {
                            return problem;
                        }
                    }
                }
                if (!leaf) {
                    NameConstraints own = of(c);
                    if (own != null) {
                        active.add(own);
                    }
                }
            }
            return Optional.empty();
        } catch (MalformedException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** Subject (as a directoryName), subject emailAddress attributes, and every SAN entry. */
    private static List<GeneralName> namesOf(X509Certificate c) throws MalformedException {
        List<GeneralName> names = new ArrayList<>();
        X500Name subject = X500Name.getInstance(c.getSubjectX500Principal().getEncoded());
        if (subject.getRDNs().length > 0) {
            names.add(new GeneralName(subject));
            for (RDN rdn : subject.getRDNs()) {
                for (AttributeTypeAndValue atv : rdn.getTypesAndValues()) {
                    if (atv.getType().equals(BCStyle.EmailAddress) && atv.getValue() instanceof ASN1String s) {
                        names.add(new GeneralName(GeneralName.rfc822Name, s.getString()));
                    }
                }
            }
        }
        byte[] san = c.getExtensionValue(SAN_OID);
        if (san != null) {
            try {
                names.addAll(List.of(GeneralNames.getInstance(ASN1OctetString.getInstance(san).getOctets()).getNames()));
            } catch (RuntimeException e) {
                throw new MalformedException("the subjectAltName of " + c.getSubjectX500Principal().getName() + " is malformed");
            }
        }
        return names;
    }

    private Optional<String> problemWith(List<GeneralName> names, X509Certificate c, Budget budget) throws MalformedException {
        for (GeneralName name : names) {
            int tag = name.getTagNo();
            List<Subtree> perm = permitted.stream().filter(s -> s.tag() == tag).toList();
            List<Subtree> excl = excluded.stream().filter(s -> s.tag() == tag).toList();
            if (perm.isEmpty() && excl.isEmpty()) {
                continue;
            }
            String shown = describe(name);
            String where = " (in " + c.getSubjectX500Principal().getName() + ")";
            if (!supported(tag)) {
                return Optional.of("the name constraints of " + owner + " restrict names of type " + tag
                        + ", which edgecert cannot evaluate, and " + shown + where + " is one");
            }
            budget.spend(perm.size() + excl.size());
            for (Subtree s : excl) {
                if (within(name, s, true)) {
                    return Optional.of(shown + where + " is excluded by the name constraints of " + owner);
                }
            }
            if (!perm.isEmpty()) {
                boolean ok = false;
                for (Subtree s : perm) {
                    if (within(name, s, false)) {
                        ok = true;
                        break;
                    }
                }
                if (!ok) {
                    return Optional.of(shown + where + " is outside the names permitted by the name constraints of " + owner);
                }
            }
        }
        return Optional.empty();
    }

    private static boolean supported(int tag) {
        return tag == GeneralName.dNSName || tag == GeneralName.iPAddress || tag == GeneralName.directoryName
                || tag == GeneralName.rfc822Name || tag == GeneralName.uniformResourceIdentifier;
    }

    /**
     * Is the name inside the subtree? For an excluded subtree "inside" means "could overlap" (a
     * wildcard that might stand for an excluded name); for a permitted one it means "entirely".
     */
    private static boolean within(GeneralName name, Subtree s, boolean excludedSubtree) throws MalformedException {
        switch (name.getTagNo()) {
            case GeneralName.dNSName -> {
                String n = string(name).toLowerCase(Locale.ROOT);
                boolean wildcard = n.startsWith("*.");
                String base = wildcard ? n.substring(2) : n;
                if (!HostnameMatcher.isHostName(base)) {
                    throw new MalformedException("the dNSName \"" + n + "\" is malformed and sits under name constraints");
                }
                if (dnsWithin(base, s.text())) {
                    return true;
                }
                // *.example.com may stand for bar.example.com, which an excluded bar.example.com forbids
                return wildcard && excludedSubtree && s.text().endsWith("." + base)
                        && s.text().indexOf('.') == s.text().length() - base.length() - 1;
            }
            case GeneralName.iPAddress -> {
                byte[] a = ASN1OctetString.getInstance(name.getName()).getOctets();
                if (a.length != 4 && a.length != 16) {
                    throw new MalformedException("an iPAddress name of " + a.length + " bytes sits under name constraints");
                }
                if (a.length != s.address().length) {
                    return false;
                }
                for (int i = 0; i < a.length; i++) {
                    if ((a[i] & s.mask()[i]) != (s.address()[i] & s.mask()[i])) {
                        return false;
                    }
                }
                return true;
            }
            case GeneralName.directoryName -> {
                RDN[] n = X500Name.getInstance(name.getName()).getRDNs();
                RDN[] c = s.dn().getRDNs();
                if (c.length > n.length) {
                    return false;
                }
                return new X500Name(Arrays.copyOf(n, c.length)).equals(s.dn());
            }
            case GeneralName.rfc822Name -> {
                String mail = string(name);
                int at = mail.indexOf('@');
                if (at <= 0 || mail.indexOf('@', at + 1) >= 0) {
                    throw new MalformedException("the rfc822Name \"" + mail + "\" is malformed and sits under name constraints");
                }
                String host = mail.substring(at + 1).toLowerCase(Locale.ROOT);
                String c = s.text();
                if (c.indexOf('@') >= 0) {
                    int cat = c.indexOf('@');
                    return mail.substring(0, at).equals(c.substring(0, cat)) && host.equalsIgnoreCase(c.substring(cat + 1));
                }
                return c.startsWith(".") ? host.endsWith(c.toLowerCase(Locale.ROOT)) : host.equalsIgnoreCase(c);
            }
            case GeneralName.uniformResourceIdentifier -> {
                String host;
                try {
                    host = new URI(string(name)).getHost();
                } catch (URISyntaxException e) {
                    host = null;
                }
                if (host == null) {
                    throw new MalformedException("the URI \"" + string(name) + "\" has no host and sits under name constraints");
                }
                host = host.toLowerCase(Locale.ROOT);
                String c = s.text();
                return c.startsWith(".") ? host.endsWith(c) : host.equals(c);
            }
            default -> {
                return true;
            }
        }
    }

    private static boolean dnsWithin(String name, String constraint) {
        return constraint.isEmpty() || name.equals(constraint) || name.endsWith("." + constraint);
    }

    private static String describe(GeneralName n) {
        try {
            return switch (n.getTagNo()) {
                case GeneralName.dNSName -> "the dNSName " + string(n);
                case GeneralName.iPAddress -> "the iPAddress " + HostnameMatcher.ipText(ASN1OctetString.getInstance(n.getName()).getOctets());
                case GeneralName.directoryName -> "the name \"" + X500Name.getInstance(n.getName()) + "\"";
                case GeneralName.rfc822Name -> "the email address " + string(n);
                case GeneralName.uniformResourceIdentifier -> "the URI " + string(n);
                default -> "a name of type " + n.getTagNo();
            };
        } catch (MalformedException | RuntimeException e) {
            return "a malformed name";
        }
    }
}
