package io.edgecert.certificates.x509;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.security.auth.x500.X500Principal;

/**
 * Import rules A10 and A11: orders the chain the user gave, checks every link, and analyses trust.
 * A link is good when the next certificate's subject is the previous one's issuer <em>and</em> its
 * key verifies the previous one's signature; the name alone proves nothing.
 */
public final class ChainAnalyzer {
    private static final String FIELD = "certificateChain";

    private final TrustStore trustStore;
    private final PathValidator pathValidator;

    public ChainAnalyzer(TrustStore trustStore) {
        this.trustStore = trustStore;
        this.pathValidator = new PathValidator(trustStore);
    }

    public TrustStore trustStore() {
        return trustStore;
    }

    /**
     * @param leaf the certificate being imported
     * @param chainAsGiven the certificateChain field's certificates in the order pasted (may be empty)
     * @param now the clock for validity warnings
     * @throws ProblemException with code InvalidChain (field "certificateChain") naming the failing link
     */
    public ChainAnalysis analyze(X509Certificate leaf, List<X509Certificate> chainAsGiven, Instant now) {
        for (int i = 0; i < chainAsGiven.size(); i++) {
            if (chainAsGiven.get(i).equals(leaf)) {
                throw invalid("certificateChain block " + (i + 1) + " is the leaf certificate itself ("
                        + subject(leaf) + "); the chain holds only its issuers, remove it");
            }
            for (int j = 0; j < i; j++) {
                if (chainAsGiven.get(j).equals(chainAsGiven.get(i))) {
                    throw invalid("certificateChain blocks " + (j + 1) + " and " + (i + 1) + " are the same certificate ("
                            + subject(chainAsGiven.get(i)) + "); give each one once");
                }
            }
        }
        List<X509Certificate> ordered = order(leaf, chainAsGiven);
        List<Warning> warnings = new ArrayList<>();
        if (!ordered.equals(chainAsGiven)) {
            String used = ordered.stream().map(c -> String.valueOf(chainAsGiven.indexOf(c) + 1))
                    .collect(Collectors.joining(", "));
            warnings.add(new Warning(Warning.Code.ChainReordered, "certificateChain was not in order (each certificate "
                    + "followed by its issuer); edgecert serves it as blocks " + used));
        }
        for (X509Certificate c : ordered) {
            if (SelfSigned.is(c)) {
                continue; // a root's own validity is the trust store's business, not the chain's
            }
            if (c.getNotAfter().toInstant().isBefore(now)) {
                warnings.add(new Warning(Warning.Code.IntermediateExpired, "intermediate " + subject(c) + " expired on "
                        + c.getNotAfter().toInstant() + "; clients will reject the chain, ask the issuer for a current one"));
            } else if (c.getNotAfter().before(leaf.getNotAfter())) {
                warnings.add(new Warning(Warning.Code.IntermediateExpiresBeforeLeaf, "intermediate " + subject(c)
                        + " expires on " + c.getNotAfter().toInstant() + ", before the certificate (" + leaf.getNotAfter().toInstant()
                        + "); reimport with a newer chain before then"));
            }
        }
        X509Certificate last = ordered.isEmpty() ? leaf : ordered.get(ordered.size() - 1);
        boolean anchored = !issuersIn(last, trustStore.withSubject(last.getIssuerX500Principal())).isEmpty()
                || trustStore.contains(last);
        if (ordered.isEmpty() && !SelfSigned.is(leaf) && !anchored) {
            // A11: without a chain the leaf's issuer has to be a configured anchor.
            throw invalid("certificateChain is missing: the certificate is issued by " + name(leaf.getIssuerX500Principal())
                    + ", which is not a root of the trust store " + trustStore.name()
                    + "; add the intermediate certificate(s) from your certificate authority");
        }
        Optional<String> untrusted = pathValidator.problemWith(leaf, ordered, now);
        boolean trusted = untrusted.isEmpty();
        if (!trusted) {
            String consequence = anchored ? "clients will reject it even where that root is trusted"
                    : "browsers that do not trust its root will reject it";
            warnings.add(new Warning(Warning.Code.ChainNotTrusted, "the chain does not validate against the trust store "
                    + trustStore.name() + ": " + untrusted.get() + "; " + consequence));
        }
        return new ChainAnalysis(ordered, trusted, trustStore.name(), warnings);
    }

    /** Walks from the leaf to the root through the given certificates; every one must be used. */
    private static List<X509Certificate> order(X509Certificate leaf, List<X509Certificate> given) {
        List<X509Certificate> left = new ArrayList<>(given);
        List<X509Certificate> ordered = new ArrayList<>();
        X509Certificate current = leaf;
        while (!left.isEmpty() && !SelfSigned.is(current)) {
            X500Principal issuerName = current.getIssuerX500Principal();
            List<X509Certificate> named = left.stream()
                    .filter(c -> c.getSubjectX500Principal().equals(issuerName)).toList();
            List<X509Certificate> issuers = issuersIn(current, named);
            if (issuers.isEmpty()) {
                String link = ordered.isEmpty() ? "the certificate" : "chain certificate " + subject(current);
                if (!named.isEmpty()) {
                    throw invalid("certificateChain block " + (given.indexOf(named.get(0)) + 1) + " (" + subject(named.get(0))
                            + ") has the name of the issuer of " + link + " but its key did not sign it; "
                            + "it belongs to another chain");
                }
                if (ordered.isEmpty()) {
                    throw invalid("certificateChain does not start with the issuer of the certificate: no block has subject "
                            + name(current.getIssuerX500Principal()) + "; add that intermediate certificate");
                }
                break;
            }
            X509Certificate next = issuers.get(0);
            if (next.getBasicConstraints() < 0 && next.getVersion() == 3) {
                throw invalid("certificateChain block " + (given.indexOf(next) + 1) + " (" + subject(next)
                        + ") is not a CA certificate (basicConstraints CA:FALSE), so it cannot certify " + subject(current));
            }
            ordered.add(next);
            left.remove(next);
            current = next;
        }
        if (!left.isEmpty()) {
            X509Certificate stray = left.get(0);
            String why = SelfSigned.is(current) && current != leaf
                    ? "it comes after the root " + subject(current) + ", which must be last"
                    : "it certifies none of the others (its subject " + subject(stray)
                    + " is not the issuer of any certificate in the chain)";
            throw invalid("certificateChain block " + (given.indexOf(stray) + 1) + " is not part of the chain: " + why);
        }
        return ordered;
    }

    /** Candidates whose key verifies the certificate's signature. */
    static List<X509Certificate> issuersIn(X509Certificate c, List<X509Certificate> candidates) {
        List<X509Certificate> out = new ArrayList<>(candidates.size());
        for (X509Certificate candidate : candidates) {
            if (SelfSigned.signedBy(c, candidate)) {
                out.add(candidate);
            }
        }
        return out;
    }

    private static String subject(X509Certificate c) {
        return name(c.getSubjectX500Principal());
    }

    private static String name(X500Principal p) {
        String n = p.getName(X500Principal.RFC2253);
        return n.isEmpty() ? "(empty name)" : "\"" + n + "\"";
    }

    private static ProblemException invalid(String message) {
        return ProblemException.of(new Violation(FIELD, ErrorCode.InvalidChain, message));
    }
}
