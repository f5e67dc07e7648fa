package io.edgecert.certificates.x509;

import io.edgecert.certificates.x509.CertificateProfile.Role;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.bouncycastle.asn1.ASN1OctetString;
import org.bouncycastle.asn1.x509.AuthorityKeyIdentifier;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.SubjectKeyIdentifier;

/**
 * Builds and validates the path from a server certificate to a root of the trust store, the way a
 * browser does: the given intermediates are a pool in no particular order, possibly with extras,
 * cross-signed variants, expired or otherwise unusable ones; candidate paths are explored depth
 * first (issuers named by the authorityKeyIdentifier and currently valid ones first, loops cut) and
 * every one that reaches an anchor is validated in full; the first good one wins.
 *
 * <p>RFC 5280 section 6 validation, with the Web PKI (CA/Browser Forum) profile browsers apply. A
 * candidate path is good when
 * <ul>
 *   <li>each certificate's key verifies the signature of the one below it (checked while
 *       building), with SHA-256/384/512 RSA, RSA-PSS or ECDSA: no SHA-1, no MD5;</li>
 *   <li>every certificate, the anchor included, has the shape of {@link CertificateProfile} (CA
 *       bits, key usage, key sizes, understood critical extensions, key identifiers...);</li>
 *   <li>every certificate, the anchor included, is valid at the validation time (taken to the
 *       second: certificate times have no fractions);</li>
 *   <li>no CA's pathLenConstraint is exceeded (self-issued intermediates not counted), and the path
 *       has at most {@link Options#maxIntermediates()} intermediates;</li>
 *   <li>the leaf's extendedKeyUsage, if present, includes serverAuth (and not anyExtendedKeyUsage),
 *       and no CA's extendedKeyUsage excludes serverAuth;</li>
 *   <li>the name constraints of every CA above, the anchor's included, admit the names below
 *       ({@link NameConstraints}).</li>
 * </ul>
 * Certificate policies are not processed (as in most Web PKI validators) and revocation is not
 * checked: edgecert imports what the customer owns and has no say over CRL/OCSP reachability.
 * Path building is bounded ({@value #MAX_SIGNATURE_CHECKS} signature checks,
 * {@link NameConstraints#MAX_COMPARISONS} name comparisons) so that a crafted bundle cannot make it
 * slow.
 */
public final class PathValidator {
    /** Intermediates allowed between the leaf and the anchor unless the caller says otherwise. */
    public static final int DEFAULT_MAX_INTERMEDIATES = 8;
    static final int MAX_SIGNATURE_CHECKS = 2_000;
    /** Self-issued intermediates (key rollover) beyond the counted ones a path may hold. */
    private static final int SELF_ISSUED_ALLOWANCE = 4;
    private static final Set<String> ACCEPTED_SIGNATURES = Set.of(
            "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", // sha{256,384,512}WithRSA
            "1.2.840.113549.1.1.10", // RSASSA-PSS
            "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4"); // ecdsa-with-SHA{256,384,512}
    private static final Set<String> SHA1_SIGNATURES = Set.of("1.2.840.113549.1.1.5", "1.2.840.10045.4.1");

    /** KeyUsage bits, in the order of {@link X509Certificate#getKeyUsage()}. */
    public enum KeyUsageBit {
        digitalSignature, nonRepudiation, keyEncipherment, dataEncipherment, keyAgreement, keyCertSign, cRLSign,
        encipherOnly, decipherOnly
    }

    /**
     * @param maxIntermediates most intermediates (self-issued ones not counted) a path may have
     * @param leafKeyUsage bits the leaf's keyUsage must assert when it has that extension
     */
    public record Options(int maxIntermediates, Set<KeyUsageBit> leafKeyUsage) {
        public Options {
            if (maxIntermediates < 0) {
                throw new IllegalArgumentException("maxIntermediates < 0");
            }
            leafKeyUsage = leafKeyUsage.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(leafKeyUsage));
        }

        /** A TLS server certificate for a browser: serverAuth, at most 8 intermediates. */
        public static Options server() {
            return new Options(DEFAULT_MAX_INTERMEDIATES, Set.of());
        }

        public Options withMaxIntermediates(int n) {
            return new Options(n, leafKeyUsage);
        }

        public Options withLeafKeyUsage(Set<KeyUsageBit> bits) {
            return new Options(maxIntermediates, bits);
        }
    }

    /** The outcome of {@link #validate}: a path to a trust anchor, or why there is none. */
    public sealed interface Result {
        boolean valid();

        /** @param chain the leaf first, then the intermediates used; the anchor is not in it */
        record Valid(List<X509Certificate> chain, X509Certificate anchor) implements Result {
            public Valid {
                chain = List.copyOf(chain);
            }

            @Override
            public boolean valid() {
                return true;
            }
        }

        record Invalid(String reason) implements Result {
            @Override
            public boolean valid() {
                return false;
            }
        }
    }

    private final TrustStore trustStore;

    public PathValidator(TrustStore trustStore) {
        this.trustStore = trustStore;
    }

    /**
     * Why the leaf and its ordered chain do not reach a root of the store at {@code at}, or empty
     * when they do. The chain is used as the pool of intermediates: a root at its end counts only
     * if the store holds it (or a certificate with its name and key), and a cross-signed
     * intermediate may be bypassed when the store holds the root it stands in for.
     */
    public Optional<String> problemWith(X509Certificate leaf, List<X509Certificate> orderedChain, Instant at) {
        if (trustStore.contains(leaf)) {
            return Optional.empty(); // the leaf is itself a trusted root
        }
        Result r = validate(leaf, orderedChain, at, Options.server());
        return r instanceof Result.Invalid invalid ? Optional.of(invalid.reason()) : Optional.empty();
    }

    /** {@link #validate(X509Certificate, Collection, Instant, Options)} for a TLS server certificate. */
    public Result validate(X509Certificate leaf, Collection<X509Certificate> intermediates, Instant at) {
        return validate(leaf, intermediates, at, Options.server());
    }

    /**
     * Finds a valid path from {@code leaf} through some of {@code intermediates} (any order, extras
     * allowed) to a root of this validator's trust store, at time {@code at}.
     */
    public Result validate(X509Certificate leaf, Collection<X509Certificate> intermediates, Instant at, Options options) {
        return new Search(trustStore, leaf, intermediates, at, options).run();
    }

    /** One-off validation against the given anchors. */
    public static Result validate(X509Certificate leaf, Collection<X509Certificate> intermediates,
                                  Collection<X509Certificate> anchors, Instant at, Options options) {
        return new PathValidator(new TrustStore("given anchors", List.copyOf(anchors))).validate(leaf, intermediates, at, options);
    }

    /** Depth-first path building for one validation; not thread-safe, used once. */
    private static final class Search {
        private final TrustStore anchors;
        private final X509Certificate leaf;
        private final List<X509Certificate> pool = new ArrayList<>();
        private final Instant at;
        private final Options options;
        private final Map<X509Certificate, Map<X509Certificate, Boolean>> signatures = new IdentityHashMap<>();
        private final Map<X509Certificate, Map<Role, Optional<String>>> profiles = new IdentityHashMap<>();
        private final NameConstraints.Budget nameBudget = new NameConstraints.Budget();
        private int signatureChecks;
        private String anchoredProblem;
        private boolean depthLimited;
        private List<X509Certificate> deepest = List.of();
        private Result.Valid found;

        Search(TrustStore anchors, X509Certificate leaf, Collection<X509Certificate> intermediates, Instant at, Options options) {
            this.anchors = anchors;
            this.leaf = leaf;
            this.at = at.truncatedTo(ChronoUnit.SECONDS);
            this.options = options;
            for (X509Certificate c : intermediates) {
                if (!c.equals(leaf) && !pool.contains(c) && !anchors.contains(c)) {
                    pool.add(c);
                }
            }
        }

        Result run() {
            List<X509Certificate> path = new ArrayList<>();
            path.add(leaf);
            try {
                if (search(path)) {
                    return found;
                }
            } catch (BudgetExceeded e) {
                return new Result.Invalid("gave up building a path after " + MAX_SIGNATURE_CHECKS
                        + " signature checks; the intermediates given are pathological");
            }
            if (anchoredProblem != null) {
                return new Result.Invalid(anchoredProblem);
            }
            if (depthLimited) {
                return new Result.Invalid("no path to a root of the trust store with at most " + options.maxIntermediates()
                        + " intermediate" + (options.maxIntermediates() == 1 ? "" : "s"));
            }
            X509Certificate end = deepest.isEmpty() ? leaf : deepest.get(deepest.size() - 1);
            if (end != leaf && SelfSigned.is(end)) {
                return new Result.Invalid("the root " + name(end) + " is not a trust anchor of the store");
            }
            return new Result.Invalid("no trusted root or given intermediate issued " + (end == leaf ? "the certificate "
                    : "intermediate ") + name(end) + " (its issuer is \"" + end.getIssuerX500Principal().getName() + "\")");
        }

        private boolean search(List<X509Certificate> path) {
            X509Certificate current = path.get(path.size() - 1);
            for (X509Certificate anchor : anchors.withSubject(current.getIssuerX500Principal())) {
                if (!signedBy(current, anchor)) {
                    continue;
                }
                Optional<String> problem = checkPath(path, anchor);
                if (problem.isEmpty()) {
                    found = new Result.Valid(path, anchor);
                    return true;
                }
                if (anchoredProblem == null) {
                    anchoredProblem = problem.get();
                }
            }
            if (path.size() > deepest.size()) {
                deepest = List.copyOf(path);
            }
            if (path.size() > options.maxIntermediates() + SELF_ISSUED_ALLOWANCE) {
                depthLimited = true;
                return false;
            }
            int counted = countedIntermediates(path);
            for (X509Certificate candidate : issuersOf(current, path)) {
                if (counted + (selfIssued(candidate) ? 0 : 1) > options.maxIntermediates()) {
                    depthLimited = true;
                    continue;
                }
                path.add(candidate);
                if (search(path)) {
                    return true;
                }
                path.remove(path.size() - 1);
            }
            return false;
        }

        /**
         * Pool certificates that may have issued {@code c}, not already on the path, whose key
         * verifies its signature; currently valid ones first. A candidate whose subjectKeyIdentifier
         * contradicts {@code c}'s authorityKeyIdentifier is not tried (as OpenSSL does), which keeps
         * a pool of same-named certificates from costing a signature check each.
         */
        private List<X509Certificate> issuersOf(X509Certificate c, List<X509Certificate> path) {
            byte[] aki = authorityKeyId(c);
            List<X509Certificate> named = new ArrayList<>();
            for (X509Certificate p : pool) {
                if (!p.getSubjectX500Principal().equals(c.getIssuerX500Principal()) || inPath(path, p)) {
                    continue;
                }
                byte[] ski = aki == null ? null : subjectKeyId(p);
                if (ski != null && !Arrays.equals(aki, ski)) {
                    continue;
                }
                named.add(p);
            }
            named.sort(Comparator.comparingInt((X509Certificate p) -> validAt(p) ? 0 : 1));
            named.removeIf(p -> !signedBy(c, p));
            return named;
        }

        private boolean signedBy(X509Certificate c, X509Certificate issuer) {
            Map<X509Certificate, Boolean> byIssuer = signatures.computeIfAbsent(c, k -> new IdentityHashMap<>());
            Boolean known = byIssuer.get(issuer);
            if (known == null) {
                if (++signatureChecks > MAX_SIGNATURE_CHECKS) {
                    throw new BudgetExceeded();
                }
                known = SelfSigned.signedBy(c, issuer);
                byIssuer.put(issuer, known);
            }
            return known;
        }

        private Optional<String> checkPath(List<X509Certificate> path, X509Certificate anchor) {
            for (int i = 0; i < path.size(); i++) {
                Optional<String> p = profile(path.get(i), i == 0 ? Role.LEAF : Role.INTERMEDIATE);
                if (p.isPresent()) {
                    return p;
                }
            }
            Optional<String> p = profile(anchor, Role.ANCHOR);
            if (p.isPresent()) {
                return p;
            }
            List<X509Certificate> all = new ArrayList<>(path);
            all.add(anchor);
            for (int i = 0; i < all.size(); i++) {
                X509Certificate c = all.get(i);
                Role role = i == 0 ? Role.LEAF : i == all.size() - 1 ? Role.ANCHOR : Role.INTERMEDIATE;
                if (at.isBefore(c.getNotBefore().toInstant())) {
                    return Optional.of(CertificateProfile.describe(c, role) + " is not valid before " + c.getNotBefore().toInstant());
                }
                if (at.isAfter(c.getNotAfter().toInstant())) {
                    return Optional.of(CertificateProfile.describe(c, role) + " expired on " + c.getNotAfter().toInstant());
                }
            }
            Optional<String> usage = usageProblem(all);
            if (usage.isPresent()) {
                return usage;
            }
            for (int i = 0; i < path.size(); i++) {
                Optional<String> alg = signatureAlgorithmProblem(path.get(i), i == 0 ? Role.LEAF : Role.INTERMEDIATE);
                if (alg.isPresent()) {
                    return alg;
                }
            }
            Optional<String> length = pathLengthProblem(all);
            if (length.isPresent()) {
                return length;
            }
            return NameConstraints.check(path, anchor, nameBudget);
        }

        private Optional<String> usageProblem(List<X509Certificate> all) {
            for (int i = 0; i < all.size(); i++) {
                X509Certificate c = all.get(i);
                List<String> eku;
                try {
                    eku = c.getExtendedKeyUsage();
                } catch (CertificateParsingException e) {
                    Role role = i == 0 ? Role.LEAF : i == all.size() - 1 ? Role.ANCHOR : Role.INTERMEDIATE;
                    return Optional.of(CertificateProfile.describe(c, role) + " has a malformed extendedKeyUsage");
                }
                if (i == 0 && eku != null && eku.contains(CertificateProfile.ANY_EKU)) {
                    return Optional.of("the certificate's extendedKeyUsage includes anyExtendedKeyUsage, which a server "
                            + "certificate may not (CABF 7.1.2.7.10)");
                }
                if (eku == null || eku.contains(CertificateProfile.SERVER_AUTH)) {
                    continue;
                }
                if (i == 0) {
                    return Optional.of("the certificate's extendedKeyUsage " + eku + " does not include serverAuth ("
                            + CertificateProfile.SERVER_AUTH + ")");
                }
                if (!eku.contains(CertificateProfile.ANY_EKU)) {
                    return Optional.of(CertificateProfile.describe(c, i == all.size() - 1 ? Role.ANCHOR : Role.INTERMEDIATE)
                            + " restricts its extendedKeyUsage to " + eku + ", without serverAuth");
                }
            }
            boolean[] ku = all.get(0).getKeyUsage();
            if (ku != null) {
                for (KeyUsageBit bit : options.leafKeyUsage()) {
                    if (bit.ordinal() >= ku.length || !ku[bit.ordinal()]) {
                        return Optional.of("the certificate's keyUsage does not assert " + bit);
                    }
                }
            }
            return Optional.empty();
        }

        /** RFC 5280 6.1.4 (l), (m): pathLenConstraint, self-issued intermediates not counted; the anchor's applies too. */
        private static Optional<String> pathLengthProblem(List<X509Certificate> leafFirst) {
            int remaining = Integer.MAX_VALUE;
            for (int i = leafFirst.size() - 1; i >= 1; i--) {
                X509Certificate ca = leafFirst.get(i);
                boolean anchor = i == leafFirst.size() - 1;
                if (!anchor && !selfIssued(ca)) {
                    if (remaining <= 0) {
                        return Optional.of(CertificateProfile.describe(ca, Role.INTERMEDIATE) + " exceeds the pathLenConstraint "
                                + "of a CA above it");
                    }
                    remaining--;
                }
                int pathLen = ca.getBasicConstraints();
                if (pathLen >= 0 && pathLen < Integer.MAX_VALUE) {
                    remaining = Math.min(remaining, pathLen);
                }
            }
            return Optional.empty();
        }

        /** Signatures the path relies on (the anchor's own is not one): SHA-2 RSA, RSA-PSS or ECDSA. */
        private static Optional<String> signatureAlgorithmProblem(X509Certificate c, Role role) {
            String oid = c.getSigAlgOID();
            if (ACCEPTED_SIGNATURES.contains(oid)) {
                return Optional.empty();
            }
            String why = SHA1_SIGNATURES.contains(oid) ? "SHA-1, which browsers no longer accept"
                    : c.getSigAlgName() + " (" + oid + "), which is not an accepted signature algorithm";
            return Optional.of(CertificateProfile.describe(c, role) + " is signed with " + why);
        }

        private Optional<String> profile(X509Certificate c, Role role) {
            return profiles.computeIfAbsent(c, k -> new EnumMap<>(Role.class))
                    .computeIfAbsent(role, r -> CertificateProfile.problem(c, r));
        }

        private boolean validAt(X509Certificate c) {
            return !at.isBefore(c.getNotBefore().toInstant()) && !at.isAfter(c.getNotAfter().toInstant());
        }

        /** A certificate, or another with the same name and key, is already on the path (a loop). */
        private static boolean inPath(List<X509Certificate> path, X509Certificate candidate) {
            for (X509Certificate c : path) {
                if (c.equals(candidate) || (c.getSubjectX500Principal().equals(candidate.getSubjectX500Principal())
                        && c.getPublicKey().equals(candidate.getPublicKey()))) {
                    return true;
                }
            }
            return false;
        }

        private static int countedIntermediates(List<X509Certificate> path) {
            int n = 0;
            for (int i = 1; i < path.size(); i++) {
                if (!selfIssued(path.get(i))) {
                    n++;
                }
            }
            return n;
        }

        private static boolean selfIssued(X509Certificate c) {
            return c.getSubjectX500Principal().equals(c.getIssuerX500Principal());
        }

        private static String name(X509Certificate c) {
            return "\"" + c.getSubjectX500Principal().getName() + "\"";
        }
    }

    private static final class BudgetExceeded extends RuntimeException {
        BudgetExceeded() {
            super(null, null, false, false);
        }
    }

    static byte[] authorityKeyId(X509Certificate c) {
        try {
            byte[] v = c.getExtensionValue(Extension.authorityKeyIdentifier.getId());
            return v == null ? null
                    : AuthorityKeyIdentifier.getInstance(ASN1OctetString.getInstance(v).getOctets()).getKeyIdentifierOctets();
        } catch (RuntimeException e) {
            return null;
        }
    }

    static byte[] subjectKeyId(X509Certificate c) {
        try {
            byte[] v = c.getExtensionValue(Extension.subjectKeyIdentifier.getId());
            return v == null ? null : SubjectKeyIdentifier.getInstance(ASN1OctetString.getInstance(v).getOctets()).getKeyIdentifier();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
