package io.edgecert.certificates;

import io.edgecert.problems.ProblemException;

import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.List;

/**
 * Import rules A10 and A11: orders the chain the user gave, checks every link, and analyses trust.
 * TODO(chain helper): implement.
 */
public final class ChainAnalyzer {
    private final TrustStore trustStore;

    public ChainAnalyzer(TrustStore trustStore) {
        this.trustStore = trustStore;
    }

    /**
     * @param leaf the certificate being imported
     * @param chainAsGiven the certificateChain field's certificates in the order pasted (may be empty)
     * @param now the clock for validity warnings
     * @throws ProblemException with code InvalidChain (field "certificateChain") naming the failing link
     */
    public ChainAnalysis analyze(X509Certificate leaf, List<X509Certificate> chainAsGiven, Instant now) {
        throw new UnsupportedOperationException("not yet implemented");
    }
}
