package io.edgecert.problems;

/**
 * The closed set of error codes of the outside contract (import-rules.md and api.md), each with the
 * HTTP status it is answered with unless the thrower says otherwise.
 */
public enum ErrorCode {
    // A. import
    MissingField(400),
    SizeLimitExceeded(400),
    InvalidPem(400),
    MultipleCertificates(400),
    EncryptedPrivateKey(400),
    KeyMismatch(400),
    UnsupportedKeyAlgorithm(400),
    UnsupportedKeySize(400),
    InvalidCertificate(400),
    CertificateNotYetValid(400),
    CertificateExpired(400),
    InvalidChain(400),
    TooManyTags(400),
    InvalidTag(400),
    LimitExceeded(409),
    // B. reimport
    ReimportKeyTypeChanged(400),
    ReimportUsageRemoved(400),
    TaggingOnReimport(400),
    // C. distributions
    CertificateDoesNotCoverAlias(400),
    InvalidAlias(400),
    CnameAlreadyExists(409),
    TooManyAliases(400),
    ResourceInUse(409),
    PreconditionFailed(412),
    InvalidMinimumProtocolVersion(400),
    // generic
    InvalidRequest(400),
    Unauthorized(401),
    Forbidden(403),
    NotFound(404),
    InternalError(500);

    private final int httpStatus;

    ErrorCode(int httpStatus) {
        this.httpStatus = httpStatus;
    }

    public int httpStatus() {
        return httpStatus;
    }
}
