package io.edgecert.problems;

/**
 * The closed set of error codes of the outside contract (import-rules.md and api.md). The HTTP
 * status each is answered with is chosen by the web part alone (web.HttpProblem).
 */
public enum ErrorCode {
    // A. import
    MissingField,
    SizeLimitExceeded,
    InvalidPem,
    MultipleCertificates,
    EncryptedPrivateKey,
    KeyMismatch,
    UnsupportedKeyAlgorithm,
    UnsupportedKeySize,
    InvalidCertificate,
    CertificateNotYetValid,
    CertificateExpired,
    InvalidChain,
    TooManyTags,
    InvalidTag,
    LimitExceeded,
    // B. reimport
    ReimportKeyTypeChanged,
    ReimportUsageRemoved,
    TaggingOnReimport,
    // C. distributions
    CertificateDoesNotCoverAlias,
    InvalidAlias,
    CnameAlreadyExists,
    TooManyAliases,
    ResourceInUse,
    PreconditionFailed,
    InvalidMinimumProtocolVersion,
    // invalidations (CloudFront's names)
    InvalidArgument,
    NoSuchDistribution,
    NoSuchInvalidation,
    TooManyInvalidationsInProgress,
    InvalidationBatchAlreadyExists,
    // generic
    InvalidRequest,
    Unauthorized,
    Forbidden,
    NotFound,
    InternalError
}
