package io.edgecert.web;

import io.edgecert.testing.TestNode;

class CertificateApiPostgresTest extends CertificateApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.POSTGRESQL;
    }
}
