package io.edgecert.serving;

import java.util.List;
import java.util.Optional;

/**
 * CloudFront's managed cache and origin request policies, with CloudFront's ids, names and
 * settings, so that a CloudFront config that names them works unchanged. They exist on every node
 * and cannot be changed. (Managed response headers policies: {@link #RESPONSE_HEADERS}.)
 */
public final class ManagedPolicies {
    private static final long ONE_YEAR = 31_536_000;
    private static final List<String> METHOD_OVERRIDE_AND_HOST = List.of("host", "origin", "x-http-method-override",
            "x-http-method", "x-method-override");

    public static final CachePolicy CACHING_OPTIMIZED = new CachePolicy("658327ea-f89d-4fab-a63d-7e88639e58f6",
            "Managed-CachingOptimized", 1, 86_400, ONE_YEAR, Selection.NONE, Selection.NONE, Selection.NONE, true, true);
    public static final CachePolicy CACHING_OPTIMIZED_FOR_UNCOMPRESSED = new CachePolicy("b2884449-e4de-46a7-ac36-70bc7f1ddd6d",
            "Managed-CachingOptimizedForUncompressedObjects", 1, 86_400, ONE_YEAR, Selection.NONE, Selection.NONE,
            Selection.NONE, false, false);
    public static final CachePolicy CACHING_DISABLED = new CachePolicy("4135ea2d-6df8-44a3-9df3-4b5a84be39ad",
            "Managed-CachingDisabled", 0, 0, 0, Selection.NONE, Selection.NONE, Selection.NONE, false, false);
    public static final CachePolicy USE_ORIGIN_CACHE_CONTROL_HEADERS = new CachePolicy("83da9c7e-98b4-4e11-a168-04f0df8e2c65",
            "Managed-UseOriginCacheControlHeaders", 0, 0, ONE_YEAR,
            Selection.ofHeaders(Selection.Kind.WHITELIST, METHOD_OVERRIDE_AND_HOST), Selection.ALL, Selection.NONE, true, true);
    public static final CachePolicy USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS = new CachePolicy(
            "4cc15a8a-d715-48a4-82b8-cc0b614638fe", "Managed-UseOriginCacheControlHeaders-QueryStrings", 0, 0, ONE_YEAR,
            Selection.ofHeaders(Selection.Kind.WHITELIST, METHOD_OVERRIDE_AND_HOST), Selection.ALL, Selection.ALL, true, true);

    public static final List<CachePolicy> CACHE = List.of(CACHING_OPTIMIZED, CACHING_OPTIMIZED_FOR_UNCOMPRESSED,
            CACHING_DISABLED, USE_ORIGIN_CACHE_CONTROL_HEADERS, USE_ORIGIN_CACHE_CONTROL_HEADERS_QUERY_STRINGS);

    public static final OriginRequestPolicy ALL_VIEWER = new OriginRequestPolicy("216adef6-5c7f-47e4-b989-5492eafa07d3",
            "Managed-AllViewer", Selection.ALL, Selection.ALL, Selection.ALL);
    public static final OriginRequestPolicy ALL_VIEWER_EXCEPT_HOST_HEADER = new OriginRequestPolicy(
            "b689b0a8-53d0-40ab-baf2-68738e2966ac", "Managed-AllViewerExceptHostHeader",
            Selection.ofHeaders(Selection.Kind.ALL_EXCEPT, List.of("host")), Selection.ALL, Selection.ALL);
    public static final OriginRequestPolicy CORS_S3_ORIGIN = new OriginRequestPolicy("88a5eaf4-2fd4-4709-b370-b4c650ea3fcf",
            "Managed-CORS-S3Origin", Selection.ofHeaders(Selection.Kind.WHITELIST,
            List.of("origin", "access-control-request-headers", "access-control-request-method")), Selection.NONE, Selection.NONE);
    public static final OriginRequestPolicy CORS_CUSTOM_ORIGIN = new OriginRequestPolicy("59781a5b-3903-41f3-afcb-af62929ccde1",
            "Managed-CORS-CustomOrigin", Selection.ofHeaders(Selection.Kind.WHITELIST, List.of("origin")), Selection.NONE,
            Selection.NONE);
    public static final OriginRequestPolicy USER_AGENT_REFERER_HEADERS = new OriginRequestPolicy(
            "acba4595-bd28-49b8-b9fe-13317c0390fa", "Managed-UserAgentRefererHeaders",
            Selection.ofHeaders(Selection.Kind.WHITELIST, List.of("user-agent", "referer")), Selection.NONE, Selection.NONE);

    public static final List<OriginRequestPolicy> ORIGIN_REQUEST = List.of(ALL_VIEWER, ALL_VIEWER_EXCEPT_HOST_HEADER,
            CORS_S3_ORIGIN, CORS_CUSTOM_ORIGIN, USER_AGENT_REFERER_HEADERS);

    /** Filled by the policies work (issue 14): SecurityHeadersPolicy, CORS-Allow-All, CORS-With-Preflight, ... */
    public static final List<ResponseHeadersPolicy> RESPONSE_HEADERS = List.of();

    private ManagedPolicies() {
    }

    public static Optional<CachePolicy> cachePolicy(String id) {
        return CACHE.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public static Optional<OriginRequestPolicy> originRequestPolicy(String id) {
        return ORIGIN_REQUEST.stream().filter(p -> p.id().equals(id)).findFirst();
    }

    public static Optional<ResponseHeadersPolicy> responseHeadersPolicy(String id) {
        return RESPONSE_HEADERS.stream().filter(p -> p.id().equals(id)).findFirst();
    }
}
