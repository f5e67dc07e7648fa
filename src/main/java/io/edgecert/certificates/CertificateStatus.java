package io.edgecert.certificates;

import java.time.Instant;

/** Derived from the current material's validity and the clock; never stored. */
public enum CertificateStatus {
    ISSUED, EXPIRED, NOT_YET_VALID;

    public static CertificateStatus at(Instant now, Instant notBefore, Instant notAfter) {
        if (now.isBefore(notBefore)) {
            return NOT_YET_VALID;
        }
        return now.isAfter(notAfter) ? EXPIRED : ISSUED;
    }
}
