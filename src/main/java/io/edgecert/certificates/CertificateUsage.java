package io.edgecert.certificates;

import java.security.cert.X509Certificate;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What other parts (distributions) tell the certificates part about their use of certificates.
 * An interface rather than a call into distributions, so the dependency points one way.
 */
public interface CertificateUsage {
    /** Ids of the distributions using each certificate; certificates nobody uses may be absent. */
    Map<String, List<String>> usersOf(Collection<String> certificateIds);

    /**
     * Rule B7: refuses (ProblemException, CertificateDoesNotCoverAlias, 409) a reimport whose new
     * leaf would leave an alias of a distribution using the certificate uncovered. Called inside
     * the reimport's transaction, which holds the certificate's row lock ({@code SELECT id FROM
     * certificates WHERE id = ? FOR UPDATE}); distribution writes take the same lock first and
     * re-check the names under it, so they cannot slip an alias in between the check and the new material.
     */
    void checkReimportKeepsAliasesCovered(Connection c, String certificateId, X509Certificate newLeaf) throws SQLException;

    /**
     * Called inside the reimport's transaction: the users of the certificate now serve new
     * material, so whatever tracks what the edge serves must move (and signal it, in this
     * transaction: the edges re-read at its commit).
     */
    default void materialChanged(Connection c, String certificateId) throws SQLException {
    }

    CertificateUsage NONE = new CertificateUsage() {
        @Override
        public Map<String, List<String>> usersOf(Collection<String> certificateIds) {
            return Map.of();
        }

        @Override
        public void checkReimportKeepsAliasesCovered(Connection c, String certificateId, X509Certificate newLeaf) {
        }
    };
}
