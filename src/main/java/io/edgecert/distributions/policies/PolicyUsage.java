package io.edgecert.distributions.policies;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What the policies need of the distributions, implemented by the distributions part (so that
 * this package does not depend on it): who names a policy, and a change to one reaching the edge.
 */
public interface PolicyUsage {
    /** Distributions whose current config names the policy, locked until commit. */
    List<String> lockUsersOf(Connection c, String policyId) throws SQLException;

    /**
     * The policy changed in this transaction: its users get a new change number (the last work of
     * the transaction) and the edges are woken, so every node reloads them.
     */
    void policyChanged(Connection c, String policyId, List<String> users) throws SQLException;

    PolicyUsage NONE = new PolicyUsage() {
        @Override
        public List<String> lockUsersOf(Connection c, String policyId) {
            return List.of();
        }

        @Override
        public void policyChanged(Connection c, String policyId, List<String> users) {
        }
    };
}
