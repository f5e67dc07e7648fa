package io.edgecert.web;

import io.edgecert.testing.TestNode;

class CertificateConcurrencyPostgresTest extends CertificateConcurrencyContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.POSTGRESQL;
    }

    @Override
    boolean twoNodes() {
        return true;
    }
}
