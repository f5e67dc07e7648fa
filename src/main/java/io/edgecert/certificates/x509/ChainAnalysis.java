package io.edgecert.certificates.x509;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * What the import learned about a chain: the chain in the order edgecert will serve it
 * (leaf's issuer first, root last if given), whether it reaches a root of the trust store, which
 * store was used, and warnings (out-of-order input, expired or short-lived intermediates, untrusted).
 */
public record ChainAnalysis(List<X509Certificate> orderedChain, boolean trusted, String trustStoreName,
                            List<Warning> warnings) {
    public ChainAnalysis {
        orderedChain = List.copyOf(orderedChain);
        warnings = List.copyOf(warnings);
    }
}
