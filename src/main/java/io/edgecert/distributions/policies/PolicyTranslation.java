package io.edgecert.distributions.policies;

import io.edgecert.serving.CachePolicy;
import io.edgecert.serving.OriginRequestPolicy;
import io.edgecert.serving.ResponseHeadersPolicy;
import io.edgecert.serving.ResponseHeadersPolicy.HeaderRule;
import io.edgecert.serving.Selection;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Between the API's configs (CloudFront's shape) and serving's records (what the edge applies):
 * configs are resolved for the edge; managed policies, which exist only in serving's form, are
 * shown through the API in the config shape.
 */
final class PolicyTranslation {
    static final String HSTS = "Strict-Transport-Security";
    static final String CONTENT_TYPE_OPTIONS = "X-Content-Type-Options";
    static final String FRAME_OPTIONS = "X-Frame-Options";
    static final String REFERRER_POLICY = "Referrer-Policy";
    static final String CSP = "Content-Security-Policy";
    static final String XSS = "X-XSS-Protection";

    private PolicyTranslation() {
    }

    // ---- config -> serving ---------------------------------------------------------------------

    static CachePolicy cache(String id, CachePolicyConfig c) {
        var p = c.parameters();
        return new CachePolicy(id, c.name(), c.minTtlOrDefault(), c.defaultTtlOrDefault(), c.maxTtlOrDefault(),
                selection(p.headersConfig(), true), selection(p.cookiesConfig(), false),
                selection(p.queryStringsConfig(), false), Boolean.TRUE.equals(p.enableAcceptEncodingGzip()),
                Boolean.TRUE.equals(p.enableAcceptEncodingBrotli()));
    }

    static OriginRequestPolicy originRequest(String id, OriginRequestPolicyConfig c) {
        return new OriginRequestPolicy(id, c.name(), selection(c.headersConfig(), true), selection(c.cookiesConfig(), false),
                selection(c.queryStringsConfig(), false));
    }

    static ResponseHeadersPolicy responseHeaders(String id, ResponseHeadersPolicyConfig c) {
        List<HeaderRule> headers = new ArrayList<>();
        var s = c.securityHeadersConfig();
        if (s != null) {
            if (s.strictTransportSecurity() != null) {
                var h = s.strictTransportSecurity();
                headers.add(new HeaderRule(HSTS, "max-age=" + h.accessControlMaxAgeSec()
                        + (Boolean.TRUE.equals(h.includeSubdomains()) ? "; includeSubDomains" : "")
                        + (Boolean.TRUE.equals(h.preload()) ? "; preload" : ""), h.override()));
            }
            if (s.contentTypeOptions() != null) {
                headers.add(new HeaderRule(CONTENT_TYPE_OPTIONS, "nosniff", s.contentTypeOptions().override()));
            }
            if (s.frameOptions() != null) {
                headers.add(new HeaderRule(FRAME_OPTIONS, s.frameOptions().frameOption(), s.frameOptions().override()));
            }
            if (s.referrerPolicy() != null) {
                headers.add(new HeaderRule(REFERRER_POLICY, s.referrerPolicy().referrerPolicy(), s.referrerPolicy().override()));
            }
            if (s.contentSecurityPolicy() != null) {
                headers.add(new HeaderRule(CSP, s.contentSecurityPolicy().contentSecurityPolicy(),
                        s.contentSecurityPolicy().override()));
            }
            if (s.xssProtection() != null) {
                var x = s.xssProtection();
                String v = !x.protection() ? "0" : Boolean.TRUE.equals(x.modeBlock()) ? "1; mode=block"
                        : x.reportUri() != null ? "1; report=" + x.reportUri() : "1";
                headers.add(new HeaderRule(XSS, v, x.override()));
            }
        }
        c.customHeadersConfig().forEach(h -> headers.add(new HeaderRule(h.header(), h.value(), h.override())));
        Optional<ResponseHeadersPolicy.Cors> cors = Optional.ofNullable(c.corsConfig()).map(k -> new ResponseHeadersPolicy.Cors(
                k.accessControlAllowOrigins(), orEmpty(k.accessControlAllowHeaders()), k.accessControlAllowMethods(),
                orEmpty(k.accessControlExposeHeaders()), Boolean.TRUE.equals(k.accessControlAllowCredentials()),
                Optional.ofNullable(k.accessControlMaxAgeSec()), Boolean.TRUE.equals(k.originOverride())));
        Optional<Double> timing = Optional.ofNullable(c.serverTimingHeadersConfig())
                .filter(t -> Boolean.TRUE.equals(t.enabled())).map(t -> t.samplingRate() == null ? 100.0 : t.samplingRate());
        return new ResponseHeadersPolicy(id, c.name(), cors, headers, c.removeHeadersConfig(), timing);
    }

    static Selection selection(SelectionConfig s, boolean headers) {
        if (s == null || s.behavior() == null) {
            return Selection.NONE;
        }
        Selection.Kind kind = s.behavior().equals("allViewer") ? Selection.Kind.ALL
                : Arrays.stream(Selection.Kind.values()).filter(k -> k.apiName().equals(s.behavior())).findFirst()
                .orElse(Selection.Kind.NONE);
        return headers ? Selection.ofHeaders(kind, s.items()) : new Selection(kind, s.items());
    }

    // ---- serving -> config (managed policies as the API shows them) ------------------------------

    static CachePolicyConfig cacheConfig(CachePolicy p) {
        return new CachePolicyConfig(p.name(), "", p.minTtl(), p.defaultTtl(), p.maxTtl(),
                new CachePolicyConfig.ParametersInCacheKey(selectionConfig(p.headers()), selectionConfig(p.cookies()),
                        selectionConfig(p.queryStrings()), p.acceptEncodingGzip(), p.acceptEncodingBrotli()));
    }

    static OriginRequestPolicyConfig originRequestConfig(OriginRequestPolicy p) {
        return new OriginRequestPolicyConfig(p.name(), "", selectionConfig(p.headers()), selectionConfig(p.cookies()),
                selectionConfig(p.queryStrings()));
    }

    static ResponseHeadersPolicyConfig responseHeadersConfig(ResponseHeadersPolicy p) {
        ResponseHeadersPolicyConfig.StrictTransportSecurity hsts = null;
        ResponseHeadersPolicyConfig.ContentTypeOptions nosniff = null;
        ResponseHeadersPolicyConfig.FrameOptions frame = null;
        ResponseHeadersPolicyConfig.ReferrerPolicy referrer = null;
        ResponseHeadersPolicyConfig.ContentSecurityPolicy csp = null;
        ResponseHeadersPolicyConfig.XssProtection xss = null;
        List<ResponseHeadersPolicyConfig.CustomHeader> custom = new ArrayList<>();
        for (HeaderRule h : p.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            String v = h.value();
            if (name.equals("strict-transport-security") && v.matches("(?i)max-age=\\d+.*")) {
                String lower = v.toLowerCase(Locale.ROOT);
                long maxAge = Long.parseLong(lower.replaceAll("^max-age=(\\d+).*$", "$1"));
                hsts = new ResponseHeadersPolicyConfig.StrictTransportSecurity(h.override(), maxAge,
                        lower.contains("includesubdomains"), lower.contains("preload"));
            } else if (name.equals("x-content-type-options") && v.equalsIgnoreCase("nosniff")) {
                nosniff = new ResponseHeadersPolicyConfig.ContentTypeOptions(h.override());
            } else if (name.equals("x-frame-options")) {
                frame = new ResponseHeadersPolicyConfig.FrameOptions(h.override(), v.toUpperCase(Locale.ROOT));
            } else if (name.equals("referrer-policy")) {
                referrer = new ResponseHeadersPolicyConfig.ReferrerPolicy(h.override(), v);
            } else if (name.equals("content-security-policy")) {
                csp = new ResponseHeadersPolicyConfig.ContentSecurityPolicy(h.override(), v);
            } else if (name.equals("x-xss-protection")) {
                boolean on = !v.strip().startsWith("0");
                String report = v.contains("report=") ? v.substring(v.indexOf("report=") + 7).strip() : null;
                xss = new ResponseHeadersPolicyConfig.XssProtection(h.override(), on, v.contains("mode=block"), report);
            } else {
                custom.add(new ResponseHeadersPolicyConfig.CustomHeader(h.name(), v, h.override()));
            }
        }
        boolean anySecurity = hsts != null || nosniff != null || frame != null || referrer != null || csp != null || xss != null;
        var security = anySecurity ? new ResponseHeadersPolicyConfig.SecurityHeadersConfig(hsts, nosniff, frame, referrer, csp, xss)
                : null;
        var cors = p.cors().map(c -> new ResponseHeadersPolicyConfig.CorsConfig(c.allowOrigins(), c.allowHeaders(),
                c.allowMethods(), c.exposeHeaders(), c.allowCredentials(), c.maxAgeSeconds().orElse(null),
                c.originOverride())).orElse(null);
        var timing = p.serverTimingSampleRate().map(r -> new ResponseHeadersPolicyConfig.ServerTimingHeadersConfig(true, r))
                .orElse(null);
        return new ResponseHeadersPolicyConfig(p.name(), "", cors, security, custom, p.removeHeaders(), timing);
    }

    static SelectionConfig selectionConfig(Selection s) {
        return new SelectionConfig(s.kind().apiName(), s.names());
    }

    private static List<String> orEmpty(List<String> l) {
        return l == null ? List.of() : l;
    }
}
