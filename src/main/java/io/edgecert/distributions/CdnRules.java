package io.edgecert.distributions;

import io.edgecert.distributions.policies.PolicyKind;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.Violation;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.ViewerProtocolPolicy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rules of a config's CDN part (issue 14): origin paths, origin groups, cache behaviors and
 * custom error responses, each violation naming its field ({@code cacheBehaviors[2].pathPattern}).
 * Whether a named policy exists is asked of {@link PolicyLookup}.
 */
final class CdnRules {
    public static final int MAX_BEHAVIORS = 25;
    public static final int MAX_ORIGIN_GROUPS = 10;
    public static final int MAX_ORIGIN_PATH_LENGTH = 255;
    public static final int MAX_PAGE_PATH_LENGTH = 4096;
    public static final long MAX_ERROR_CACHING_TTL = 31_536_000;
    public static final Set<Integer> DEFAULT_FAILOVER_CODES = Set.of(500, 502, 503, 504);

    /** CloudFront's three AllowedMethods sets; cached methods are GET+HEAD, optionally OPTIONS. */
    static final List<Set<String>> METHOD_SETS = List.of(CacheBehavior.GET_HEAD, CacheBehavior.GET_HEAD_OPTIONS,
            CacheBehavior.ALL_METHODS);
    private static final Pattern GROUP_ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final Pattern ORIGIN_PATH = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+");

    /** Which policy ids exist, managed or custom, per kind. */
    @FunctionalInterface
    interface PolicyLookup {
        boolean exists(PolicyKind<?, ?> kind, String id);

        /** Only the managed policies: for checks that do not reach the store. */
        PolicyLookup MANAGED = PolicyKind::isManaged;
    }

    /** A policy a config names: the field that names it, its kind and its id. */
    record PolicyRef(String field, PolicyKind<?, ?> kind, String id) {
    }

    private CdnRules() {
    }

    static void check(DistributionConfig c, PolicyLookup policies, List<Violation> out) {
        checkOriginPaths(c, out);
        Set<String> origins = c.origins().stream().filter(o -> o != null && o.id() != null)
                .map(DistributionConfig.Origin::id).collect(Collectors.toSet());
        Set<String> targets = new HashSet<>(origins);
        checkGroups(c, origins, targets, out);
        c.defaultCacheBehavior().ifPresent(b -> {
            if (b.pathPattern() != null && !b.pathPattern().equals("*")) {
                out.add(invalid("defaultCacheBehavior.pathPattern", "the default behavior matches every path: leave "
                        + "pathPattern out (or \"*\") and put path-specific behaviors in cacheBehaviors"));
            }
            checkBehavior(b, "defaultCacheBehavior", targets, out);
        });
        if (c.cacheBehaviors().size() > MAX_BEHAVIORS) {
            out.add(invalid("cacheBehaviors", "a distribution has at most " + MAX_BEHAVIORS + " cache behaviors"));
        }
        Set<String> patterns = new HashSet<>();
        for (int i = 0; i < c.cacheBehaviors().size(); i++) {
            DistributionConfig.Behavior b = c.cacheBehaviors().get(i);
            String f = "cacheBehaviors[" + i + "]";
            if (b == null) {
                out.add(invalid(f, "a cache behavior is an object {pathPattern, targetOriginId, ...}"));
                continue;
            }
            if (b.pathPattern() == null) {
                out.add(invalid(f + ".pathPattern", "pathPattern is required (e.g. /images/*)"));
            } else if (PathPattern.parse(b.pathPattern()).isEmpty()) {
                out.add(invalid(f + ".pathPattern", "pathPattern '" + shorten(b.pathPattern()) + "' is not a valid pattern: "
                        + "1-" + PathPattern.MAX_LENGTH + " characters of A-Z a-z 0-9 _ - . $ / ~ \" ' @ : + & with * and ?"));
            } else if (!patterns.add(normalized(b.pathPattern()))) {
                out.add(invalid(f + ".pathPattern", "pathPattern '" + b.pathPattern() + "' is given twice"));
            }
            checkBehavior(b, f, targets, out);
        }
        for (PolicyRef ref : policyRefs(c)) {
            if (!policies.exists(ref.kind(), ref.id())) {
                out.add(unknownPolicy(ref));
            }
        }
        checkErrorResponses(c.customErrorResponses(), out);
    }

    static Violation unknownPolicy(PolicyRef ref) {
        return invalid(ref.field(), "there is no " + ref.kind().label() + " with id '" + shorten(ref.id())
                + "' (list them with GET /api/v1/" + ref.kind().key() + "-policies)");
    }

    /** Every policy id the config names, with the field that names it. */
    static List<PolicyRef> policyRefs(DistributionConfig c) {
        List<PolicyRef> refs = new ArrayList<>();
        c.defaultCacheBehavior().ifPresent(b -> refsOf(b, "defaultCacheBehavior", refs));
        for (int i = 0; i < c.cacheBehaviors().size(); i++) {
            if (c.cacheBehaviors().get(i) != null) {
                refsOf(c.cacheBehaviors().get(i), "cacheBehaviors[" + i + "]", refs);
            }
        }
        return refs;
    }

    private static void refsOf(DistributionConfig.Behavior b, String f, List<PolicyRef> refs) {
        if (b.cachePolicyId() != null) {
            refs.add(new PolicyRef(f + ".cachePolicyId", PolicyKind.CACHE, b.cachePolicyId()));
        }
        if (b.originRequestPolicyId() != null) {
            refs.add(new PolicyRef(f + ".originRequestPolicyId", PolicyKind.ORIGIN_REQUEST, b.originRequestPolicyId()));
        }
        if (b.responseHeadersPolicyId() != null) {
            refs.add(new PolicyRef(f + ".responseHeadersPolicyId", PolicyKind.RESPONSE_HEADERS, b.responseHeadersPolicyId()));
        }
    }

    private static void checkOriginPaths(DistributionConfig c, List<Violation> out) {
        for (int i = 0; i < c.origins().size(); i++) {
            DistributionConfig.Origin o = c.origins().get(i);
            if (o == null || o.originPath().isEmpty()) {
                continue;
            }
            String p = o.originPath().get();
            if (p.length() > MAX_ORIGIN_PATH_LENGTH || !ORIGIN_PATH.matcher(p).matches() || p.contains("/./")
                    || p.contains("/../") || p.endsWith("/..") || p.endsWith("/.")) {
                out.add(invalid("origins[" + i + "].originPath", "originPath starts with '/' and does not end with one "
                        + "(e.g. /production), at most " + MAX_ORIGIN_PATH_LENGTH + " characters, no query, '.' or '..' segments"));
            }
        }
    }

    private static void checkGroups(DistributionConfig c, Set<String> origins, Set<String> targets, List<Violation> out) {
        if (c.originGroups().size() > MAX_ORIGIN_GROUPS) {
            out.add(invalid("originGroups", "a distribution has at most " + MAX_ORIGIN_GROUPS + " origin groups"));
        }
        for (int i = 0; i < c.originGroups().size(); i++) {
            DistributionConfig.OriginGroup g = c.originGroups().get(i);
            String f = "originGroups[" + i + "]";
            if (g == null) {
                out.add(invalid(f, "an origin group is {id, primaryOriginId, secondaryOriginId, failoverStatusCodes}"));
                continue;
            }
            if (g.id() == null || !GROUP_ID.matcher(g.id()).matches()) {
                out.add(invalid(f + ".id", "origin group id must be 1-128 letters, digits, '.', '_' or '-'"));
            } else if (!targets.add(g.id())) {
                out.add(invalid(f + ".id", "id '" + g.id() + "' is already an origin's or another group's"));
            }
            if (g.primaryOriginId() == null || !origins.contains(g.primaryOriginId())) {
                out.add(invalid(f + ".primaryOriginId", "primaryOriginId must be the id of one of the origins"));
            }
            if (g.secondaryOriginId() == null || !origins.contains(g.secondaryOriginId())) {
                out.add(invalid(f + ".secondaryOriginId", "secondaryOriginId must be the id of one of the origins"));
            } else if (g.secondaryOriginId().equals(g.primaryOriginId())) {
                out.add(invalid(f + ".secondaryOriginId", "the secondary origin must differ from the primary"));
            }
            if (g.failoverStatusCodes() != null) {
                if (g.failoverStatusCodes().isEmpty()) {
                    out.add(invalid(f + ".failoverStatusCodes", "give at least one status code, or leave the field out"));
                }
                for (int j = 0; j < g.failoverStatusCodes().size(); j++) {
                    Integer code = g.failoverStatusCodes().get(j);
                    if (code == null || !OriginGroup.FAILOVER_CODES.contains(code)) {
                        out.add(invalid(f + ".failoverStatusCodes[" + j + "]", "a failover status is one of "
                                + new TreeSet<>(OriginGroup.FAILOVER_CODES)));
                    }
                }
            }
        }
    }

    private static void checkBehavior(DistributionConfig.Behavior b, String f, Set<String> targets, List<Violation> out) {
        if (b.targetOriginId() != null && !targets.contains(b.targetOriginId())) {
            out.add(invalid(f + ".targetOriginId", "targetOriginId '" + shorten(b.targetOriginId())
                    + "' is not the id of an origin or an origin group"));
        }
        if (b.viewerProtocolPolicy() != null && ViewerProtocolPolicy.fromApiName(b.viewerProtocolPolicy()).isEmpty()) {
            out.add(invalid(f + ".viewerProtocolPolicy", "viewerProtocolPolicy is one of "
                    + Arrays.stream(ViewerProtocolPolicy.values()).map(ViewerProtocolPolicy::apiName).collect(Collectors.joining(", "))));
        }
        Set<String> allowed = CacheBehavior.ALL_METHODS;
        if (b.allowedMethods() != null) {
            Set<String> given = b.allowedMethods().contains(null) ? Set.of() : new HashSet<>(b.allowedMethods());
            if (!METHOD_SETS.contains(given) || given.size() != b.allowedMethods().size()) {
                out.add(invalid(f + ".allowedMethods", "allowedMethods is one of CloudFront's three sets: [GET, HEAD], "
                        + "[GET, HEAD, OPTIONS] or [GET, HEAD, OPTIONS, PUT, PATCH, POST, DELETE]"));
            } else {
                allowed = given;
            }
        }
        if (b.cachedMethods() != null) {
            Set<String> given = b.cachedMethods().contains(null) ? Set.of() : new HashSet<>(b.cachedMethods());
            if (!(given.equals(CacheBehavior.GET_HEAD) || given.equals(CacheBehavior.GET_HEAD_OPTIONS))
                    || given.size() != b.cachedMethods().size()) {
                out.add(invalid(f + ".cachedMethods", "cachedMethods is [GET, HEAD] or [GET, HEAD, OPTIONS]"));
            } else if (!allowed.containsAll(given)) {
                out.add(invalid(f + ".cachedMethods", "cachedMethods must be a subset of allowedMethods"));
            }
        }
    }

    private static void checkErrorResponses(List<DistributionConfig.ErrorResponse> list, List<Violation> out) {
        Set<Integer> codes = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            DistributionConfig.ErrorResponse e = list.get(i);
            String f = "customErrorResponses[" + i + "]";
            if (e == null) {
                out.add(invalid(f, "a custom error response is {errorCode, responsePagePath, responseCode, errorCachingMinTtl}"));
                continue;
            }
            if (e.errorCode() == null || e.errorCode() < 400 || e.errorCode() > 599) {
                out.add(invalid(f + ".errorCode", "errorCode is the origin's status to answer, 400 to 599"));
            } else if (!codes.add(e.errorCode())) {
                out.add(invalid(f + ".errorCode", "errorCode " + e.errorCode() + " is given twice"));
            }
            if (e.responsePagePath() != null && (!e.responsePagePath().startsWith("/")
                    || e.responsePagePath().length() > MAX_PAGE_PATH_LENGTH || e.responsePagePath().contains("#")
                    || e.responsePagePath().chars().anyMatch(ch -> ch <= ' ' || ch == 0x7f))) {
                out.add(invalid(f + ".responsePagePath", "responsePagePath is a path of this distribution starting with '/' "
                        + "(e.g. /errors/503.html), at most " + MAX_PAGE_PATH_LENGTH + " characters, no spaces"));
            }
            if (e.responseCode() != null) {
                if (e.responseCode() != 200 && (e.responseCode() < 400 || e.responseCode() > 599)) {
                    out.add(invalid(f + ".responseCode", "responseCode is 200 or 400 to 599"));
                } else if (e.responsePagePath() == null) {
                    out.add(invalid(f + ".responseCode", "responseCode needs responsePagePath (the page answered with it)"));
                }
            }
            if (e.errorCachingMinTtl() != null && (e.errorCachingMinTtl() < 0 || e.errorCachingMinTtl() > MAX_ERROR_CACHING_TTL)) {
                out.add(invalid(f + ".errorCachingMinTtl", "errorCachingMinTtl is 0 to " + MAX_ERROR_CACHING_TTL + " seconds"));
            }
        }
        if (list.size() > 50) {
            out.add(invalid("customErrorResponses", "at most 50 custom error responses"));
        }
    }

    private static String normalized(String pattern) {
        return pattern.startsWith("/") || pattern.startsWith("*") ? pattern : "/" + pattern;
    }

    private static String shorten(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }

    private static Violation invalid(String field, String message) {
        return new Violation(field, ErrorCode.InvalidRequest, message);
    }
}
