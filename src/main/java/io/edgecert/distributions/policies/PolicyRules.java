package io.edgecert.distributions.policies;

import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.Violation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What a policy's config must satisfy on its own, each violation naming its field. Name
 * uniqueness needs the store and lives in {@link PolicyService}. Limits follow CloudFront's quotas
 * where it has one (10 names per list, 10 custom headers).
 */
public final class PolicyRules {
    public static final int MAX_NAME_LENGTH = 128;
    public static final int MAX_COMMENT_LENGTH = 128;
    public static final int MAX_ITEMS = 10;
    public static final int MAX_ITEM_LENGTH = 256;
    public static final int MAX_HEADER_VALUE_LENGTH = 1783;
    /** 100 years: far beyond any useful TTL, small enough that no arithmetic on it overflows. */
    public static final long MAX_TTL = 3_153_600_000L;
    public static final String MANAGED_PREFIX = "Managed-";

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_NAME_LENGTH + "}");
    /** RFC 9110 token: header and cookie names. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern QUERY_NAME = Pattern.compile("[^\\s&=#\\p{Cntrl}]+");
    private static final Pattern HEADER_VALUE = Pattern.compile("[\\t\\x20-\\x7e\\x80-\\uffff]*");
    private static final Set<String> CACHE_BEHAVIORS = Set.of("none", "whitelist", "allExcept", "all");
    private static final Set<String> ORIGIN_BEHAVIORS = Set.of("none", "whitelist", "allExcept", "all", "allViewer");
    private static final Set<String> CORS_METHODS = Set.of("GET", "DELETE", "HEAD", "OPTIONS", "PATCH", "POST", "PUT", "ALL");
    private static final Set<String> FRAME_OPTIONS = Set.of("DENY", "SAMEORIGIN");
    public static final Set<String> REFERRER_POLICIES = Set.of("no-referrer", "no-referrer-when-downgrade", "origin",
            "origin-when-cross-origin", "same-origin", "strict-origin", "strict-origin-when-cross-origin", "unsafe-url");
    /** Headers a policy may neither add nor remove: they frame the message, the edge owns them. */
    private static final Set<String> HOP_AND_FRAMING = Set.of("connection", "content-length", "content-encoding",
            "transfer-encoding", "keep-alive", "upgrade", "proxy-connection", "te", "trailer", "host", "date",
            "cache-status", "age", "via", "vary", "content-range", "set-cookie");

    private PolicyRules() {
    }

    static void checkCommon(PolicyConfig c, List<Violation> out) {
        if (c.name() == null || c.name().isEmpty()) {
            out.add(invalid("name", "name is required: 1-" + MAX_NAME_LENGTH + " letters, digits, '-' or '_'"));
        } else if (!NAME.matcher(c.name()).matches()) {
            out.add(invalid("name", "name must be 1-" + MAX_NAME_LENGTH + " letters, digits, '-' or '_'"));
        } else if (c.name().startsWith(MANAGED_PREFIX)) {
            out.add(invalid("name", "names starting with '" + MANAGED_PREFIX + "' are reserved for managed policies"));
        }
        if (c.comment().length() > MAX_COMMENT_LENGTH) {
            out.add(invalid("comment", "comment is at most " + MAX_COMMENT_LENGTH + " characters"));
        }
    }

    public static List<Violation> check(CachePolicyConfig c) {
        List<Violation> out = new ArrayList<>();
        checkCommon(c, out);
        long min = c.minTtlOrDefault();
        long def = c.defaultTtlOrDefault();
        long max = c.maxTtlOrDefault();
        boolean inRange = true;
        for (var ttl : List.of(new Object[]{"minTtl", min}, new Object[]{"defaultTtl", def}, new Object[]{"maxTtl", max})) {
            long v = (Long) ttl[1];
            if (v < 0 || v > MAX_TTL) {
                out.add(invalid((String) ttl[0], ttl[0] + " must be between 0 and " + MAX_TTL + " seconds"));
                inRange = false;
            }
        }
        if (inRange && min > def) {
            out.add(invalid("defaultTtl", "defaultTtl (" + def + ") must be at least minTtl (" + min + ")"));
        }
        if (inRange && def > max) {
            out.add(invalid("maxTtl", "maxTtl (" + max + ") must be at least defaultTtl (" + def + ")"));
        }
        var p = c.parameters();
        String prefix = "parametersInCacheKeyAndForwardedToOrigin.";
        checkSelection(p.headersConfig(), prefix + "headersConfig", CACHE_BEHAVIORS, Names.HEADER, out);
        checkSelection(p.cookiesConfig(), prefix + "cookiesConfig", CACHE_BEHAVIORS, Names.COOKIE, out);
        checkSelection(p.queryStringsConfig(), prefix + "queryStringsConfig", CACHE_BEHAVIORS, Names.QUERY, out);
        return out;
    }

    public static List<Violation> check(OriginRequestPolicyConfig c) {
        List<Violation> out = new ArrayList<>();
        checkCommon(c, out);
        checkSelection(c.headersConfig(), "headersConfig", ORIGIN_BEHAVIORS, Names.HEADER, out);
        checkSelection(c.cookiesConfig(), "cookiesConfig", ORIGIN_BEHAVIORS, Names.COOKIE, out);
        checkSelection(c.queryStringsConfig(), "queryStringsConfig", ORIGIN_BEHAVIORS, Names.QUERY, out);
        return out;
    }

    public static List<Violation> check(ResponseHeadersPolicyConfig c) {
        List<Violation> out = new ArrayList<>();
        checkCommon(c, out);
        if (c.corsConfig() != null) {
            checkCors(c.corsConfig(), out);
        }
        if (c.securityHeadersConfig() != null) {
            checkSecurity(c.securityHeadersConfig(), out);
        }
        List<ResponseHeadersPolicyConfig.CustomHeader> custom = c.customHeadersConfig();
        if (custom.size() > MAX_ITEMS) {
            out.add(invalid("customHeadersConfig", "at most " + MAX_ITEMS + " custom headers"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < custom.size(); i++) {
            var h = custom.get(i);
            String f = "customHeadersConfig[" + i + "]";
            if (h == null) {
                out.add(invalid(f, "a custom header is {header, value, override}"));
                continue;
            }
            if (headerNameProblem(h.header(), f + ".header", out)) {
                continue;
            }
            String lower = h.header().toLowerCase(Locale.ROOT);
            if (!seen.add(lower)) {
                out.add(invalid(f + ".header", "header '" + h.header() + "' is given twice"));
            }
            if (h.value() == null || h.value().length() > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.matcher(h.value()).matches()) {
                out.add(invalid(f + ".value", "value is required: at most " + MAX_HEADER_VALUE_LENGTH
                        + " characters, no line breaks or control characters"));
            }
            if (h.override() == null) {
                out.add(invalid(f + ".override", "override is required: true replaces the origin's header, false keeps it"));
            }
        }
        List<String> remove = c.removeHeadersConfig();
        if (remove.size() > MAX_ITEMS) {
            out.add(invalid("removeHeadersConfig", "at most " + MAX_ITEMS + " headers to remove"));
        }
        Set<String> removed = new HashSet<>();
        for (int i = 0; i < remove.size(); i++) {
            String f = "removeHeadersConfig[" + i + "]";
            if (!headerNameProblem(remove.get(i), f, out) && !removed.add(remove.get(i).toLowerCase(Locale.ROOT))) {
                out.add(invalid(f, "header '" + remove.get(i) + "' is given twice"));
            }
        }
        var timing = c.serverTimingHeadersConfig();
        if (timing != null) {
            if (timing.enabled() == null) {
                out.add(invalid("serverTimingHeadersConfig.enabled", "enabled is required (true or false)"));
            }
            if (Boolean.TRUE.equals(timing.enabled()) && (timing.samplingRate() == null || timing.samplingRate() < 0
                    || timing.samplingRate() > 100 || timing.samplingRate().isNaN())) {
                out.add(invalid("serverTimingHeadersConfig.samplingRate", "samplingRate is a percentage, 0 to 100"));
            }
        }
        return out;
    }

    private static void checkCors(ResponseHeadersPolicyConfig.CorsConfig cors, List<Violation> out) {
        String p = "corsConfig.";
        List<String> origins = cors.accessControlAllowOrigins();
        if (origins == null || origins.isEmpty()) {
            out.add(invalid(p + "accessControlAllowOrigins", "give at least one origin (e.g. https://shop.example.com) or \"*\""));
        } else {
            checkList(origins, p + "accessControlAllowOrigins", o -> o.equals("*") || o.matches("https?://[A-Za-z0-9.*:\\[\\]-]+"),
                    "an origin is scheme://host[:port] or \"*\"", out);
            if (origins.contains("*") && Boolean.TRUE.equals(cors.accessControlAllowCredentials())) {
                out.add(invalid(p + "accessControlAllowCredentials",
                        "credentials cannot be allowed for every origin (\"*\"); list the origins"));
            }
        }
        List<String> methods = cors.accessControlAllowMethods();
        if (methods == null || methods.isEmpty()) {
            out.add(invalid(p + "accessControlAllowMethods", "give at least one method (GET, HEAD, ... or ALL)"));
        } else {
            checkList(methods, p + "accessControlAllowMethods", CORS_METHODS::contains,
                    "a method is one of " + String.join(", ", new java.util.TreeSet<>(CORS_METHODS)), out);
        }
        if (cors.accessControlAllowHeaders() != null) {
            checkList(cors.accessControlAllowHeaders(), p + "accessControlAllowHeaders",
                    h -> h.equals("*") || TOKEN.matcher(h).matches(), "a header name or \"*\"", out);
        }
        if (cors.accessControlExposeHeaders() != null) {
            checkList(cors.accessControlExposeHeaders(), p + "accessControlExposeHeaders",
                    h -> h.equals("*") || TOKEN.matcher(h).matches(), "a header name or \"*\"", out);
        }
        if (cors.accessControlAllowCredentials() == null) {
            out.add(invalid(p + "accessControlAllowCredentials", "accessControlAllowCredentials is required (true or false)"));
        }
        if (cors.originOverride() == null) {
            out.add(invalid(p + "originOverride", "originOverride is required: true replaces the origin's CORS headers"));
        }
        if (cors.accessControlMaxAgeSec() != null && (cors.accessControlMaxAgeSec() < 0 || cors.accessControlMaxAgeSec() > MAX_TTL)) {
            out.add(invalid(p + "accessControlMaxAgeSec", "accessControlMaxAgeSec must be between 0 and " + MAX_TTL));
        }
    }

    private static void checkSecurity(ResponseHeadersPolicyConfig.SecurityHeadersConfig s, List<Violation> out) {
        String p = "securityHeadersConfig.";
        var hsts = s.strictTransportSecurity();
        if (hsts != null) {
            requireOverride(hsts.override(), p + "strictTransportSecurity", out);
            if (hsts.accessControlMaxAgeSec() == null || hsts.accessControlMaxAgeSec() < 0 || hsts.accessControlMaxAgeSec() > MAX_TTL) {
                out.add(invalid(p + "strictTransportSecurity.accessControlMaxAgeSec",
                        "accessControlMaxAgeSec (HSTS max-age) is required, 0 to " + MAX_TTL + " seconds"));
            }
        }
        if (s.contentTypeOptions() != null) {
            requireOverride(s.contentTypeOptions().override(), p + "contentTypeOptions", out);
        }
        var frame = s.frameOptions();
        if (frame != null) {
            requireOverride(frame.override(), p + "frameOptions", out);
            if (frame.frameOption() == null || !FRAME_OPTIONS.contains(frame.frameOption())) {
                out.add(invalid(p + "frameOptions.frameOption", "frameOption is DENY or SAMEORIGIN"));
            }
        }
        var referrer = s.referrerPolicy();
        if (referrer != null) {
            requireOverride(referrer.override(), p + "referrerPolicy", out);
            if (referrer.referrerPolicy() == null || !REFERRER_POLICIES.contains(referrer.referrerPolicy())) {
                out.add(invalid(p + "referrerPolicy.referrerPolicy", "referrerPolicy is one of "
                        + String.join(", ", new java.util.TreeSet<>(REFERRER_POLICIES))));
            }
        }
        var csp = s.contentSecurityPolicy();
        if (csp != null) {
            requireOverride(csp.override(), p + "contentSecurityPolicy", out);
            String v = csp.contentSecurityPolicy();
            if (v == null || v.isBlank() || v.length() > MAX_HEADER_VALUE_LENGTH || !HEADER_VALUE.matcher(v).matches()) {
                out.add(invalid(p + "contentSecurityPolicy.contentSecurityPolicy", "the policy is required: at most "
                        + MAX_HEADER_VALUE_LENGTH + " characters, no line breaks or control characters"));
            }
        }
        var xss = s.xssProtection();
        if (xss != null) {
            requireOverride(xss.override(), p + "xssProtection", out);
            if (xss.protection() == null) {
                out.add(invalid(p + "xssProtection.protection", "protection is required (true: 1, false: 0)"));
            } else if (!xss.protection() && (Boolean.TRUE.equals(xss.modeBlock()) || xss.reportUri() != null)) {
                out.add(invalid(p + "xssProtection.protection", "modeBlock and reportUri need protection: true"));
            }
            if (Boolean.TRUE.equals(xss.modeBlock()) && xss.reportUri() != null) {
                out.add(invalid(p + "xssProtection.reportUri", "give modeBlock or reportUri, not both"));
            }
            if (xss.reportUri() != null && (!xss.reportUri().matches("https?://\\S+") || xss.reportUri().length() > 1024)) {
                out.add(invalid(p + "xssProtection.reportUri", "reportUri is an http(s) URL"));
            }
        }
    }

    private static void requireOverride(Boolean override, String field, List<Violation> out) {
        if (override == null) {
            out.add(invalid(field + ".override", "override is required: true replaces the origin's header, false keeps it"));
        }
    }

    private enum Names {
        HEADER, COOKIE, QUERY
    }

    private static void checkSelection(SelectionConfig s, String field, Set<String> behaviors, Names names,
                                       List<Violation> out) {
        if (s == null) {
            return;
        }
        String behavior = s.behavior() == null ? "none" : s.behavior();
        if (!behaviors.contains(behavior)) {
            out.add(invalid(field + ".behavior", "behavior is one of " + String.join(", ", new java.util.TreeSet<>(behaviors))));
            return;
        }
        boolean listed = behavior.equals("whitelist") || behavior.equals("allExcept");
        if (!listed && !s.items().isEmpty()) {
            out.add(invalid(field + ".items", "behavior " + behavior + " takes no items; use whitelist or allExcept to name them"));
        }
        if (listed && s.items().isEmpty()) {
            out.add(invalid(field + ".items", "behavior " + behavior + " needs at least one name in items"));
        }
        if (s.items().size() > MAX_ITEMS) {
            out.add(invalid(field + ".items", "at most " + MAX_ITEMS + " names"));
            return;
        }
        Pattern p = names == Names.QUERY ? QUERY_NAME : TOKEN;
        String what = switch (names) {
            case HEADER -> "a header name is a token (letters, digits and !#$%&'*+.^_`|~-)";
            case COOKIE -> "a cookie name is a token (letters, digits and !#$%&'*+.^_`|~-)";
            case QUERY -> "a query string name has no spaces, '&', '=' or '#'";
        };
        checkList(s.items(), field + ".items", n -> n.length() <= MAX_ITEM_LENGTH && p.matcher(n).matches(), what, out);
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.items().size(); i++) {
            String n = s.items().get(i);
            if (n != null && !seen.add(names == Names.HEADER ? n.toLowerCase(Locale.ROOT) : n)) {
                out.add(invalid(field + ".items[" + i + "]", "'" + n + "' is given twice"));
            }
        }
    }

    private static void checkList(List<String> items, String field, java.util.function.Predicate<String> ok, String what,
                                  List<Violation> out) {
        if (items.size() > MAX_ITEMS * 5) {
            out.add(invalid(field, "at most " + MAX_ITEMS * 5 + " items"));
            return;
        }
        for (int i = 0; i < items.size(); i++) {
            String v = items.get(i);
            if (v == null || v.length() > MAX_ITEM_LENGTH || !ok.test(v)) {
                out.add(invalid(field + "[" + i + "]", what));
            }
        }
    }

    /** True (and a violation added) when the name is not a valid header name a policy may touch. */
    private static boolean headerNameProblem(String name, String field, List<Violation> out) {
        if (name == null || name.length() > MAX_ITEM_LENGTH || !TOKEN.matcher(name).matches()) {
            out.add(invalid(field, "a header name is a token (letters, digits and !#$%&'*+.^_`|~-)"));
            return true;
        }
        if (HOP_AND_FRAMING.contains(name.toLowerCase(Locale.ROOT))) {
            out.add(invalid(field, "header '" + name + "' frames the response or is the edge's own; a policy cannot set or remove it"));
            return true;
        }
        return false;
    }

    private static Violation invalid(String field, String message) {
        return new Violation(field, ErrorCode.InvalidRequest, message);
    }
}
