package io.edgecert.web.console;

import gg.jte.ContentType;
import gg.jte.TemplateEngine;
import gg.jte.output.StringOutput;
import io.edgecert.certificates.CertificateService;
import io.edgecert.distributions.DistributionService;
import io.edgecert.events.Subscriptions;
import io.edgecert.distributions.invalidations.InvalidationService;
import io.edgecert.distributions.policies.PolicyService;
import io.edgecert.jobs.JobService;
import io.edgecert.serving.TrafficSeries;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.store.Database;
import io.edgecert.crypto.AdminToken;
import io.edgecert.web.ApiServer;
import io.edgecert.web.console.Views.Frame;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import jakarta.servlet.MultipartConfigElement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The web console (issue 5): server-rendered pages (precompiled JTE templates) with htmx, on the
 * API port at {@code /}. Everything but {@code /api/*}, {@code /healthz} and {@code /metrics} is a
 * console path; every console path but the login page and the static assets needs a session
 * cookie, and every POST a CSRF token. The pages call the services directly.
 */
public final class Console implements ApiServer.Pages, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Console.class);
    static final String SESSION_COOKIE = "edgecert_session";
    static final String LOGIN_COOKIE = "edgecert_login";
    static final String CSRF_FIELD = "_csrf";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final String SESSION_ATTRIBUTE = "edgecert.console.session";
    /** Multipart uploads (Import multiple) are parsed in memory: key files never touch the disk. */
    static final long MAX_UPLOAD_BYTES = 64L * 1024 * 1024;
    private static final MultipartConfigElement IN_MEMORY = new MultipartConfigElement(
            System.getProperty("java.io.tmpdir"), MAX_UPLOAD_BYTES, MAX_UPLOAD_BYTES, (int) MAX_UPLOAD_BYTES + 1);

    private static final Map<String, String> FLASH = Map.ofEntries(
            Map.entry("signed-out", "You are signed out."),
            Map.entry("password-changed", "Your password is changed; other sessions of this user were signed out."),
            Map.entry("reimported", "Reimported: the certificate and every distribution using it serve the new material."),
            Map.entry("distribution-created", "The distribution is created; it is InProgress until the edge serves it."),
            Map.entry("distribution-saved", "Saved as a new version; it is InProgress until the edge serves it."),
            Map.entry("invalidation-created", "The invalidation is created; it is InProgress until every live edge node "
                    + "has dropped the matching objects."),
            Map.entry("subscription-created", "The subscription is created."),
            Map.entry("subscription-deleted", "The subscription is deleted."),
            Map.entry("import-cancelled", "The import was cancelled; nothing was stored."),
            Map.entry("import-expired", "That review has expired or was already used (reviews last 15 minutes); start again."),
            Map.entry("cleaned-up", "Cleaned up: what the job created is deleted."));

    final CertificateService certificates;
    final DistributionService distributions;
    final JobService jobs;
    final Subscriptions subscriptions;
    final AdminToken adminToken;
    final Clock clock;
    final Accounts accounts;
    final PendingImports pending;
    /** This node's edge traffic (the distribution page's charts); nodes do not share it. */
    final TrafficSeries.Source traffic;
    final PolicyService policies;
    final InvalidationService invalidations;
    private final TemplateEngine templates = TemplateEngine.createPrecompiled(ContentType.Html);
    private final Assets assets = new Assets();
    private final AuthPages auth;
    private final ImportPages imports;
    private final JobPages jobPages;
    private final CertificatePages certificatePages;
    private final DistributionPages distributionPages;
    private final SubscriptionPages subscriptionPages;

    public Console(Database db, CertificateService certificates, DistributionService distributions, JobService jobs,
                   Subscriptions subscriptions, AdminToken adminToken, Path dataDir, Optional<String> initialPassword,
                   Clock clock, TrafficSeries.Source traffic, PolicyService policies, InvalidationService invalidations) {
        this.traffic = traffic;
        this.policies = policies;
        this.invalidations = invalidations;
        this.certificates = certificates;
        this.distributions = distributions;
        this.jobs = jobs;
        this.subscriptions = subscriptions;
        this.adminToken = adminToken;
        this.clock = clock;
        this.accounts = new Accounts(db, clock, dataDir);
        this.pending = new PendingImports(clock);
        accounts.bootstrap(initialPassword, log::warn);
        this.auth = new AuthPages(this);
        this.imports = new ImportPages(this);
        this.jobPages = new JobPages(this);
        this.certificatePages = new CertificatePages(this);
        this.distributionPages = new DistributionPages(this);
        this.subscriptionPages = new SubscriptionPages(this);
    }

    @Override
    public void routes(Javalin app) {
        app.before(this::guard);
        app.get("/console/assets/{name}", assets::serve);
        auth.routes(app);
        certificatePages.routes(app);
        distributionPages.routes(app);
        subscriptionPages.routes(app);
        imports.routes(app);
        jobPages.routes(app);
    }

    // ---- the guard: session, CSRF, security headers -------------------------------------------

    @Override
    public boolean isPage(Context ctx) {
        String p = ctx.path();
        return !(p.equals("/api") || p.startsWith("/api/") || p.equals("/healthz") || p.equals("/metrics"));
    }

    private void guard(Context ctx) {
        if (!isPage(ctx)) {
            return;
        }
        securityHeaders(ctx);
        String path = ctx.path();
        if (path.startsWith("/console/assets/")) {
            return;
        }
        if (ctx.isMultipartFormData()) {
            ctx.req().setAttribute("org.eclipse.jetty.multipartConfig", IN_MEMORY);
        }
        boolean post = !ctx.method().name().equals("GET") && !ctx.method().name().equals("HEAD");
        if (path.equals("/login") || path.equals("/login/token")) {
            if (post && !sameToken(ctx.cookie(LOGIN_COOKIE), submittedCsrf(ctx))) {
                throw new ProblemException(ErrorCode.Forbidden,
                        "the form was missing its security token or it was stale; reload the sign-in page and try again");
            }
            return;
        }
        Optional<Accounts.Session> session = accounts.session(ctx.cookie(SESSION_COOKIE));
        if (session.isEmpty()) {
            if (post) {
                throw new ProblemException(ErrorCode.Forbidden, "your session has ended; sign in again");
            }
            String next = ctx.queryString() == null ? path : path + "?" + ctx.queryString();
            String login = "/login" + (path.equals("/") ? "" : "?next=" + java.net.URLEncoder.encode(next, StandardCharsets.UTF_8));
            if ("true".equals(ctx.header("HX-Request"))) {
                ctx.header("HX-Redirect", login).status(401);
            } else {
                ctx.redirect(login, HttpStatus.SEE_OTHER);
            }
            ctx.skipRemainingHandlers();
            return;
        }
        ctx.attribute(SESSION_ATTRIBUTE, session.get());
        if (post && !sameToken(session.get().csrfToken(), submittedCsrf(ctx))) {
            throw new ProblemException(ErrorCode.Forbidden,
                    "the form was missing its security token or it was wrong; reload the page and try again");
        }
        if (session.get().mustChange() && !path.equals("/account/password") && !path.equals("/logout")) {
            ctx.redirect("/account/password", HttpStatus.SEE_OTHER);
            ctx.skipRemainingHandlers();
        }
    }

    private static String submittedCsrf(Context ctx) {
        String header = ctx.header(CSRF_HEADER);
        return header != null ? header : ctx.formParam(CSRF_FIELD);
    }

    static boolean sameToken(String expected, String given) {
        return expected != null && given != null && !expected.isEmpty()
                && MessageDigest.isEqual(expected.getBytes(StandardCharsets.UTF_8), given.getBytes(StandardCharsets.UTF_8));
    }

    private static void securityHeaders(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                + "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'");
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
    }

    static boolean secure(Context ctx) {
        return "https".equalsIgnoreCase(ctx.scheme()) || "https".equalsIgnoreCase(ctx.header("X-Forwarded-Proto"));
    }

    static void setCookie(Context ctx, String name, String value, boolean clear) {
        ctx.res().addHeader("Set-Cookie", name + "=" + value + "; Path=/; HttpOnly; SameSite=Strict"
                + (clear ? "; Max-Age=0" : "") + (secure(ctx) ? "; Secure" : ""));
    }

    // ---- helpers for the page classes ---------------------------------------------------------

    Accounts.Session session(Context ctx) {
        Accounts.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        if (s == null) {
            throw new ProblemException(ErrorCode.Unauthorized, "sign in first");
        }
        return s;
    }

    Frame frame(Context ctx, String title, String section) {
        Accounts.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        String flash = Optional.ofNullable(ctx.queryParam("flash")).map(FLASH::get).orElse(null);
        return new Frame(title, section, s == null ? null : s.displayName(), s == null ? null : s.csrfToken(), flash,
                assets.htmxPath(), assets.cssPath(), assets.jsPath());
    }

    /** A frame for pages without a session (sign-in, errors): the CSRF token is the login one. */
    Frame anonymousFrame(Context ctx, String title, String loginCsrf) {
        String flash = Optional.ofNullable(ctx.queryParam("flash")).map(FLASH::get).orElse(null);
        return new Frame(title, "", null, loginCsrf, flash, assets.htmxPath(), assets.cssPath(), assets.jsPath());
    }

    /** uPlot's script and stylesheet (its webjar) and the console's chart script, for the pages with charts. */
    ChartAssets chartAssets() {
        return assets.charts();
    }

    /** The asset paths of a page with charts. */
    public record ChartAssets(String uplotJs, String uplotCss, String chartsJs) {
    }

    void render(Context ctx, int status, String template, Map<String, Object> params) {
        ctx.status(status).contentType("text/html; charset=utf-8").header("Cache-Control", "no-store")
                .result(html(template, params));
    }

    void render(Context ctx, String template, Map<String, Object> params) {
        render(ctx, 200, template, params);
    }

    String html(String template, Map<String, Object> params) {
        StringOutput out = new StringOutput();
        templates.render(template, params, out);
        return out.toString();
    }

    static Map<String, Object> params(Object... keyValues) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    static boolean htmx(Context ctx) {
        return "true".equals(ctx.header("HX-Request"));
    }

    /** After a successful POST: 303 for a plain form, HX-Redirect for htmx (a full navigation). */
    static void seeOther(Context ctx, String location) {
        if (htmx(ctx)) {
            ctx.header("HX-Redirect", location).status(200);
        } else {
            ctx.redirect(location, HttpStatus.SEE_OTHER);
        }
    }

    static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v;
    }

    @Override
    public void render(Context ctx, int status, ErrorCode code, String detail) {
        Accounts.Session s = ctx.attribute(SESSION_ATTRIBUTE);
        Frame frame = s != null ? frame(ctx, "Error", "") : anonymousFrame(ctx, "Error", null);
        String title = switch (status) {
            case 403 -> "Not allowed";
            case 404 -> "Not found";
            case 500 -> "Something went wrong";
            default -> "That did not work";
        };
        if (htmx(ctx)) {
            // htmx swaps only 2xx answers by default; the page's error box shows this one
            ctx.header("HX-Retarget", "#flash-area").header("HX-Reswap", "innerHTML");
            ctx.status(status).contentType("text/html; charset=utf-8")
                    .result(html("fragments/alert.jte", params("message", title + ": " + detail)));
            return;
        }
        render(ctx, status, "error.jte", params("frame", frame, "status", status, "title", title, "code", code.name(),
                "detail", detail));
    }

    @Override
    public void close() {
        jobPages.close();
    }

    /** CSS, the console script and htmx (from its webjar), served from the jar with long caching. */
    private static final class Assets {
        private final Map<String, Asset> byName = new HashMap<>();
        private final String htmxPath;
        private final String cssPath;
        private final String jsPath;
        private final ChartAssets charts;

        record Asset(byte[] bytes, String contentType) {
        }

        Assets() {
            String htmxVersion = webjarVersion("htmx.org");
            byName.put("htmx.min.js", new Asset(load("META-INF/resources/webjars/htmx.org/" + htmxVersion + "/dist/htmx.min.js"),
                    "text/javascript; charset=utf-8"));
            byName.put("console.css", new Asset(load("console/console.css"), "text/css; charset=utf-8"));
            byName.put("console.js", new Asset(load("console/console.js"), "text/javascript; charset=utf-8"));
            String uplotVersion = webjarVersion("uplot");
            String uplot = "META-INF/resources/webjars/uplot/" + uplotVersion + "/dist/";
            byName.put("uPlot.iife.min.js", new Asset(load(uplot + "uPlot.iife.min.js"), "text/javascript; charset=utf-8"));
            byName.put("uPlot.min.css", new Asset(load(uplot + "uPlot.min.css"), "text/css; charset=utf-8"));
            byName.put("charts.js", new Asset(load("console/charts.js"), "text/javascript; charset=utf-8"));
            charts = new ChartAssets("/console/assets/uPlot.iife.min.js?v=" + uplotVersion,
                    "/console/assets/uPlot.min.css?v=" + uplotVersion,
                    "/console/assets/charts.js?v=" + version(byName.get("charts.js").bytes()));
            htmxPath = "/console/assets/htmx.min.js?v=" + htmxVersion;
            cssPath = "/console/assets/console.css?v=" + version(byName.get("console.css").bytes());
            jsPath = "/console/assets/console.js?v=" + version(byName.get("console.js").bytes());
        }

        void serve(Context ctx) {
            Asset a = byName.get(ctx.pathParam("name"));
            if (a == null) {
                throw ProblemException.notFound("asset " + ctx.pathParam("name").replaceAll("[^A-Za-z0-9._-]", ""));
            }
            ctx.contentType(a.contentType()).header("Cache-Control", "public, max-age=86400").result(a.bytes());
        }

        String htmxPath() {
            return htmxPath;
        }

        ChartAssets charts() {
            return charts;
        }

        String cssPath() {
            return cssPath;
        }

        String jsPath() {
            return jsPath;
        }

        private static String webjarVersion(String artifact) {
            Properties p = new Properties();
            try (InputStream in = Console.class.getClassLoader()
                    .getResourceAsStream("META-INF/maven/org.webjars.npm/" + artifact + "/pom.properties")) {
                if (in == null) {
                    throw new IllegalStateException("the " + artifact + " webjar is missing from the class path");
                }
                p.load(in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return p.getProperty("version");
        }

        private static byte[] load(String resource) {
            try (InputStream in = Console.class.getClassLoader().getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("console asset " + resource + " is missing from the class path");
                }
                return in.readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static String version(byte[] bytes) {
            try {
                return java.util.HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes)).substring(0, 10);
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    static List<String> nonBlank(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }
}
