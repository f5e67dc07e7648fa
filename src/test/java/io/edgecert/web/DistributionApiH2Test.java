package io.edgecert.web;

import io.edgecert.testing.TestNode;

class DistributionApiH2Test extends DistributionApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.H2;
    }
}
