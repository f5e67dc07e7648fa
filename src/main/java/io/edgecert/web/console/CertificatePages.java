package io.edgecert.web.console;

import io.edgecert.certificates.Certificate;
import io.edgecert.certificates.CertificateService;
import io.edgecert.certificates.CertificateService.ListQuery;
import io.edgecert.certificates.CertificateStatus;
import io.edgecert.certificates.CertificateSubmission;
import io.edgecert.distributions.Distribution;
import io.edgecert.distributions.DistributionService;
import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobStatus;
import io.edgecert.web.HttpProblem;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.web.console.Views.CertificateRow;
import io.edgecert.web.console.Views.DistributionRow;
import io.edgecert.web.console.Views.Errors;
import io.edgecert.web.console.Views.HistoryRow;
import io.edgecert.web.console.Views.KeyValue;
import io.edgecert.web.console.Views.Option;
import io.edgecert.web.console.Views.Stat;
import io.javalin.Javalin;
import io.javalin.http.Context;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Dashboard, certificates list and detail, and the reimport form. */
final class CertificatePages {
    static final int PAGE = 25;
    static final int EXPIRY_WINDOW_DAYS = 45;
    /** Rows per dashboard table and kind (running and waiting jobs, expired and expiring certificates). */
    static final int TABLE_ROWS = 10;
    static final List<String> REIMPORT_FIELDS = List.of("certificate", "privateKey", "certificateChain");

    private final Console console;

    CertificatePages(Console console) {
        this.console = console;
    }

    void routes(Javalin app) {
        app.get("/", this::dashboard);
        app.get("/certificates", this::list);
        app.get("/certificates/{id}", ctx -> detail(ctx, 200, Errors.none(), "", ""));
        app.post("/certificates/{id}/reimport", this::reimport);
    }

    // ---- dashboard ----------------------------------------------------------------------------

    private void dashboard(Context ctx) {
        // the numbers are counted by the services; the tables below them show only the first rows
        DistributionService.Counts dists = console.distributions.counts();
        Map<JobStatus, Long> jobCounts = console.jobs.countByStatus();
        long expired = console.certificates.countExpired();
        long expiringSoon = console.certificates.countExpiringWithin(EXPIRY_WINDOW_DAYS);
        List<Job> running = new ArrayList<>();
        for (JobStatus s : List.of(JobStatus.RUNNING, JobStatus.PENDING)) {
            running.addAll(console.jobs.list(Optional.empty(), Optional.of(TABLE_ROWS), Optional.of(s), Optional.empty(),
                    Optional.empty()).items());
        }
        List<Job> failed = console.jobs.list(Optional.empty(), Optional.of(TABLE_ROWS), Optional.of(JobStatus.FAILED),
                Optional.empty(), Optional.empty()).items();
        List<Certificate> expiring = new ArrayList<>(console.certificates.list(new ListQuery(Optional.empty(), Optional.empty(),
                Optional.of(CertificateStatus.EXPIRED), Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(TABLE_ROWS))).items());
        expiring.addAll(console.certificates.list(new ListQuery(Optional.empty(), Optional.of(EXPIRY_WINDOW_DAYS),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.of(TABLE_ROWS))).items());
        expiring.sort(java.util.Comparator.comparing(Certificate::notAfter));
        List<Stat> stats = List.of(
                new Stat("Certificates", String.valueOf(console.certificates.count()), "/certificates"),
                new Stat("Distributions", String.valueOf(dists.total()), "/distributions"),
                new Stat("Distributions in progress", String.valueOf(dists.inProgress()), "/distributions"),
                new Stat("Jobs running", String.valueOf(jobCounts.getOrDefault(JobStatus.RUNNING, 0L)), "/jobs?status=RUNNING"),
                new Stat("Jobs waiting to start", String.valueOf(jobCounts.getOrDefault(JobStatus.PENDING, 0L)),
                        "/jobs?status=PENDING"),
                new Stat("Jobs failed", String.valueOf(jobCounts.getOrDefault(JobStatus.FAILED, 0L)), "/jobs?status=FAILED"),
                new Stat("Certificates expired", String.valueOf(expired), "/certificates?status=EXPIRED"),
                new Stat("Expiring within " + EXPIRY_WINDOW_DAYS + " days", String.valueOf(expiringSoon),
                        "/certificates?expiring=" + EXPIRY_WINDOW_DAYS));
        CertificateService.ExpiryTimeline timeline = console.certificates.expiryTimeline(TIMELINE_WEEKS);
        console.render(ctx, "dashboard.jte", Console.params("frame", console.frame(ctx, "Dashboard", "dashboard"),
                "timeline", bars(timeline), "timelineWeeks", TIMELINE_WEEKS,
                "stats", stats, "running", running.stream().map(JobPages::row).toList(),
                "failed", failed.stream().map(JobPages::row).toList(),
                "expiring", expiring.stream().map(this::row).toList(), "window", EXPIRY_WINDOW_DAYS,
                "tableRows", TABLE_ROWS));
    }

    /**
     * The expiry timeline as SVG bars (the console's CSP allows no inline styles, so the geometry
     * is in attributes): expired first, then one bar per week, each a link to the list of its
     * certificates.
     */
    static List<Views.ExpiryBar> bars(CertificateService.ExpiryTimeline t) {
        long max = Math.max(1, t.max());
        List<Views.ExpiryBar> bars = new ArrayList<>();
        int x = TIMELINE_GAP;
        bars.add(bar(x, "expired", "expired", t.expired(), max, "/certificates?status=EXPIRED",
                t.expired() == 1 ? "1 certificate has expired" : t.expired() + " certificates have expired",
                t.expired() > 0 ? "bar bad" : "bar"));
        for (CertificateService.ExpiryTimeline.Week w : t.weeks()) {
            x += TIMELINE_BAR + TIMELINE_GAP;
            String range = Fmt.date(w.from()) + " to " + Fmt.date(w.to());
            String css = w.toDay() <= 7 ? "bar bad" : w.fromDay() < EXPIRY_WINDOW_DAYS ? "bar warn" : "bar ok";
            bars.add(bar(x, Fmt.monthDay(w.from()), "days " + w.fromDay() + "–" + w.toDay(), w.count(), max,
                    "/certificates?expiring=" + w.fromDay() + ".." + w.toDay(),
                    w.count() + (w.count() == 1 ? " certificate expires " : " certificates expire ") + range, css));
        }
        return bars;
    }

    static final int TIMELINE_WEEKS = 13;
    static final int TIMELINE_BAR = 40;
    static final int TIMELINE_GAP = 8;
    static final int TIMELINE_HEIGHT = 120;

    private static Views.ExpiryBar bar(int x, String label, String range, long count, long max, String href, String title,
                                       String css) {
        int h = count == 0 ? 1 : (int) Math.max(3, Math.round((double) TIMELINE_HEIGHT * count / max));
        return new Views.ExpiryBar(label, range, count, href, title, css, x, Views.ExpiryBar.TOP + TIMELINE_HEIGHT - h,
                TIMELINE_BAR, h);
    }

    // ---- list ---------------------------------------------------------------------------------

    private void list(Context ctx) {
        String domain = Optional.ofNullable(ctx.queryParam("domain")).orElse("").strip();
        String status = Optional.ofNullable(ctx.queryParam("status")).orElse("");
        String expiring = Optional.ofNullable(ctx.queryParam("expiring")).orElse("");
        String tag = Optional.ofNullable(ctx.queryParam("tag")).orElse("").strip();
        String cursor = Optional.ofNullable(ctx.queryParam("cursor")).orElse("");
        List<String> problems = new ArrayList<>();
        Optional<CertificateStatus> st = Optional.empty();
        if (!status.isBlank()) {
            try {
                st = Optional.of(CertificateStatus.valueOf(status));
            } catch (IllegalArgumentException e) {
                problems.add("status must be ISSUED, EXPIRED or NOT_YET_VALID");
            }
        }
        Optional<Integer> days = Optional.empty();
        Optional<Integer> afterDays = Optional.empty();
        if (!expiring.isBlank()) {
            // "45": within 45 days; "7..14": after 7 and within 14 days (a bar of the dashboard's timeline)
            int range = expiring.indexOf("..");
            try {
                if (range >= 0) {
                    afterDays = Optional.of(Integer.parseInt(expiring.substring(0, range)));
                    days = Optional.of(Integer.parseInt(expiring.substring(range + 2)));
                } else {
                    days = Optional.of(Integer.parseInt(expiring));
                }
            } catch (NumberFormatException e) {
                problems.add("expiring within must be a number of days, or a range of days such as 7..14");
            }
        }
        Optional<String> tagKey = Optional.empty();
        Optional<String> tagValue = Optional.empty();
        if (!tag.isEmpty()) {
            int eq = tag.indexOf('=');
            tagKey = Optional.of((eq < 0 ? tag : tag.substring(0, eq)).strip());
            tagValue = eq < 0 ? Optional.empty() : Optional.of(tag.substring(eq + 1).strip());
        }
        List<CertificateRow> rows = List.of();
        String next = null;
        if (problems.isEmpty()) {
            try {
                CertificateService.Page<Certificate> page = console.certificates.list(new ListQuery(
                        Optional.of(domain).filter(d -> !d.isEmpty()), days, st, tagKey, tagValue,
                        Optional.of(cursor).filter(c -> !c.isBlank()), Optional.of(PAGE), afterDays));
                rows = page.items().stream().map(this::row).toList();
                next = page.nextCursor().orElse(null);
            } catch (ProblemException e) {
                problems.add(e.detail());
            }
        }
        List<Option> statuses = new ArrayList<>();
        statuses.add(new Option("", "any status", status.isBlank()));
        for (CertificateStatus s : CertificateStatus.values()) {
            statuses.add(new Option(s.name(), s.name(), s.name().equals(status)));
        }
        List<Option> windows = new ArrayList<>();
        windows.add(new Option("", "any time", expiring.isBlank()));
        for (String d : List.of("7", "30", "45", "90")) {
            windows.add(new Option(d, "within " + d + " days", d.equals(expiring)));
        }
        if (afterDays.isPresent() && days.isPresent()) {
            windows.add(new Option(expiring, "in " + afterDays.get() + " to " + days.get() + " days", true));
        }
        String query = "domain=" + enc(domain) + "&status=" + enc(status) + "&expiring=" + enc(expiring) + "&tag=" + enc(tag);
        console.render(ctx, problems.isEmpty() ? 200 : 400, "certificates.jte", Console.params(
                "frame", console.frame(ctx, "SSL certificates", "certificates"), "rows", rows, "domain", domain,
                "tag", tag, "statuses", statuses, "windows", windows, "problems", problems,
                "nextHref", next == null ? null : "/certificates?" + query + "&cursor=" + enc(next),
                "firstHref", cursor.isBlank() ? null : "/certificates?" + query));
    }

    private static String enc(String s) {
        return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    CertificateRow row(Certificate c) {
        Instant now = console.clock.instant();
        return new CertificateRow(c.id(), c.name(), c.domainName(), Fmt.shortList(c.subjectAlternativeNames(), 3),
                c.keyAlgorithm().displayName(), Fmt.date(c.notAfter()), Fmt.expiry(c.daysToExpiry(), c.notAfter(), now),
                c.status().name(), c.inUseBy().size(),
                String.join(", ", c.tags().stream().map(t -> t.key() + "=" + t.value()).toList()));
    }

    // ---- detail and reimport ------------------------------------------------------------------

    private void detail(Context ctx, int status, Errors errors, String certificate, String chain) {
        String id = ctx.pathParam("id");
        Certificate c = console.certificates.find(id).orElseThrow(() -> ProblemException.notFound("certificate " + id));
        Instant now = console.clock.instant();
        List<KeyValue> facts = new ArrayList<>();
        facts.add(new KeyValue("Domain name", c.domainName()));
        facts.add(new KeyValue("Names", String.join(", ", c.subjectAlternativeNames())));
        facts.add(new KeyValue("Status", c.status().name()));
        facts.add(new KeyValue("Issuer", c.issuer()));
        facts.add(new KeyValue("Subject", c.subject()));
        facts.add(new KeyValue("Key algorithm", c.keyAlgorithm().displayName()));
        facts.add(new KeyValue("Signature algorithm", c.signatureAlgorithm()));
        facts.add(new KeyValue("Valid from", Fmt.time(c.notBefore())));
        facts.add(new KeyValue("Valid until", Fmt.time(c.notAfter())));
        facts.add(new KeyValue("Serial", c.serial()));
        facts.add(new KeyValue("SHA-256 fingerprint", c.fingerprintSha256()));
        facts.add(new KeyValue("Key usages", String.join(", ", c.keyUsages())));
        facts.add(new KeyValue("Extended key usages", String.join(", ", c.extendedKeyUsages())));
        facts.add(new KeyValue("Trusted", c.trusted() ? "yes, by " + c.trustStore() : "no (checked against " + c.trustStore() + ")"));
        facts.add(new KeyValue("Material version", String.valueOf(c.version())));
        facts.add(new KeyValue("Imported", Fmt.time(c.createdAt())));
        facts.add(new KeyValue("Updated", Fmt.time(c.updatedAt())));
        List<KeyValue> chainRows = new ArrayList<>();
        for (X509Certificate x : parse(c.certificateChain())) {
            chainRows.add(new KeyValue(x.getSubjectX500Principal().getName(), "issued by " + x.getIssuerX500Principal().getName()
                    + ", valid until " + Fmt.date(x.getNotAfter().toInstant())));
        }
        List<HistoryRow> history = c.history().orElse(List.of()).stream().map(h -> new HistoryRow(String.valueOf(h.version()), h.serial(),
                h.fingerprintSha256(), Fmt.shortList(h.subjectAlternativeNames(), 4), Fmt.date(h.notAfter()),
                Fmt.time(h.replacedAt()))).toList();
        List<DistributionRow> using = new ArrayList<>();
        for (String d : c.inUseBy()) {
            try {
                using.add(DistributionPages.row(console.distributions.get(d)));
            } catch (ProblemException gone) {
                // deleted between the two reads
            }
        }
        console.render(ctx, status, "certificate.jte", Console.params("frame", console.frame(ctx, c.name(), "certificates"),
                "c", row(c), "facts", facts, "chain", chainRows,
                "warnings", c.warnings().stream().map(w -> w.message() + " (" + w.code() + ")").toList(),
                "tags", c.tags().stream().map(t -> new KeyValue(t.key(), t.value())).toList(),
                "history", history, "using", using, "errors", errors, "certificate", certificate, "chainPem", chain,
                "expiry", Fmt.expiry(c.daysToExpiry(), c.notAfter(), now)));
    }

    private void reimport(Context ctx) {
        String id = ctx.pathParam("id");
        String certificate = Console.form(ctx, "certificate");
        String key = Console.form(ctx, "privateKey");
        String chain = Console.form(ctx, "certificateChain");
        Map<String, List<String>> fields = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        KeyGuard.check(fields, Map.of("certificate", certificate, "certificateChain", chain));
        if (fields.isEmpty()) {
            try {
                console.certificates.reimport(id, new CertificateSubmission(certificate, key,
                        Optional.of(chain).filter(s -> !s.isBlank())));
                Console.seeOther(ctx, "/certificates/" + id + "?flash=reimported");
                return;
            } catch (ProblemException e) {
                if (e.code() == ErrorCode.NotFound) {
                    throw e;
                }
                List<Violation> violations = e.errors().isEmpty() ? List.of(new Violation(null, e.code(), e.detail())) : e.errors();
                for (Violation v : violations) {
                    if (v.field() != null && REIMPORT_FIELDS.contains(v.field())) {
                        fields.computeIfAbsent(v.field(), k -> new ArrayList<>()).add(ImportPages.words(v));
                    } else {
                        general.add(ImportPages.words(v));
                    }
                }
            }
        }
        Errors errors = new Errors(fields, general);
        if (Console.htmx(ctx)) {
            console.render(ctx, 200, "fragments/formErrors.jte", Console.params("formId", "reimport",
                    "errors", errors, "fields", REIMPORT_FIELDS));
        } else {
            detail(ctx, 400, errors, KeyGuard.echo(certificate), KeyGuard.echo(chain));
        }
    }

    private static List<X509Certificate> parse(String pem) {
        if (pem == null || pem.isBlank()) {
            return List.of();
        }
        try {
            CertificateFactory f = CertificateFactory.getInstance("X.509");
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate c : f.generateCertificates(new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
                out.add((X509Certificate) c);
            }
            return out;
        } catch (java.security.cert.CertificateException e) {
            return List.of();
        }
    }
}
