package io.edgecert.web;

import io.edgecert.testing.TestNode;

class CertificateApiH2Test extends CertificateApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.H2;
    }
}
