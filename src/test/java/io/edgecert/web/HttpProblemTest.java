package io.edgecert.web;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import org.junit.jupiter.api.Test;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The statuses HttpProblem chooses: the same as before services stopped choosing them. */
class HttpProblemTest {
    /** The statuses the error codes carried before the choice moved to web (commit 95b64a7). */
    private static final Map<ErrorCode, Integer> BEFORE = new EnumMap<>(ErrorCode.class);

    static {
        for (ErrorCode c : ErrorCode.values()) {
            BEFORE.put(c, 400);
        }
        BEFORE.put(ErrorCode.LimitExceeded, 409);
        BEFORE.put(ErrorCode.CnameAlreadyExists, 409);
        BEFORE.put(ErrorCode.ResourceInUse, 409);
        BEFORE.put(ErrorCode.PreconditionFailed, 412);
        BEFORE.put(ErrorCode.Unauthorized, 401);
        BEFORE.put(ErrorCode.Forbidden, 403);
        BEFORE.put(ErrorCode.NotFound, 404);
        BEFORE.put(ErrorCode.InternalError, 500);
        // added with invalidations, with CloudFront's statuses
        BEFORE.put(ErrorCode.NoSuchDistribution, 404);
        BEFORE.put(ErrorCode.NoSuchInvalidation, 404);
        BEFORE.put(ErrorCode.InvalidationBatchAlreadyExists, 409);
    }

    @Test
    void everyCodeKeepsItsStatus() {
        for (ErrorCode c : ErrorCode.values()) {
            assertThat(HttpProblem.statusOf(c)).as(c.name()).isEqualTo(BEFORE.get(c));
            assertThat(HttpProblem.statusOf(new ProblemException(c, "x"))).as(c.name()).isEqualTo(BEFORE.get(c));
        }
    }

    @Test
    void aRequestsItemsAre400WhateverTheirCodes() {
        List<Violation> items = List.of(new Violation("certificate", ErrorCode.CnameAlreadyExists, "taken").forItem("certificates", 3),
                new Violation("certificate", ErrorCode.LimitExceeded, "too many").forItem("certificates", 4));
        assertThat(HttpProblem.statusOf(ProblemException.ofRequest(items))).isEqualTo(400);
        assertThat(HttpProblem.statusOf(ProblemException.of(items))).isEqualTo(409);
        assertThat(ProblemException.ofRequest(items).code()).isEqualTo(ErrorCode.CnameAlreadyExists);
    }

    @Test
    void aConflictWithStoredStateIs409() {
        ProblemException e = new ProblemException(ErrorCode.CertificateDoesNotCoverAlias, ProblemException.About.STATE,
                "uncovered", List.of());
        assertThat(HttpProblem.statusOf(e)).isEqualTo(409);
        assertThat(HttpProblem.statusOf(new ProblemException(ErrorCode.CertificateDoesNotCoverAlias, "x"))).isEqualTo(400);
    }

    @Test
    void refusalsOfHttpItselfKeepTheStatusWebGaveThem() {
        assertThat(HttpProblem.statusOf(HttpProblem.withStatus(428, ErrorCode.PreconditionFailed, "If-Match"))).isEqualTo(428);
        assertThat(HttpProblem.statusOf(HttpProblem.withStatus(413, ErrorCode.SizeLimitExceeded, "big"))).isEqualTo(413);
    }
}
