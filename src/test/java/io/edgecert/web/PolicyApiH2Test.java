package io.edgecert.web;

import io.edgecert.testing.TestNode;

class PolicyApiH2Test extends PolicyApiContract {
    @Override
    TestNode.Store store() {
        return TestNode.Store.H2;
    }
}
