package io.edgecert.web.console;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import com.microsoft.playwright.options.FilePayload;
import com.microsoft.playwright.options.SelectOption;
import com.sun.net.httpserver.HttpServer;
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

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console as a person uses it: Debian's Chromium, headless, driven by Playwright against a real
 * node (H2). One story in order: sign in with the one-time password, import one certificate with a
 * tag (after a field error for a mismatched key), review, Confirm, Apply, watch the job succeed
 * live, reimport, import three through "Import multiple", and the other pages, at 1280 and 390 px.
 * Screenshots of every page land in target/screenshots/.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
    static final Path SHOTS = Paths.get("target", "screenshots");
    static final String CHROMIUM = "/usr/bin/chromium";
    static final String NEW_PASSWORD = "browser test password 1";
    static final LocatorAssertions.HasTextOptions LONG = new LocatorAssertions.HasTextOptions().setTimeout(60_000);

    TestNode node;
    String base;
    String template;
    Playwright playwright;
    Browser browser;
    BrowserContext context;
    Page page;
    final List<String> browserErrors = new CopyOnWriteArrayList<>();
    final List<String> submittedKeys = new ArrayList<>();
    final AtomicInteger shot = new AtomicInteger();
    HttpServer hooks;
    final AtomicInteger hookCalls = new AtomicInteger();

    // carried from one step to the next
    String zone;
    String certificateId;

    @BeforeAll
    void start() throws IOException {
        node = TestNode.start(TestNode.Store.H2);
        base = "http://127.0.0.1:" + node.apiPort();
        TestApi.Response t = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://app.saas.example/")),
                "minimumProtocolVersion", "TLSv1.2_2019", "comment", "SaaS template"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        template = t.json().get("id").asText();
        Files.createDirectories(SHOTS);
        try (var old = Files.list(SHOTS)) {
            for (Path f : old.filter(f -> f.toString().endsWith(".png")).toList()) {
                Files.delete(f);
            }
        }
        hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hooks.createContext("/hook", exchange -> {
            hookCalls.incrementAndGet();
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        hooks.start();

        assertThat(Paths.get(CHROMIUM)).as("Debian's Chromium drives the console tests: apt-get install chromium "
                + "(.ci/run must install it)").isExecutable();
        playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
        browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                .setExecutablePath(Paths.get(CHROMIUM)).setHeadless(true)
                .setArgs(List.of("--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync")));
        context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900)
                .setPermissions(List.of("clipboard-read", "clipboard-write")));
        context.setDefaultTimeout(30_000);
        page = context.newPage();
        watch(page);
    }

    private void watch(Page p) {
        p.onConsoleMessage(m -> {
            if (m.type().equals("error")) {
                browserErrors.add(m.text());
            }
        });
        p.onPageError(e -> browserErrors.add("page error: " + e));
    }

    @AfterAll
    void stop() {
        if (playwright != null) {
            playwright.close();
        }
        if (hooks != null) {
            hooks.stop(0);
        }
        node.close();
    }

    private void screenshot(Page p, String name) {
        screenshot(p, name, true);
    }

    private void screenshot(Page p, String name, boolean fullPage) {
        p.screenshot(new Page.ScreenshotOptions().setFullPage(fullPage)
                .setPath(SHOTS.resolve(String.format("%02d-%s.png", shot.incrementAndGet(), name))));
    }

    /** Nothing on the page that the browser shows holds a submitted private key. */
    private void assertNoKeyOnPage(Page p) {
        String html = p.content();
        for (String key : submittedKeys) {
            assertThat(html).doesNotContain(ConsoleHttpTest.secretPart(key));
        }
        assertThat(html).doesNotContain("-----BEGIN PRIVATE KEY-----\n");
    }

    private static String zone() {
        return "b" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    @Test
    @Order(1)
    void signInWithTheOneTimePasswordUsingTheKeyboardAndChooseANewOne() throws IOException {
        String oneTime = Files.readString(node.dataDir().resolve("console-password")).strip();
        page.navigate(base + "/certificates");
        assertThat(page.url()).isEqualTo(base + "/login?next=%2Fcertificates");
        screenshot(page, "login");
        page.locator("#user").focus();
        page.keyboard().type("admin");
        page.keyboard().press("Tab");
        page.keyboard().type(oneTime);
        page.keyboard().press("Enter");
        page.waitForURL(base + "/account/password");
        PlaywrightAssertions.assertThat(page.locator(".alert")).containsText("one-time password");
        screenshot(page, "change-password");
        page.getByLabel("Current password").fill(oneTime);
        page.locator("#new-password").fill(NEW_PASSWORD);
        page.getByLabel("New password again").fill(NEW_PASSWORD);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Change password")).click();
        page.waitForURL(base + "/?flash=password-changed");
        PlaywrightAssertions.assertThat(page.locator(".flash")).containsText("password is changed");
        PlaywrightAssertions.assertThat(page.locator("h1")).hasText("Dashboard");
        screenshot(page, "dashboard-empty");
    }

    @Test
    @Order(2)
    void importOneCertificateWithATagSeeAFieldErrorThenReviewConfirmAndWatchTheJobLive() {
        zone = zone();
        KeyPair key = TestPki.rsa(2048);
        TestPki.Hierarchy h = TestPki.hierarchy(key, zone, "www." + zone);
        String rightKey = h.leaf().keyPem();
        String wrongKey = TestPki.pkcs8(TestPki.freshRsa(2048).getPrivate());
        submittedKeys.add(rightKey);
        submittedKeys.add(wrongKey);

        page.navigate(base + "/import/one");
        page.getByLabel("Certificate name").fill("Shop of " + zone);
        page.locator("#import-certificate").fill(h.leaf().certificatePem());
        page.locator("#import-privateKey").fill(wrongKey);
        // the chain comes from a file, read into the text area by the page
        page.locator("input[data-fill=import-certificateChain]").setInputFiles(new FilePayload("chain.pem",
                "application/x-pem-file", h.chainPem().getBytes(StandardCharsets.US_ASCII)));
        PlaywrightAssertions.assertThat(page.locator("#import-certificateChain")).hasValue(h.chainPem());
        page.locator("#tag-rows input[name=tagKey]").first().fill("customer");
        page.locator("#tag-rows input[name=tagValue]").first().fill("acme");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Add new tag")).click();
        page.locator("#tag-rows input[name=tagKey]").nth(1).fill("plan");
        page.locator("#tag-rows input[name=tagValue]").nth(1).fill("gold");
        page.getByLabel("Create a distribution for each certificate").check();
        page.locator("#import-template").selectOption(new SelectOption().setValue(template));
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Start job")).click();

        PlaywrightAssertions.assertThat(page.locator("#err-import-privateKey")).containsText("KeyMismatch");
        PlaywrightAssertions.assertThat(page.locator("#import-errors")).containsText("1 problem to fix");
        assertThat(page.url()).isEqualTo(base + "/import/one");
        // what the user typed is still there, next to the error
        PlaywrightAssertions.assertThat(page.getByLabel("Certificate name")).hasValue("Shop of " + zone);
        assertNoKeyOnPage(page);
        screenshot(page, "import-one-key-mismatch");

        page.locator("#import-privateKey").fill(rightKey);
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Start job")).click();
        page.waitForURL("**/import/review/**");
        Locator table = page.locator("table.review");
        PlaywrightAssertions.assertThat(table).containsText("Shop of " + zone);
        PlaywrightAssertions.assertThat(table).containsText("-----BEGIN PRIVATE KEY----- (redacted, "
                + rightKey.getBytes(StandardCharsets.UTF_8).length + " bytes, RSA 2048)");
        PlaywrightAssertions.assertThat(page.locator("dl.facts")).containsText("customer = acme, plan = gold");
        assertNoKeyOnPage(page);
        screenshot(page, "import-one-review");

        PlaywrightAssertions.assertThat(page.locator("#apply")).isDisabled();
        page.getByLabel("To start the job, type Confirm").fill("Confirm");
        PlaywrightAssertions.assertThat(page.locator("#apply")).isEnabled();
        page.locator("#apply").click();
        page.waitForURL("**/jobs/**");
        page.evaluate("window.__sameDocument = 'yes'");
        PlaywrightAssertions.assertThat(page.locator("[data-job-status]")).hasText("SUCCEEDED", LONG);
        PlaywrightAssertions.assertThat(page.locator("[data-step=CREATE_DISTRIBUTIONS] [data-field=status]")).hasText("SUCCEEDED");
        assertThat(page.evaluate("window.__sameDocument")).as("no reload").isEqualTo("yes");
        Locator dns = page.locator("table.items ul.dns");
        PlaywrightAssertions.assertThat(dns).containsText(zone + " CNAME ");
        PlaywrightAssertions.assertThat(dns).containsText("www." + zone + " CNAME ");
        Locator copy = page.locator("table.items button.copy").first();
        copy.click();
        PlaywrightAssertions.assertThat(copy).hasText("Copied");
        Object clipboard = page.evaluate("navigator.clipboard.readText()");
        assertThat(String.valueOf(clipboard)).matches(".*\\.example\\.com\\. CNAME .*\\.edge\\.test\\.");
        assertNoKeyOnPage(page);
        screenshot(page, "import-one-job-succeeded");
        String href = page.locator("table.items a[href^='/certificates/']").first().getAttribute("href");
        certificateId = href.substring("/certificates/".length());
    }

    @Test
    @Order(3)
    void reimportFromTheDetailPage() {
        page.navigate(base + "/certificates/" + certificateId);
        PlaywrightAssertions.assertThat(page.locator("dl.facts").first()).containsText("RSA 2048");
        PlaywrightAssertions.assertThat(page.locator("dl.facts").nth(1)).containsText("customer");
        PlaywrightAssertions.assertThat(page.locator("#h-using + div table")).containsText(".edge.test");
        screenshot(page, "certificate-detail");
        String oldFingerprint = page.locator("dl.facts dt:text-is('SHA-256 fingerprint') + dd").first().textContent().strip();
        assertThat(oldFingerprint).matches("[0-9A-Fa-f:]{64,}");
        TestPki.Hierarchy renewed = TestPki.hierarchy(TestPki.rsa(2048), zone, "www." + zone);
        submittedKeys.add(renewed.leaf().keyPem());
        page.locator("#reimport-certificate").fill(renewed.leaf().certificatePem());
        page.locator("#reimport-privateKey").fill(renewed.leaf().keyPem());
        page.locator("#reimport-certificateChain").fill(renewed.chainPem());
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Reimport").setExact(true)).click();
        page.waitForURL("**flash=reimported");
        PlaywrightAssertions.assertThat(page.locator(".flash")).containsText("Reimported");
        // the history row is the replaced material: version 1 with the fingerprint shown before the reimport
        Locator history = page.locator("#h-history + div table tbody tr");
        PlaywrightAssertions.assertThat(history).hasCount(1);
        PlaywrightAssertions.assertThat(history.locator("td").first()).hasText("1");
        PlaywrightAssertions.assertThat(history.locator("[data-fingerprint]")).hasText(oldFingerprint);
        PlaywrightAssertions.assertThat(page.locator("dl.facts dt:text-is('SHA-256 fingerprint') + dd").first())
                .not().hasText(oldFingerprint);
        PlaywrightAssertions.assertThat(page.locator("dl.facts").first()).containsText("Material version2");
        assertNoKeyOnPage(page);
        screenshot(page, "certificate-reimported");
    }

    @Test
    @Order(4)
    void importThreeCertificatesThroughImportMultiple() throws IOException {
        String a = zone();
        String b = zone();
        String c = zone();
        TestPki.Hierarchy alpha = TestPki.hierarchy(TestPki.ec("secp256r1"), a);
        TestPki.Hierarchy beta = TestPki.hierarchy(TestPki.ec("secp384r1"), b, "*." + b);
        TestPki.Hierarchy gamma = TestPki.hierarchy(TestPki.rsa(2048), c);
        submittedKeys.addAll(List.of(alpha.leaf().keyPem(), beta.leaf().keyPem(), gamma.leaf().keyPem()));
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(zip)) {
            for (Map.Entry<String, String> e : Map.of("gamma/cert.pem", gamma.leaf().certificatePem(),
                    "gamma/privkey.pem", gamma.leaf().keyPem(), "gamma/chain.pem", gamma.chainPem()).entrySet()) {
                z.putNextEntry(new ZipEntry(e.getKey()));
                z.write(e.getValue().getBytes(StandardCharsets.US_ASCII));
                z.closeEntry();
            }
        }
        page.navigate(base + "/import/multiple");
        screenshot(page, "import-multiple");
        page.getByLabel("PEM files or a zip").setInputFiles(new FilePayload[]{
                pem("alpha.crt", alpha.leaf().certificatePem()),
                pem("alpha.key", alpha.leaf().keyPem()),
                pem("alpha.chain.pem", alpha.chainPem()),
                pem("beta.pem", beta.leaf().certificatePem() + beta.leaf().keyPem() + beta.chainPem()),
                new FilePayload("gamma.zip", "application/zip", zip.toByteArray())});
        PlaywrightAssertions.assertThat(page.locator("#multi-files-preview")).containsText("5 files chosen");
        page.locator("#multi-create").check();
        page.getByLabel("Origin URL").fill("https://origin.example/");
        page.locator("#tag-rows input[name=tagKey]").first().fill("batch");
        page.locator("#tag-rows input[name=tagValue]").first().fill("november");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Pair and check")).click();
        page.waitForURL("**/import/review/**");
        Locator rows = page.locator("table.review tbody tr");
        PlaywrightAssertions.assertThat(rows).hasCount(3);
        PlaywrightAssertions.assertThat(page.locator("h2").first()).hasText("3 certificates");
        Locator table = page.locator("table.review");
        PlaywrightAssertions.assertThat(table).containsText("alpha.crt + alpha.key + alpha.chain.pem");
        PlaywrightAssertions.assertThat(table).containsText("beta.pem");
        PlaywrightAssertions.assertThat(table).containsText("gamma/cert.pem + gamma/privkey.pem + gamma/chain.pem");
        PlaywrightAssertions.assertThat(table).containsText("EC secp384r1");
        assertNoKeyOnPage(page);
        screenshot(page, "import-multiple-review");
        page.getByLabel("To start the job, type Confirm").fill("Confirm");
        page.locator("#apply").click();
        page.waitForURL("**/jobs/**");
        PlaywrightAssertions.assertThat(page.locator("[data-job-status]")).hasText("SUCCEEDED", LONG);
        PlaywrightAssertions.assertThat(page.locator("table.items tbody tr")).hasCount(3);
        PlaywrightAssertions.assertThat(page.locator("table.items")).containsText("*." + b + " CNAME ");
        screenshot(page, "import-multiple-job");
    }

    private static FilePayload pem(String name, String text) {
        return new FilePayload(name, "application/x-pem-file", text.getBytes(StandardCharsets.US_ASCII));
    }

    @Test
    @Order(5)
    void theJobPageFollowsARunningJobLiveWithoutReloading() {
        // Deterministic: the console's node runs no jobs (EDGECERT_JOB_WORKERS=0), so the page opens on
        // a job that is provably still PENDING, with its live stream. The job runs only once a worker
        // node joins the database; after that the page can only show SUCCEEDED through its events.
        int count = 20;
        try (TestNode consoleOnly = TestNode.start(TestNode.Store.POSTGRESQL, Map.of("EDGECERT_JOB_WORKERS", "0",
                "EDGECERT_CONSOLE_PASSWORD", NEW_PASSWORD))) {
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
            List<Map<String, Object>> items = new ArrayList<>();
            String prefix = zone();
            for (int i = 0; i < count; i++) {
                TestPki.Issued leaf = TestPki.cert().dns("s" + i + "." + prefix).key(TestPki.ec("secp256r1"))
                        .issuedBy(h.intermediate()).build();
                items.add(Map.of("name", "bulk " + i, "certificate", leaf.certificatePem(), "privateKey", leaf.keyPem(),
                        "certificateChain", h.chainPem()));
            }
            TestApi.Response r = consoleOnly.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", items));
            assertThat(r.status()).as(r.body()).isEqualTo(202);
            String jobId = r.json().get("jobId").asText();
            String otherBase = "http://127.0.0.1:" + consoleOnly.apiPort();
            // a context of its own: cookies are per host, not per port, and the main context keeps its session
            try (BrowserContext other = browser.newContext(new Browser.NewContextOptions().setViewportSize(1280, 900))) {
                Page p = other.newPage();
                watch(p);
                p.navigate(otherBase + "/login");
                p.locator("#user").fill("admin");
                p.locator("#password").fill(NEW_PASSWORD);
                p.locator("#password").press("Enter");
                p.waitForURL(otherBase + "/");
                p.navigate(otherBase + "/jobs/" + jobId);
                Locator job = p.locator("#job");
                PlaywrightAssertions.assertThat(job).hasAttribute("data-events", "/jobs/" + jobId + "/events");
                PlaywrightAssertions.assertThat(p.locator("[data-job-status]")).hasText("PENDING");
                // the stream is open: its first event has reached the page, before any worker exists
                PlaywrightAssertions.assertThat(job).hasAttribute("data-live-updates", "1");
                p.evaluate("window.__sameDocument = 'yes'");
                screenshot(p, "job-pending", false);
                try (TestNode worker = consoleOnly.startAnotherNode(Map.of("EDGECERT_JOB_WORKERS", "2"))) {
                    PlaywrightAssertions.assertThat(p.locator("[data-job-status]")).hasText("SUCCEEDED", LONG);
                    PlaywrightAssertions.assertThat(p.locator("[data-step=IMPORT_CERTIFICATES] [data-field=succeeded]"))
                            .hasText(String.valueOf(count));
                    assertThat(p.evaluate("window.__sameDocument")).as("no reload").isEqualTo("yes");
                    // counters moved through server-sent events, then the section was fetched again
                    PlaywrightAssertions.assertThat(job).hasAttribute("data-finished-live", "1");
                    assertThat(Integer.parseInt(job.getAttribute("data-live-updates"))).isGreaterThanOrEqualTo(2);
                    PlaywrightAssertions.assertThat(p.locator("table.items tbody tr")).hasCount(count);
                    screenshot(p, "job-live-succeeded", false);
                }
            }
        }
    }

    @Test
    @Order(6)
    void theOtherPages() {
        page.navigate(base + "/");
        PlaywrightAssertions.assertThat(page.locator(".stats")).containsText("Certificates");
        screenshot(page, "dashboard");

        page.navigate(base + "/certificates");
        page.getByLabel("Search by domain").fill(zone);
        // htmx swaps the results and keeps the URL in step
        page.waitForURL("**domain=" + zone + "**");
        PlaywrightAssertions.assertThat(page.locator("#certificate-results tbody tr")).hasCount(1);
        PlaywrightAssertions.assertThat(page.locator("#certificate-results")).containsText("days left");
        screenshot(page, "certificates-search");

        page.navigate(base + "/jobs");
        PlaywrightAssertions.assertThat(page.locator("table tbody tr")).hasCount(2);
        screenshot(page, "jobs");

        page.navigate(base + "/distributions");
        screenshot(page, "distributions");
        page.navigate(base + "/distributions/" + template);
        PlaywrightAssertions.assertThat(page.locator("dl.facts")).containsText("SaaS template");
        screenshot(page, "distribution-detail");
        page.getByRole(com.microsoft.playwright.options.AriaRole.LINK, new Page.GetByRoleOptions().setName("Edit")).click();
        page.getByLabel("Comment").fill("SaaS template, edited in the console");
        screenshot(page, "distribution-edit");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        page.waitForURL("**flash=distribution-saved");
        PlaywrightAssertions.assertThat(page.locator("#version-history")).containsText("edited in the console");
        PlaywrightAssertions.assertThat(page.locator("#version-history tbody tr")).hasCount(2);
        page.navigate(base + "/distributions/new?copyFrom=" + template);
        page.getByLabel("Comment").fill("second template");
        screenshot(page, "distribution-create");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Create distribution")).click();
        page.waitForURL("**flash=distribution-created");
        PlaywrightAssertions.assertThat(page.locator("dl.facts")).containsText("https://app.saas.example/");

        page.navigate(base + "/subscriptions");
        page.getByLabel("Protocol").selectOption("http");
        page.locator("#s-endpoint").fill("http://127.0.0.1:" + hooks.getAddress().getPort() + "/hook");
        page.locator("#s-name").fill("ops hook");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Add subscription")).click();
        PlaywrightAssertions.assertThat(page.locator("code.secret")).isVisible();
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Send test message")).click();
        PlaywrightAssertions.assertThat(page.locator("[id^=test-]")).containsText("delivered (HTTP 204)");
        assertThat(hookCalls.get()).isGreaterThanOrEqualTo(1);
        screenshot(page, "subscriptions");
    }

    @Test
    @Order(7)
    void theErrorPagesLookRight() {
        // a page of its own, not watched: a 404 or a 400 document is not a browser error worth failing on
        Page p = context.newPage();
        p.navigate(base + "/certificates/" + UUID.randomUUID());
        PlaywrightAssertions.assertThat(p.locator(".alert.error h2")).containsText("Not found");
        screenshot(p, "error-not-found");

        TestPki.Hierarchy lonely = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
        p.navigate(base + "/import/multiple");
        p.getByLabel("PEM files or a zip").setInputFiles(new FilePayload[]{
                pem("lonely.crt", lonely.leaf().certificatePem()), pem("lonely.chain.pem", lonely.chainPem())});
        p.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON,
                new Page.GetByRoleOptions().setName("Pair and check")).click();
        PlaywrightAssertions.assertThat(p.locator("main")).containsText("no private key file found for lonely.crt");
        screenshot(p, "import-multiple-pairing-error");
        p.close();
    }

    @Test
    @Order(8)
    void pagesFitAPhoneWidthWindow() {
        BrowserContext phone = browser.newContext(new Browser.NewContextOptions().setViewportSize(390, 844)
                .setIsMobile(true).setHasTouch(true));
        phone.addCookies(context.cookies());
        Page p = phone.newPage();
        watch(p);
        for (String path : List.of("/", "/certificates", "/certificates/" + certificateId, "/import/one",
                "/import/multiple", "/jobs", "/distributions", "/subscriptions")) {
            p.navigate(base + path);
            PlaywrightAssertions.assertThat(p.locator("h1")).isVisible();
            Object overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth");
            assertThat(((Number) overflow).intValue()).as("horizontal overflow of " + path).isLessThanOrEqualTo(1);
            screenshot(p, "phone" + (path.equals("/") ? "-dashboard"
                    : path.replace('/', '-').replaceAll("-[0-9a-f-]{36}", "-detail")));
        }
        phone.close();
    }

    @Test
    @Order(9)
    void signOutAndNoBrowserErrors() {
        page.navigate(base + "/");
        page.getByRole(com.microsoft.playwright.options.AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Sign out")).click();
        page.waitForURL(base + "/login?flash=signed-out");
        page.navigate(base + "/jobs");
        assertThat(page.url()).startsWith(base + "/login");
        assertThat(browserErrors).as("console errors and CSP violations in the browser").isEmpty();
    }
}
