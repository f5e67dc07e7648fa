package io.edgecert.web.console;

import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console over plain HTTP: sign-in and sessions, CSRF, redirects, that the API still wants
 * its bearer token, and that no response ever carries a submitted private key.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConsoleHttpTest {
    static final String PASSWORD = "correct horse battery staple";
    TestNode node;
    String template;

    @BeforeAll
    void start() {
        node = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD));
        TestApi.Response t = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://app.saas.example/")), "comment", "template"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        template = t.json().get("id").asText();
    }

    @AfterAll
    void stop() {
        node.close();
    }

    ConsoleClient signedIn() {
        ConsoleClient c = new ConsoleClient(node.apiPort());
        ConsoleClient.Response r = c.login("admin", PASSWORD);
        assertThat(r.status()).as(r.body()).isEqualTo(303);
        assertThat(r.header("Location")).isEqualTo("/");
        c.get("/");
        return c;
    }

    static String zone() {
        return "c" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
    }

    /**
     * A full base64 line from the middle of a PEM text: present in any response that leaks it. One
     * line, not a window of the whitespace-free body, which would often straddle a line break and
     * so never match a page that echoes the PEM as it was pasted.
     */
    static String secretPart(String pem) {
        List<String> lines = pem.lines().map(String::strip).filter(l -> l.length() >= 40 && !l.startsWith("-----")).toList();
        return lines.get(lines.size() / 2);
    }

    @Test
    void pagesNeedASessionAndRedirectToTheSignInPage() {
        ConsoleClient anonymous = new ConsoleClient(node.apiPort());
        ConsoleClient.Response root = anonymous.get("/");
        assertThat(root.status()).isEqualTo(303);
        assertThat(root.header("Location")).isEqualTo("/login");
        ConsoleClient.Response list = anonymous.get("/certificates?domain=x.example.com");
        assertThat(list.status()).isEqualTo(303);
        assertThat(list.header("Location")).isEqualTo("/login?next=%2Fcertificates%3Fdomain%3Dx.example.com");
        for (String path : List.of("/jobs", "/import/one", "/distributions", "/subscriptions", "/no/such/page",
                "/jobs/" + UUID.randomUUID() + "/events")) {
            assertThat(anonymous.get(path).status()).as(path).isEqualTo(303);
        }
        ConsoleClient.Response htmx = anonymous.get("/certificates", Map.of("HX-Request", "true"));
        assertThat(htmx.status()).isEqualTo(401);
        assertThat(htmx.header("HX-Redirect")).isEqualTo("/login?next=%2Fcertificates");
        ConsoleClient.Response login = anonymous.get("/login");
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.body()).contains("<label for=\"user\">User name</label>", "<label for=\"password\">Password</label>");
        assertThat(anonymous.get("/console/assets/console.css").status()).isEqualTo(200);
        assertThat(anonymous.get("/console/assets/htmx.min.js").body()).contains("htmx");
    }

    @Test
    void postsWithoutOrWithAWrongCsrfTokenAreRefused() {
        ConsoleClient c = signedIn();
        String good = c.csrf;
        Map<String, String> subscription = Map.of("protocol", "https", "endpoint", "https://hooks.example.com/edgecert");
        ConsoleClient.Response missing = c.post("/subscriptions", withCsrf(subscription, null));
        assertThat(missing.status()).isEqualTo(403);
        assertThat(missing.body()).contains("security token");
        assertThat(c.post("/subscriptions", withCsrf(subscription, "wrong-" + good)).status()).isEqualTo(403);
        assertThat(c.post("/subscriptions", withCsrf(subscription, "")).status()).isEqualTo(403);
        assertThat(c.post("/logout", withCsrf(Map.of(), null)).status()).isEqualTo(403);
        assertThat(c.post("/import/one", withCsrf(Map.of("certificate", "x"), "nope")).status()).isEqualTo(403);
        // a token from another session does not work either
        ConsoleClient other = signedIn();
        assertThat(c.post("/subscriptions", withCsrf(subscription, other.csrf)).status()).isEqualTo(403);
        // the htmx header is checked the same way
        assertThat(c.post("/subscriptions", withCsrf(subscription, null), Map.of("X-CSRF-Token", "bad")).status()).isEqualTo(403);
        assertThat(c.post("/subscriptions", withCsrf(subscription, null), Map.of("X-CSRF-Token", good)).status()).isEqualTo(201);
        c.csrf = good;
        assertThat(c.post("/subscriptions", subscription).status()).isEqualTo(201);
        // the sign-in form has its own (double-submit) token
        ConsoleClient fresh = new ConsoleClient(node.apiPort());
        assertThat(fresh.post("/login", Map.of("user", "admin", "password", PASSWORD)).status()).isEqualTo(403);
        // and a POST without any session is refused, not redirected
        ConsoleClient anonymous = new ConsoleClient(node.apiPort());
        assertThat(anonymous.post("/subscriptions", withCsrf(subscription, "x")).status()).isEqualTo(403);
    }

    private static Map<String, String> withCsrf(Map<String, String> fields, String token) {
        Map<String, String> m = new LinkedHashMap<>(fields);
        m.put("_csrf", token);
        return m;
    }

    @Test
    void sessionCookiesAreHttpOnlyStrictAndSecureBehindHttps() {
        ConsoleClient c = new ConsoleClient(node.apiPort());
        c.get("/login");
        ConsoleClient.Response r = c.post("/login", Map.of("user", "admin", "password", PASSWORD));
        String cookie = r.headers("Set-Cookie").stream().filter(s -> s.startsWith(Console.SESSION_COOKIE + "=")).findFirst().orElseThrow();
        assertThat(cookie).contains("HttpOnly", "SameSite=Strict", "Path=/").doesNotContain("Secure");
        ConsoleClient behindProxy = new ConsoleClient(node.apiPort());
        behindProxy.get("/login");
        ConsoleClient.Response s = behindProxy.post("/login", Map.of("user", "admin", "password", PASSWORD),
                Map.of("X-Forwarded-Proto", "https"));
        assertThat(s.headers("Set-Cookie")).anyMatch(h -> h.startsWith(Console.SESSION_COOKIE + "=") && h.contains("; Secure"));
        ConsoleClient.Response page = c.get("/");
        assertThat(page.header("Content-Security-Policy")).contains("script-src 'self'", "frame-ancestors 'none'");
        assertThat(page.header("Cache-Control")).isEqualTo("no-store");
    }

    @Test
    void wrongPasswordsAreRefusedAndSignOutEndsTheSession() {
        ConsoleClient c = new ConsoleClient(node.apiPort());
        ConsoleClient.Response wrong = c.login("admin", "not the password");
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(wrong.body()).contains("The user name or the password is wrong.");
        assertThat(c.login("nobody", PASSWORD).status()).isEqualTo(401);
        ConsoleClient s = signedIn();
        String session = s.cookies.get(Console.SESSION_COOKIE);
        assertThat(s.post("/logout", Map.of()).header("Location")).isEqualTo("/login?flash=signed-out");
        ConsoleClient replay = new ConsoleClient(node.apiPort());
        replay.cookies.put(Console.SESSION_COOKIE, session);
        assertThat(replay.get("/").status()).isEqualTo(303);
        // open redirects are not followed after sign-in
        ConsoleClient r = new ConsoleClient(node.apiPort());
        r.get("/login?next=//evil.example/");
        assertThat(r.post("/login", Map.of("user", "admin", "password", PASSWORD, "next", "//evil.example/"))
                .header("Location")).isEqualTo("/");
    }

    @Test
    void theApiStillWantsItsBearerTokenAndHealthStaysOpen() {
        ConsoleClient c = signedIn();
        ConsoleClient.Response api = c.get("/api/v1/certificates");
        assertThat(api.status()).isEqualTo(401);
        assertThat(api.header("Content-Type")).startsWith("application/problem+json");
        assertThat(c.get("/api/v1/nothing-here").status()).isEqualTo(401);
        assertThat(node.api().get("/api/v1/certificates").status()).isEqualTo(200);
        assertThat(node.api().get("/api/v1/nothing-here").header("content-type")).startsWith("application/problem+json");
        TestApi.Response health = node.api().send(node.api().request("/healthz").GET(), null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(node.api().send(node.api().request("/metrics").GET(), null).status()).isEqualTo(200);
        ConsoleClient.Response missing = c.get("/no/such/page");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).startsWith("text/html");
        assertThat(missing.body()).contains("Not found");
        ConsoleClient.Response noCert = c.get("/certificates/" + UUID.randomUUID());
        assertThat(noCert.status()).isEqualTo(404);
        assertThat(noCert.header("Content-Type")).startsWith("text/html");
    }

    @Test
    void noPageOrResponseEverContainsASubmittedPrivateKey() {
        ConsoleClient c = signedIn();
        String z = zone();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.freshRsa(2048), z, "www." + z);
        String key = h.leaf().keyPem();
        String otherKey = TestPki.pkcs8(TestPki.freshRsa(2048).getPrivate());

        // a refused import: plain form post (the page comes back without the key) and htmx
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("name", "leak check");
        form.put("certificate", h.leaf().certificatePem());
        form.put("privateKey", otherKey);
        form.put("certificateChain", h.chainPem());
        form.put("tagKey", List.of("team"));
        form.put("tagValue", List.of("blue"));
        ConsoleClient.Response refused = c.post("/import/one", form);
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.body()).contains("KeyMismatch", "id=\"err-import-privateKey\"");
        ConsoleClient.Response htmxRefused = c.post("/import/one", form, Map.of("HX-Request", "true"));
        assertThat(htmxRefused.status()).isEqualTo(200);
        assertThat(htmxRefused.body()).contains("hx-swap-oob", "KeyMismatch");

        // accepted: review, apply, job page, certificate page
        form.put("privateKey", key);
        form.put("createDistributions", "on");
        form.put("templateId", template);
        ConsoleClient.Response started = c.post("/import/one", form);
        assertThat(started.status()).as(started.body()).isEqualTo(303);
        String review = started.header("Location");
        assertThat(review).startsWith("/import/review/");
        ConsoleClient.Response reviewPage = c.get(review);
        assertThat(reviewPage.body()).contains("-----BEGIN PRIVATE KEY----- (redacted, "
                + key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length + " bytes, RSA 2048)");
        assertThat(c.post(review + "/apply", Map.of("confirm", "confirm")).status()).isEqualTo(400);
        ConsoleClient.Response applied = c.post(review + "/apply", Map.of("confirm", "Confirm"));
        assertThat(applied.status()).as(applied.body()).isEqualTo(303);
        String jobPath = applied.header("Location");
        assertThat(jobPath).startsWith("/jobs/");
        // a review is used once
        assertThat(c.post(review + "/apply", Map.of("confirm", "Confirm")).header("Location")).contains("import-expired");
        await().atMost(Duration.ofSeconds(60)).until(() -> c.get(jobPath).body().contains("data-job-status>SUCCEEDED<"));
        ConsoleClient.Response job = c.get(jobPath);
        assertThat(job.body()).contains(z + " CNAME ", "www." + z + " CNAME ");
        String certificateId = node.node().certificates().list(io.edgecert.certificates.CertificateService.ListQuery.all())
                .items().stream().filter(x -> x.domainName().equals(z)).findFirst().orElseThrow().id();
        c.get("/certificates/" + certificateId);
        c.get("/certificates?domain=" + z);
        c.get("/");

        // a refused reimport (different key type) re-renders the detail page
        TestPki.Hierarchy ec = TestPki.hierarchy(TestPki.freshEc("secp256r1"), z, "www." + z);
        String ecKey = ec.leaf().keyPem();
        ConsoleClient.Response reimport = c.post("/certificates/" + certificateId + "/reimport", Map.of(
                "certificate", ec.leaf().certificatePem(), "privateKey", ecKey, "certificateChain", ec.chainPem()));
        assertThat(reimport.status()).isEqualTo(400);
        assertThat(reimport.body()).contains("ReimportKeyTypeChanged");

        // import multiple: a pairing with a broken item, then a good one
        String m1 = zone();
        TestPki.Hierarchy a = TestPki.hierarchy(TestPki.freshEc("secp256r1"), m1);
        String multiKey = a.leaf().keyPem();
        ConsoleClient.Response pairing = c.postFiles("/import/multiple", Map.of("origin", "https://origin.example/",
                "createDistributions", "on"), Map.of("a.crt", a.leaf().certificatePem(), "a.key", multiKey,
                "a.chain.pem", a.chainPem(), "b.crt", TestPki.hierarchy(TestPki.ec("secp256r1"), zone()).leaf().certificatePem()));
        assertThat(pairing.status()).as(pairing.body()).isEqualTo(400);
        assertThat(pairing.body()).contains("no private key file found for b.crt");
        ConsoleClient.Response multi = c.postFiles("/import/multiple", Map.of("origin", "https://origin.example/",
                "createDistributions", "on"), Map.of("a.crt", a.leaf().certificatePem(), "a.key", multiKey,
                "a.chain.pem", a.chainPem(), "notes.txt", "not a PEM file"));
        assertThat(multi.status()).as(multi.body()).isEqualTo(303);
        // a file the pairing does not read is named on the review page, not silently dropped
        assertThat(c.get(multi.header("Location")).body()).contains("Files not read", "notes.txt");

        for (String secret : List.of(key, otherKey, ecKey, multiKey)) {
            String part = secretPart(secret);
            assertThat(c.bodies).as("responses").noneMatch(b -> b.contains(part));
        }
        assertThat(c.bodies).noneMatch(b -> b.contains("-----BEGIN PRIVATE KEY-----\n"));
    }

    @Test
    void aPrivateKeyPastedIntoTheCertificateOrChainBoxIsNeverSentBackByAPlainFormPost() {
        ConsoleClient c = signedIn();
        String z = zone();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.freshRsa(2048), z);
        String key = h.leaf().keyPem();
        String chainPart = secretPart(h.chainPem());
        // the guard goes by the PEM label, so the same key body stands in for every kind of key file
        String encrypted = key.replace("PRIVATE KEY", "ENCRYPTED PRIVATE KEY");
        String rsa = key.replace("PRIVATE KEY", "RSA PRIVATE KEY");
        String ec = key.replace("PRIVATE KEY", "EC PRIVATE KEY");

        // import one, no htmx: a cert+key bundle in the certificate box, then a key in the chain box
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("certificate", h.leaf().certificatePem() + key);
        form.put("privateKey", key);
        form.put("certificateChain", h.chainPem());
        ConsoleClient.Response bundle = c.post("/import/one", form);
        assertThat(bundle.status()).isEqualTo(400);
        assertThat(bundle.body()).doesNotContain(secretPart(key))
                .contains("id=\"err-import-certificate\" class=\"field-error\"><p>a private key was found in this field")
                .contains(chainPart);
        form.put("certificate", h.leaf().certificatePem());
        form.put("certificateChain", h.chainPem() + encrypted);
        ConsoleClient.Response inChain = c.post("/import/one", form);
        assertThat(inChain.status()).isEqualTo(400);
        assertThat(inChain.body()).doesNotContain(secretPart(key)).doesNotContain(chainPart)
                .contains("id=\"err-import-certificateChain\" class=\"field-error\"><p>a private key was found");

        // reimport, no htmx: the detail page comes back without the key, and nothing was reimported
        TestApi.Response imported = node.api().post("/api/v1/certificates", Map.of("certificate", h.leaf().certificatePem(),
                "privateKey", key, "certificateChain", h.chainPem()));
        assertThat(imported.status()).as(imported.body()).isEqualTo(201);
        String id = imported.json().get("id").asText();
        c.get("/certificates/" + id);
        for (Map<String, String> fields : List.of(
                Map.of("certificate", h.leaf().certificatePem() + rsa, "privateKey", key, "certificateChain", h.chainPem()),
                Map.of("certificate", h.leaf().certificatePem(), "privateKey", key, "certificateChain", ec + h.chainPem()))) {
            ConsoleClient.Response refused = c.post("/certificates/" + id + "/reimport", fields);
            assertThat(refused.status()).isEqualTo(400);
            assertThat(refused.body()).doesNotContain(secretPart(key)).contains("a private key was found in this field");
        }
        assertThat(node.node().certificates().find(id).orElseThrow().version()).isEqualTo(1);
        assertThat(c.bodies).noneMatch(b -> b.contains(secretPart(key)));
    }

    @Test
    void theDashboardCountsEverythingAndTellsExpiredFromExpiringSoon() throws InterruptedException {
        // no job workers: submitted jobs stay PENDING, so there are exactly as many waiting as submitted
        try (TestNode n = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD,
                "EDGECERT_JOB_WORKERS", "0"))) {
            TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
            Instant soon = Instant.now().plusSeconds(8);
            // more of each than the dashboard used to read (20 expired, 50 expiring, 20 + 20 jobs)
            int expired = 22;
            int expiring = 51;
            int jobs = 21;
            for (int i = 0; i < expired + expiring + 1; i++) {
                Instant notAfter = i < expired ? soon : Instant.now().plus(Duration.ofDays(i < expired + expiring ? 10 : 90));
                TestPki.Issued leaf = TestPki.cert().dns("n" + i + "." + zone()).key(TestPki.ec("secp256r1"))
                        .validity(Instant.now().minus(Duration.ofDays(1)), notAfter).issuedBy(h.intermediate()).build();
                TestApi.Response r = n.api().post("/api/v1/certificates", Map.of("certificate", leaf.certificatePem(),
                        "privateKey", leaf.keyPem(), "certificateChain", h.chainPem()));
                assertThat(r.status()).as(r.body()).isEqualTo(201);
            }
            for (int i = 0; i < jobs; i++) {
                TestPki.Issued leaf = TestPki.cert().dns("j" + i + "." + zone()).key(TestPki.ec("secp256r1"))
                        .issuedBy(h.intermediate()).build();
                TestApi.Response r = n.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", List.of(Map.of(
                        "certificate", leaf.certificatePem(), "privateKey", leaf.keyPem(), "certificateChain", h.chainPem()))));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
            }
            Thread.sleep(Math.max(0, Duration.between(Instant.now(), soon).toMillis() + 1000));
            ConsoleClient c = new ConsoleClient(n.apiPort());
            assertThat(c.login("admin", PASSWORD).status()).isEqualTo(303);
            String page = c.get("/").body();
            assertThat(page).contains(stat("/certificates", expired + expiring + 1, "Certificates"),
                    stat("/certificates?status=EXPIRED", expired, "Certificates expired"),
                    stat("/certificates?expiring=45", expiring, "Expiring within 45 days"),
                    stat("/jobs?status=PENDING", jobs, "Jobs waiting to start"),
                    stat("/jobs?status=RUNNING", 0, "Jobs running"));
        }
    }

    private static String stat(String href, long value, String label) {
        return "<a href=\"" + href + "\"><span class=\"value\">" + value + "</span> <span class=\"label\">" + label + "</span></a>";
    }

    @Test
    void theReviewPinsTheTemplateVersionSoAnEditBeforeApplyChangesNothing() {
        ConsoleClient c = signedIn();
        TestApi.Response t = node.api().post("/api/v1/distributions", Map.of("aliases", List.of(),
                "origins", List.of(Map.of("id", "saas", "url", "https://reviewed.saas.example/")), "comment", "pinned template"));
        assertThat(t.status()).as(t.body()).isEqualTo(201);
        String templateId = t.json().get("id").asText();
        int reviewed = t.json().get("version").asInt();
        TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
        Map<String, Object> form = new LinkedHashMap<>();
        form.put("certificate", h.leaf().certificatePem());
        form.put("privateKey", h.leaf().keyPem());
        form.put("certificateChain", h.chainPem());
        form.put("createDistributions", "on");
        form.put("templateId", templateId);
        ConsoleClient.Response started = c.post("/import/one", form);
        assertThat(started.status()).as(started.body()).isEqualTo(303);
        String review = started.header("Location");
        assertThat(c.get(review).body()).contains(templateId + " version " + reviewed + " (its current version at Start job");

        // someone edits the template between Start job and Apply
        TestApi.Response edited = node.api().put("/api/v1/distributions/" + templateId, Map.of("origins",
                List.of(Map.of("id", "saas", "url", "https://edited.saas.example/"))), String.valueOf(reviewed));
        assertThat(edited.status()).as(edited.body()).isEqualTo(200);
        assertThat(edited.json().get("version").asInt()).isEqualTo(reviewed + 1);

        ConsoleClient.Response applied = c.post(review + "/apply", Map.of("confirm", "Confirm"));
        assertThat(applied.status()).as(applied.body()).isEqualTo(303);
        String jobId = applied.header("Location").substring("/jobs/".length());
        await().atMost(Duration.ofSeconds(60)).until(() -> node.api().get("/api/v1/jobs/" + jobId).json()
                .get("status").asText().equals("SUCCEEDED"));
        String distributionId = node.api().get("/api/v1/jobs/" + jobId).json().get("items").get(0).get("distributionId").asText();
        TestApi.Response created = node.api().get("/api/v1/distributions/" + distributionId);
        assertThat(created.body()).contains("https://reviewed.saas.example/").doesNotContain("https://edited.saas.example/");
    }

    @Test
    void afterTenFailuresForAdminFromOneAddressEvenTheRightPasswordIsRefusedThere() {
        // a node of its own: this locks admin out of 127.0.0.1, the only address a test has
        try (TestNode n = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD))) {
            ConsoleClient c = new ConsoleClient(n.apiPort());
            for (int i = 0; i < LoginThrottle.USER_LIMIT; i++) {
                assertThat(c.login("admin", "wrong password " + i).status()).as("failure " + (i + 1)).isEqualTo(401);
            }
            ConsoleClient.Response eleventh = c.login("admin", "wrong password again");
            assertThat(eleventh.status()).isEqualTo(429);
            ConsoleClient.Response right = c.login("admin", PASSWORD);
            assertThat(right.status()).isEqualTo(429);
            assertThat(right.body()).contains(AuthPages.THROTTLED);
            assertThat(c.cookies).doesNotContainKey(Console.SESSION_COOKIE);
        }
    }

    @Test
    void changingThePasswordSignsOutTheUsersOtherSessions() {
        try (TestNode n = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD))) {
            ConsoleClient here = new ConsoleClient(n.apiPort());
            ConsoleClient elsewhere = new ConsoleClient(n.apiPort());
            assertThat(here.login("admin", PASSWORD).status()).isEqualTo(303);
            assertThat(elsewhere.login("admin", PASSWORD).status()).isEqualTo(303);
            assertThat(elsewhere.get("/").status()).isEqualTo(200);
            here.get("/account/password");
            String next = "another long password 2";
            ConsoleClient.Response changed = here.post("/account/password", Map.of("current", PASSWORD, "password", next,
                    "repeat", next));
            assertThat(changed.status()).as(changed.body()).isEqualTo(303);
            assertThat(changed.header("Location")).isEqualTo("/?flash=password-changed");
            assertThat(here.get("/").status()).as("the session that changed it stays").isEqualTo(200);
            ConsoleClient.Response other = elsewhere.get("/");
            assertThat(other.status()).isEqualTo(303);
            assertThat(other.header("Location")).isEqualTo("/login");
            assertThat(new ConsoleClient(n.apiPort()).login("admin", next).status()).isEqualTo(303);
        }
    }

    @Test
    void aMultipartUploadWithoutTheCsrfTokenIsRefused() {
        ConsoleClient c = signedIn();
        TestPki.Hierarchy a = TestPki.hierarchy(TestPki.ec("secp256r1"), zone());
        Map<String, String> files = Map.of("a.crt", a.leaf().certificatePem(), "a.key", a.leaf().keyPem(),
                "a.chain.pem", a.chainPem());
        String good = c.csrf;
        c.csrf = null;
        ConsoleClient.Response refused = c.postFiles("/import/multiple", Map.of(), files);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body()).contains("security token").doesNotContain(secretPart(a.leaf().keyPem()));
        ConsoleClient.Response wrong = c.postFiles("/import/multiple", Map.of("_csrf", "wrong-" + good), files);
        assertThat(wrong.status()).isEqualTo(403);
        // the same upload with the token goes through to the review
        c.csrf = good;
        ConsoleClient.Response accepted = c.postFiles("/import/multiple", Map.of(), files);
        assertThat(accepted.status()).as(accepted.body()).isEqualTo(303);
        assertThat(accepted.header("Location")).startsWith("/import/review/");
    }

    @Test
    void sessionsLiveInTheDatabase() throws Exception {
        ConsoleClient c = signedIn();
        long rows = node.node().database().withConnection(conn -> {
            try (var ps = conn.prepareStatement("SELECT COUNT(*) FROM console_sessions WHERE id_hash = ?")) {
                ps.setString(1, Accounts.hashOf(c.cookies.get(Console.SESSION_COOKIE)));
                try (var rs = ps.executeQuery()) {
                    rs.next();
                    return rs.getLong(1);
                }
            }
        });
        assertThat(rows).isEqualTo(1);
        String hash = node.node().database().withConnection(conn -> {
            try (var ps = conn.prepareStatement("SELECT password_hash FROM console_users WHERE name = 'admin'");
                 var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        });
        assertThat(hash).startsWith("pbkdf2-sha256$600000$").doesNotContain(PASSWORD);
    }

    @Test
    void firstStartWritesAOneTimePasswordThatMustBeChanged() throws Exception {
        try (TestNode fresh = TestNode.start(TestNode.Store.H2)) {
            Path file = fresh.dataDir().resolve("console-password");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
            String oneTime = Files.readString(file).strip();
            ConsoleClient c = new ConsoleClient(fresh.apiPort());
            ConsoleClient.Response r = c.login("admin", oneTime);
            assertThat(r.status()).isEqualTo(303);
            assertThat(r.header("Location")).isEqualTo("/account/password");
            assertThat(c.get("/certificates").header("Location")).isEqualTo("/account/password");
            ConsoleClient.Response page = c.get("/account/password");
            assertThat(page.body()).contains("one-time password");
            assertThat(c.post("/account/password", Map.of("current", oneTime, "password", "short", "repeat", "short"))
                    .body()).contains("at least 12 characters");
            ConsoleClient.Response changed = c.post("/account/password", Map.of("current", oneTime,
                    "password", "a much better password", "repeat", "a much better password"));
            assertThat(changed.status()).isEqualTo(303);
            assertThat(file).doesNotExist();
            assertThat(c.get("/certificates").status()).isEqualTo(200);
            assertThat(new ConsoleClient(fresh.apiPort()).login("admin", oneTime).status()).isEqualTo(401);
            assertThat(new ConsoleClient(fresh.apiPort()).login("admin", "a much better password").status()).isEqualTo(303);
            // the admin token opens a session too
            ConsoleClient t = new ConsoleClient(fresh.apiPort());
            t.get("/login");
            assertThat(t.post("/login/token", Map.of("token", "wrong-token-0123456789")).status()).isEqualTo(401);
            ConsoleClient.Response viaToken = t.post("/login/token", Map.of("token", TestNode.TOKEN));
            assertThat(viaToken.status()).isEqualTo(303);
            assertThat(t.get("/").body()).contains("Signed in as <strong>admin token</strong>");
        }
    }

    @Test
    void aFailedJobShowsItsErrorsAndIsCleanedUpAfterConfirmation() {
        try (TestNode small = TestNode.start(TestNode.Store.H2, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD))) {
            List<Map<String, Object>> items = new java.util.ArrayList<>();
            List<TestPki.Hierarchy> pki = new java.util.ArrayList<>();
            List<String> zones = new java.util.ArrayList<>();
            for (int i = 0; i < 2; i++) {
                zones.add(zone());
                pki.add(TestPki.hierarchy(TestPki.ec("secp256r1"), zones.get(i)));
                items.add(Map.of("name", "taken " + i, "certificate", pki.get(i).leaf().certificatePem(),
                        "privateKey", pki.get(i).leaf().keyPem(), "certificateChain", pki.get(i).chainPem()));
            }
            String jobPath;
            // The second item's alias is taken after the job is accepted and before it runs: the job fails.
            try (HeldJobRunner held = HeldJobRunner.hold(small)) {
                TestApi.Response r = small.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", items,
                        "origin", "https://origin.example/"));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                held.assertPending(r.json().get("jobId").asText());
                jobPath = "/jobs/" + r.json().get("jobId").asText();
                String cert = small.api().post("/api/v1/certificates", Map.of("certificate", pki.get(1).leaf().certificatePem(),
                        "privateKey", pki.get(1).leaf().keyPem(), "certificateChain", pki.get(1).chainPem())).json().get("id").asText();
                assertThat(small.api().post("/api/v1/distributions", Map.of("aliases", List.of(zones.get(1)), "certificateId", cert,
                        "origins", List.of(Map.of("id", "o", "url", "https://o.example/")))).status()).isEqualTo(201);
            }
            ConsoleClient c = new ConsoleClient(small.apiPort());
            assertThat(c.login("admin", PASSWORD).status()).isEqualTo(303);
            await().atMost(Duration.ofSeconds(60)).until(() -> c.get(jobPath).body().contains("data-job-status>FAILED<"));
            ConsoleClient.Response page = c.get(jobPath);
            assertThat(page.body()).contains("CnameAlreadyExists", "Clean up resources");
            ConsoleClient.Response unconfirmed = c.post(jobPath + "/cleanup", Map.of());
            assertThat(unconfirmed.status()).isEqualTo(400);
            assertThat(unconfirmed.body()).contains("Tick the box to confirm");
            long before = small.node().certificates().count();
            ConsoleClient.Response done = c.post(jobPath + "/cleanup", Map.of("confirmCleanup", "on"));
            assertThat(done.status()).isEqualTo(303);
            assertThat(c.get(done.header("Location")).body()).contains("data-job-status>CLEANED_UP<", "Cleaned up:");
            assertThat(small.node().certificates().count()).isEqualTo(before - 2);
        }
    }

    @Test
    void aSessionOpenedOnOneNodeWorksOnAnotherOnPostgres() {
        try (TestNode a = TestNode.start(TestNode.Store.POSTGRESQL, Map.of("EDGECERT_CONSOLE_PASSWORD", PASSWORD));
             TestNode b = a.startAnotherNode()) {
            ConsoleClient onA = new ConsoleClient(a.apiPort());
            assertThat(onA.login("admin", PASSWORD).status()).isEqualTo(303);
            ConsoleClient onB = new ConsoleClient(b.apiPort());
            onB.cookies.putAll(onA.cookies);
            ConsoleClient.Response page = onB.get("/subscriptions");
            assertThat(page.status()).isEqualTo(200);
            assertThat(onB.post("/subscriptions", Map.of("protocol", "https", "endpoint", "https://hooks.example.com/b"))
                    .status()).isEqualTo(201);
        }
    }

}
