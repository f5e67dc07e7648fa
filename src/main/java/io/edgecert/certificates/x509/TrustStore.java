package io.edgecert.certificates.x509;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import javax.security.auth.x500.X500Principal;

/**
 * The roots a chain is checked against for the "reaches a trusted root" analysis: the JDK's
 * cacerts by default, or a PEM bundle ({@code EDGECERT_TRUST_STORE}). Indexed by subject, because
 * every lookup is "who could have issued this?".
 */
public record TrustStore(String name, List<X509Certificate> anchors, Map<X500Principal, List<X509Certificate>> bySubject) {
    public TrustStore {
        anchors = List.copyOf(anchors);
        bySubject = Map.copyOf(bySubject);
    }

    public TrustStore(String name, List<X509Certificate> anchors) {
        this(name, anchors, anchors.stream().collect(Collectors.groupingBy(X509Certificate::getSubjectX500Principal)));
    }

    /** Anchors whose subject is this name (usually zero or one; cross-signed roots can give two). */
    public List<X509Certificate> withSubject(X500Principal subject) {
        return bySubject.getOrDefault(subject, List.of());
    }

    /** Is this exact certificate one of the anchors? */
    public boolean contains(X509Certificate c) {
        for (X509Certificate a : withSubject(c.getSubjectX500Principal())) {
            if (a.equals(c) || a.getPublicKey().equals(c.getPublicKey())) {
                return true;
            }
        }
        return false;
    }

    public static TrustStore jdkDefault() {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init((KeyStore) null);
            List<X509Certificate> roots = new ArrayList<>();
            for (var tm : tmf.getTrustManagers()) {
                if (tm instanceof X509TrustManager x) {
                    roots.addAll(Arrays.asList(x.getAcceptedIssuers()));
                }
            }
            return new TrustStore("JDK default (" + System.getProperty("java.home") + "/lib/security/cacerts, "
                    + roots.size() + " roots)", roots);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the JDK trust store", e);
        }
    }

    /** A PEM bundle of root certificates, e.g. /etc/ssl/certs/ca-certificates.crt. */
    public static TrustStore fromPemFile(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            List<X509Certificate> roots = Pem.certificates("EDGECERT_TRUST_STORE", text);
            return new TrustStore(file.toAbsolutePath() + " (" + roots.size() + " roots)", roots);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read trust store " + file + ": " + e.getMessage(), e);
        }
    }
}
