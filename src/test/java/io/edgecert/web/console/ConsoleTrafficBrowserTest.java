package io.edgecert.web.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import io.edgecert.edge.Traffic;
import io.edgecert.json.Json;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console's pictures in Debian's Chromium: the dashboard's certificate-expiry timeline (bars
 * count what the store holds and link to the filtered list) and a distribution's traffic charts
 * (uPlot draws the node's recorded traffic; the hour/day toggle; the JSON behind them is a console
 * page like any other: signed in only, problem+json for a bad window).
 */
@Timeout(180)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleTrafficBrowserTest {
    static final String PASSWORD = "charts browser password 1";
    static final Path SHOTS = Paths.get("target", "screenshots");
    static final TestPki.Hierarchy CA = TestPki.hierarchy(TestPki.ec("secp256r1"), "charts-ca.example");

    TestNode node;
    String base;
    Playwright playwright;
    Browser browser;
    Page page;
    String busy;
    String idle;
    final List<String> browserErrors = new CopyOnWriteArrayList<>();

    @BeforeAll
    void start() throws Exception {
        node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD));
        base = "http://127.0.0.1:" + node.apiPort();
        busy = distribution("busy");
        idle = distribution("idle");
        Files.createDirectories(SHOTS);
        assertThat(Paths.get(ConsoleBrowserTest.CHROMIUM)).isExecutable();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(ConsoleBrowserTest.CHROMIUM)).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        page = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)).newPage();
        page.setDefaultTimeout(30_000);
        page.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                browserErrors.add(m.text());
            }
        });
        page.onPageError(e -> browserErrors.add("page error: " + e));
        page.navigate(base + "/login");
        page.locator("#user").fill("admin");
        page.locator("#password").fill(PASSWORD);
        page.locator("button[type=submit].primary").click();
        page.waitForURL(base + "/");
    }

    @AfterAll
    void stop() {
        if (playwright != null) {
            playwright.close();
        }
        if (node != null) {
            node.close();
        }
    }

    private String distribution(String comment) {
        TestApi.Response r = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/")), "comment", comment));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("id").asText();
    }

    private void importExpiringIn(String domain, Duration validFor) {
        TestPki.Issued leaf = TestPki.cert().dns(domain).key(TestPki.ec("secp256r1")).issuedBy(CA.intermediate())
                .validity(Instant.now().minus(Duration.ofDays(1)), Instant.now().plus(validFor)).build();
        TestApi.Response r = node.api().post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                "privateKey", leaf.keyPem(), "certificateChain", CA.chainPem(), "name", domain));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    /** Pixels of the chart's canvas in its series colour: bars with data are many, an empty chart has none. */
    private long coloured(String metric, int r, int g, int b) {
        Object n = page.evaluate("([sel, r, g, b]) => { const c = document.querySelector(sel);"
                + " const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
                + " for (let i = 0; i < d.length; i += 4) { if (Math.abs(d[i] - r) < 24 && Math.abs(d[i + 1] - g) < 24"
                + " && Math.abs(d[i + 2] - b) < 24 && d[i + 3] > 200) n++; } return n; }",
                List.of(".chart[data-metric=" + metric + "] canvas", r, g, b));
        return ((Number) n).longValue();
    }

    @Test
    @Order(1)
    void theTimelineCountsCertificatesByWeekAndLinksToThem() {
        importExpiringIn("in-three.example", Duration.ofDays(3));
        importExpiringIn("in-ten-a.example", Duration.ofDays(10));
        importExpiringIn("in-ten-b.example", Duration.ofDays(10));
        importExpiringIn("in-forty.example", Duration.ofDays(40));
        importExpiringIn("in-a-year.example", Duration.ofDays(365));
        page.navigate(base + "/");
        Locator bars = page.locator("#expiry-timeline svg a");
        PlaywrightAssertions.assertThat(bars).hasCount(14);
        assertThat(bars.first().getAttribute("data-count")).isEqualTo("0");
        assertThat(bars.first().getAttribute("href")).isEqualTo("/certificates?status=EXPIRED");
        assertThat(bars.nth(1).getAttribute("data-count")).isEqualTo("1");
        assertThat(bars.nth(2).getAttribute("data-count")).isEqualTo("2");
        assertThat(bars.nth(3).getAttribute("data-count")).isEqualTo("0");
        assertThat(bars.nth(6).getAttribute("data-count")).isEqualTo("1"); // 40 days: (35, 42]
        long shown = 0;
        for (int i = 0; i < 14; i++) {
            shown += Long.parseLong(bars.nth(i).getAttribute("data-count"));
        }
        assertThat(shown).as("the one valid for a year is beyond the 13 weeks").isEqualTo(4);
        PlaywrightAssertions.assertThat(bars.nth(2).locator("text.count")).hasText("2");
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("charts-dashboard-timeline.png")).setFullPage(true));

        bars.nth(2).click();
        page.waitForURL(base + "/certificates?expiring=7..14");
        Locator rows = page.locator("#certificate-results tbody tr");
        PlaywrightAssertions.assertThat(rows).hasCount(2);
        PlaywrightAssertions.assertThat(page.locator("#certificate-results")).containsText("in-ten-a.example");
        PlaywrightAssertions.assertThat(page.locator("#certificate-results")).containsText("in-ten-b.example");
        PlaywrightAssertions.assertThat(page.locator("#expiring option[selected]")).hasText("in 7 to 14 days");
    }

    @Test
    @Order(2)
    void theChartsDrawWhatTheEdgeRecordedAndToggleToTheDay() {
        Traffic traffic = node.node().edge().traffic();
        for (int i = 0; i < 30; i++) {
            traffic.record(busy, 200, 2_000, Traffic.Cache.HIT, 0);
        }
        for (int i = 0; i < 10; i++) {
            traffic.record(busy, 200, 5_000, Traffic.Cache.MISS, 4_000_000);
        }
        page.navigate(base + "/distributions/" + busy);
        Locator section = page.locator("#traffic");
        PlaywrightAssertions.assertThat(section).hasAttribute("data-rendered", "hour");
        PlaywrightAssertions.assertThat(section.locator(".uplot canvas")).hasCount(3);
        PlaywrightAssertions.assertThat(section.locator("[data-chart-status]")).hasText("40 requests in the last hour, 75.0 % from the cache");
        PlaywrightAssertions.assertThat(section.locator("[data-total=hour-requests]")).hasText("40");
        PlaywrightAssertions.assertThat(section.locator("[data-total=hour-hit-ratio]")).hasText("75.0 %");
        PlaywrightAssertions.assertThat(section).containsText("this node");
        long requestBars = coloured("requests", 0x0b, 0x5c, 0xad);
        assertThat(requestBars).as("the requests chart drew the recorded minute").isGreaterThan(100);
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("charts-distribution-hour.png")).setFullPage(true));

        page.locator("button[data-window=day]").click();
        PlaywrightAssertions.assertThat(section).hasAttribute("data-rendered", "day");
        PlaywrightAssertions.assertThat(page.locator("button[data-window=day]")).hasAttribute("aria-pressed", "true");
        PlaywrightAssertions.assertThat(section.locator(".uplot canvas")).hasCount(3);
        PlaywrightAssertions.assertThat(section.locator("[data-chart-status]")).containsText("40 requests in the last day");
        assertThat(coloured("bytes", 0x1a, 0x7f, 0x37)).as("the bytes chart drew the recorded quarter").isGreaterThan(100);

        // a distribution without traffic draws axes, but no bars
        page.navigate(base + "/distributions/" + idle);
        PlaywrightAssertions.assertThat(page.locator("#traffic")).hasAttribute("data-rendered", "hour");
        assertThat(coloured("requests", 0x0b, 0x5c, 0xad)).isLessThan(requestBars / 4);
        PlaywrightAssertions.assertThat(page.locator("[data-chart-status]")).hasText("0 requests in the last hour");
        assertThat(browserErrors).as("console errors (CSP refusals, script errors)").isEmpty();
    }

    @Test
    @Order(3)
    void theChartDataIsAConsolePage() throws Exception {
        HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create(base + "/distributions/" + busy
                + "/traffic.json")).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(anonymous.statusCode()).isEqualTo(303);
        assertThat(anonymous.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).startsWith("/login"));

        var signedIn = page.request().get(base + "/distributions/" + busy + "/traffic.json?window=day");
        assertThat(signedIn.status()).isEqualTo(200);
        JsonNode day = Json.read(signedIn.text(), JsonNode.class);
        assertThat(day.get("t")).hasSize(96);
        assertThat(day.get("stepSeconds").asLong()).isEqualTo(900);
        assertThat(day.get("scope").asText()).isEqualTo("node");
        assertThat(day.get("totals").get("requests").asLong()).isEqualTo(40);
        assertThat(day.get("totals").get("bytes").asLong()).isEqualTo(30 * 2_000 + 10 * 5_000);
        assertThat(day.get("hitRatio").get(95).asDouble()).isEqualTo(75.0);
        assertThat(day.get("hitRatio").get(0).isNull()).isTrue();

        var bad = page.request().get(base + "/distributions/" + busy + "/traffic.json?window=week");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.headers().get("content-type")).startsWith("application/problem+json");
        assertThat(Json.read(bad.text(), JsonNode.class).get("errors").get(0).get("field").asText()).isEqualTo("window");
        assertThat(page.request().get(base + "/distributions/no-such-id/traffic.json").status()).isEqualTo(404);
    }

    @Test
    @Order(4)
    void theDistributionPageShowsItsBehaviorsWithThePoliciesByName() {
        TestApi.Response policy = node.api().post("/api/v1/cache-policies", Map.of("name", "Shop-Assets",
                "minTtl", 0, "defaultTtl", 3600, "maxTtl", 86400));
        assertThat(policy.status()).as(policy.body()).isEqualTo(201);
        String policyId = policy.json().get("id").asText();
        TestApi.Response d = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "app", "url", "http://127.0.0.1:9/")), "comment", "cdn",
                "defaultCacheBehavior", Map.of("cachePolicyId", "658327ea-f89d-4fab-a63d-7e88639e58f6", "compress", true),
                "cacheBehaviors", List.of(Map.of("pathPattern", "/assets/*", "cachePolicyId", policyId,
                        "viewerProtocolPolicy", "https-only", "allowedMethods", List.of("GET", "HEAD"),
                        "cachedMethods", List.of("GET", "HEAD")))));
        assertThat(d.status()).as(d.body()).isEqualTo(201);
        page.navigate(base + "/distributions/" + d.json().get("id").asText());
        Locator rows = page.locator("#behaviors tbody tr");
        PlaywrightAssertions.assertThat(rows).hasCount(2);
        Locator assets = page.locator("#behaviors tr[data-pattern='/assets/*']");
        PlaywrightAssertions.assertThat(assets.locator("td[data-policy=cache]")).containsText("Shop-Assets");
        PlaywrightAssertions.assertThat(assets.locator("td[data-policy=cache]")).containsText("default 3600 s (1 h)");
        PlaywrightAssertions.assertThat(assets.locator("td[data-policy=origin-request]")).hasText("Managed-AllViewer");
        PlaywrightAssertions.assertThat(assets).containsText("https-only");
        Locator fallback = rows.nth(1);
        PlaywrightAssertions.assertThat(fallback).containsText("* (default)");
        PlaywrightAssertions.assertThat(fallback.locator("td[data-policy=cache]")).containsText("Managed-CachingOptimized");
        PlaywrightAssertions.assertThat(fallback).containsText("redirect-to-https");
        PlaywrightAssertions.assertThat(fallback.locator("td[data-policy=response-headers]")).hasText("(none)");

        // a distribution that names no behavior shows the pass-through it gets
        page.navigate(base + "/distributions/" + idle);
        PlaywrightAssertions.assertThat(page.locator("#behaviors tbody tr")).hasCount(1);
        PlaywrightAssertions.assertThat(page.locator("#behaviors td[data-policy=cache]")).containsText("Managed-CachingDisabled");
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("charts-distribution-behaviors.png")).setFullPage(true));
    }

    @Test
    @Order(5)
    void theInvalidationFormCreatesOneAndTheListShowsIt() {
        page.navigate(base + "/distributions/" + busy);
        PlaywrightAssertions.assertThat(page.locator("#invalidations .empty")).hasText("No invalidation yet.");
        // a path that is not one: the field says why, nothing is created
        page.locator("#invalidation-paths").fill("index.html");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Create invalidation")).click();
        PlaywrightAssertions.assertThat(page.locator("#err-inv-paths")).not().isEmpty();
        PlaywrightAssertions.assertThat(page.locator("#invalidation-paths")).hasAttribute("aria-invalid", "true");
        PlaywrightAssertions.assertThat(page.locator("#invalidation-paths")).hasValue("index.html");
        assertThat(node.api().get("/api/v1/distributions/" + busy + "/invalidations").json().get("items")).isEmpty();
        browserErrors.removeIf(e -> e.contains("status of 400")); // the refused form's page: expected

        page.locator("#invalidation-paths").fill("/index.html\n/images/*\n");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Create invalidation")).click();
        page.waitForURL(base + "/distributions/" + busy + "?flash=invalidation-created#invalidations");
        PlaywrightAssertions.assertThat(page.locator(".flash")).containsText("invalidation is created");
        JsonNode items = node.api().get("/api/v1/distributions/" + busy + "/invalidations").json().get("items");
        assertThat(items).hasSize(1);
        String id = items.get(0).get("id").asText();
        assertThat(items.get(0).get("paths")).extracting(JsonNode::asText).containsExactly("/index.html", "/images/*");
        Locator row = page.locator("#invalidation-list tr[data-invalidation='" + id + "']");
        PlaywrightAssertions.assertThat(row).containsText("/index.html, /images/*");
        assertThat(row.locator(".badge").textContent()).isIn("InProgress", "Completed");
        // this node's follower purges it: a reload shows it Completed
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.api()
                .get("/api/v1/distributions/" + busy + "/invalidations/" + id).json().get("status").asText().equals("Completed"));
        page.reload();
        PlaywrightAssertions.assertThat(page.locator("#invalidation-list tr[data-invalidation='" + id + "'] .badge"))
                .hasText("Completed");

        // the form without its CSRF token is refused
        var forged = page.request().post(base + "/distributions/" + busy + "/invalidations",
                com.microsoft.playwright.options.RequestOptions.create().setForm(
                        com.microsoft.playwright.options.FormData.create().set("paths", "/*")));
        assertThat(forged.status()).isEqualTo(403);
        assertThat(node.api().get("/api/v1/distributions/" + busy + "/invalidations").json().get("items")).hasSize(1);
        page.screenshot(new Page.ScreenshotOptions().setPath(SHOTS.resolve("charts-distribution-invalidations.png")).setFullPage(true));
        assertThat(browserErrors).isEmpty();
    }
}
