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

    /*
     * CloudFront's managed response headers policies ("Using the managed response headers
     * policies" in its developer guide), their security headers flattened to header rules. What
     * the guide's tables say: X-Content-Type-Options is the one header that overrides the
     * origin's; every other header and all CORS headers yield to the origin's (originOverride
     * false), so CloudFront forwards preflights to the origin and only fills in what it left out.
     * The "Managed-CORS-Allow-All" is CloudFront's Managed-SimpleCORS (the CDK calls it
     * CORS_ALLOW_ALL_ORIGINS); CloudFront has no policy of that name.
     */
    private static final List<ResponseHeadersPolicy.HeaderRule> SECURITY = List.of(
            new ResponseHeadersPolicy.HeaderRule("Referrer-Policy", "strict-origin-when-cross-origin", false),
            new ResponseHeadersPolicy.HeaderRule("Strict-Transport-Security", "max-age=31536000", false),
            new ResponseHeadersPolicy.HeaderRule("X-Content-Type-Options", "nosniff", true),
            new ResponseHeadersPolicy.HeaderRule("X-Frame-Options", "SAMEORIGIN", false),
            new ResponseHeadersPolicy.HeaderRule("X-XSS-Protection", "1; mode=block", false));
    private static final ResponseHeadersPolicy.Cors SIMPLE = new ResponseHeadersPolicy.Cors(List.of("*"), List.of(),
            List.of(), List.of(), false, Optional.empty(), false);
    private static final ResponseHeadersPolicy.Cors PREFLIGHT = new ResponseHeadersPolicy.Cors(List.of("*"),
            List.of("*"), List.of("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"), List.of("*"), false,
            Optional.empty(), false);

    public static final ResponseHeadersPolicy SECURITY_HEADERS = new ResponseHeadersPolicy(
            "67f7725c-6f97-4210-82d7-5512b31e9d03", "Managed-SecurityHeadersPolicy", Optional.empty(), SECURITY,
            List.of(), Optional.empty());
    public static final ResponseHeadersPolicy SIMPLE_CORS = new ResponseHeadersPolicy(
            "60669652-455b-4ae9-85a4-c4c02393f86c", "Managed-SimpleCORS", Optional.of(SIMPLE), List.of(), List.of(),
            Optional.empty());
    public static final ResponseHeadersPolicy CORS_WITH_PREFLIGHT = new ResponseHeadersPolicy(
            "5cc3b908-e619-4b99-88e5-2cf7f45965bd", "Managed-CORS-With-Preflight", Optional.of(PREFLIGHT), List.of(),
            List.of(), Optional.empty());
    public static final ResponseHeadersPolicy CORS_AND_SECURITY_HEADERS = new ResponseHeadersPolicy(
            "e61eb60c-9c35-4d20-a928-2b84e02af89c", "Managed-CORS-and-SecurityHeadersPolicy", Optional.of(SIMPLE),
            SECURITY, List.of(), Optional.empty());
    public static final ResponseHeadersPolicy CORS_WITH_PREFLIGHT_AND_SECURITY_HEADERS = new ResponseHeadersPolicy(
            "eaab4381-ed33-4a86-88ca-d9558dc6cd63", "Managed-CORS-with-preflight-and-SecurityHeadersPolicy",
            Optional.of(PREFLIGHT), SECURITY, List.of(), Optional.empty());

    public static final List<ResponseHeadersPolicy> RESPONSE_HEADERS = List.of(SECURITY_HEADERS, SIMPLE_CORS,
            CORS_WITH_PREFLIGHT, CORS_AND_SECURITY_HEADERS, CORS_WITH_PREFLIGHT_AND_SECURITY_HEADERS);

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
