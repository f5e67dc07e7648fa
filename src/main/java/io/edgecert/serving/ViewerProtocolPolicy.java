package io.edgecert.serving;

import java.util.Arrays;
import java.util.Optional;

/** CloudFront's ViewerProtocolPolicy: what a behavior does with a request on the plain-HTTP port. */
public enum ViewerProtocolPolicy {
    /** Served on plain HTTP too. */
    ALLOW_ALL("allow-all"),
    /** Redirected to https (308, today's behaviour for every distribution). */
    REDIRECT_TO_HTTPS("redirect-to-https"),
    /** 403 on plain HTTP. */
    HTTPS_ONLY("https-only");

    private final String apiName;

    ViewerProtocolPolicy(String apiName) {
        this.apiName = apiName;
    }

    public String apiName() {
        return apiName;
    }

    public static Optional<ViewerProtocolPolicy> fromApiName(String name) {
        return Arrays.stream(values()).filter(v -> v.apiName.equals(name)).findFirst();
    }
}
