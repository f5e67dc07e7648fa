package io.edgecert.web;

import io.edgecert.testing.TestNode;

class CertificateConcurrencyH2Test extends CertificateConcurrencyContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.H2;
    }

    @Override
    boolean twoNodes() {
        return false;
    }
}
