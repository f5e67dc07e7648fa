package io.edgecert.web;

import io.edgecert.problems.ErrorCode;

/**
 * The one place that chooses an HTTP status: services refuse with an {@link ErrorCode}, and the web
 * part answers it with the status this table gives.
 */
public final class HttpProblem {
    private HttpProblem() {
    }

    public static int statusOf(ErrorCode code) {
        return switch (code) {
            case LimitExceeded, CnameAlreadyExists, ResourceInUse -> 409;
            case PreconditionFailed -> 412;
            case Unauthorized -> 401;
            case Forbidden -> 403;
            case NotFound -> 404;
            case InternalError -> 500;
            case MissingField, SizeLimitExceeded, InvalidPem, MultipleCertificates, EncryptedPrivateKey, KeyMismatch,
                 UnsupportedKeyAlgorithm, UnsupportedKeySize, InvalidCertificate, CertificateNotYetValid,
                 CertificateExpired, InvalidChain, TooManyTags, InvalidTag, ReimportKeyTypeChanged,
                 ReimportUsageRemoved, TaggingOnReimport, CertificateDoesNotCoverAlias, InvalidAlias, TooManyAliases,
                 InvalidMinimumProtocolVersion, InvalidRequest -> 400;
        };
    }
}
