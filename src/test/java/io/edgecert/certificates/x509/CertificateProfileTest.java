package io.edgecert.certificates.x509;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The certificate shape of a Web PKI path where the x509-limbo work changed it (moved from LimboProductTest). */
class CertificateProfileTest {
    /** The anchor profile must never refuse a root that browsers and the JDK trust. */
    @Test
    void everyRootOfTheJdkStoreIsUsableAsAnAnchor() {
        List<String> refused = new ArrayList<>();
        for (X509Certificate root : TrustStore.jdkDefault().anchors()) {
            CertificateProfile.problem(root, CertificateProfile.Role.ANCHOR).ifPresent(refused::add);
        }
        assertThat(refused).isEmpty();
    }
}
