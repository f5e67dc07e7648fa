package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;

import java.util.List;

/**
 * The one place that chooses an HTTP status: services refuse with an {@link ErrorCode} (and, for
 * the few refusals whose code does not say it, what they are {@link ProblemException.About}), and
 * the web part answers with the status this class gives. Refusals about HTTP itself (a missing
 * If-Match, a wrong Accept, a body too large) are made here with their status.
 */
public final class HttpProblem {
    private HttpProblem() {
    }

    /** A refusal of the HTTP exchange itself, made by the web part with its own status. */
    static final class Refusal extends ProblemException {
        private final int status;

        private Refusal(int status, ErrorCode code, String detail) {
            super(code, detail, List.of());
            this.status = status;
        }
    }

    /** 406, 413, 428, 503...: refusals that only HTTP has words for. */
    public static ProblemException withStatus(int status, ErrorCode code, String detail) {
        return new Refusal(status, code, detail);
    }

    /** The problem as application/problem+json, for a console endpoint that answers JSON. */
    public static void respond(io.javalin.http.Context ctx, ProblemException e) {
        ProblemResponses.render(ctx, e);
    }

    public static int statusOf(ProblemException e) {
        if (e instanceof Refusal r) {
            return r.status;
        }
        return switch (e.about()) {
            case REQUEST -> 400;
            case STATE -> 409;
            case CODE -> statusOf(e.code());
        };
    }

    public static int statusOf(ErrorCode code) {
        return switch (code) {
            case LimitExceeded, CnameAlreadyExists, ResourceInUse -> 409;
            // CloudFront's statuses: a batch over the in-progress limits is its 400, a reused
            // callerReference with other paths its 409
            case InvalidArgument, TooManyInvalidationsInProgress -> 400;
            case InvalidationBatchAlreadyExists -> 409;
            case NoSuchDistribution, NoSuchInvalidation -> 404;
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
