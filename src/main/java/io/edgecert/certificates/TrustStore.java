package io.edgecert.certificates;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The roots a chain is checked against for the "reaches a trusted root" analysis: the JDK's
 * cacerts by default, or a configured PEM bundle.
 * TODO(chain helper): implement jdkDefault() and fromPemFile(); index anchors by subject.
 */
public record TrustStore(String name, List<X509Certificate> anchors) {
    public TrustStore {
        anchors = List.copyOf(anchors);
    }
}
