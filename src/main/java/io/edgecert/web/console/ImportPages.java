package io.edgecert.web.console;

import io.edgecert.certificates.CertificateFacts;
import io.edgecert.certificates.Tag;
import io.edgecert.certificates.x509.Pem;
import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.distributions.Distribution;
import io.edgecert.distributions.DistributionService.CopyFrom;
import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobService;
import io.edgecert.jobs.JobService.ImportItem;
import io.edgecert.jobs.JobService.ImportJobRequest;
import io.edgecert.problems.ProblemException;
import io.edgecert.problems.Violation;
import io.edgecert.web.console.PendingImports.Pending;
import io.edgecert.web.console.Views.Errors;
import io.edgecert.web.console.Views.ImportForm;
import io.edgecert.web.console.Views.KeyValue;
import io.edgecert.web.console.Views.Option;
import io.edgecert.web.console.Views.PairRow;
import io.edgecert.web.console.Views.ReviewItem;
import io.edgecert.web.console.Views.TagRow;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.http.UploadedFile;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * "Import one certificate", "Import multiple certificates", the review page and "Apply". Every
 * check the jobs API makes up front ({@link JobService#validate}) runs when the user presses
 * "Start job", so errors appear next to the fields before any job exists. What passes waits in
 * {@link PendingImports} (memory only) until the user types Confirm and applies.
 */
final class ImportPages {
    static final String CONFIRM_WORD = "Confirm";
    static final List<String> ONE_FIELDS = List.of("name", "certificate", "privateKey", "certificateChain", "tags",
            "template", "origin");
    private static final Pattern ITEM_FIELD = Pattern.compile("^certificates\\[(\\d+)]\\.?(.*)$");
    private static final Pattern ITEM_PREFIX = Pattern.compile("^item \\d+: ");

    private final Console console;

    ImportPages(Console console) {
        this.console = console;
    }

    void routes(Javalin app) {
        app.get("/import", ctx -> ctx.redirect("/import/one", HttpStatus.SEE_OTHER));
        app.get("/import/one", ctx -> renderOne(ctx, 200, ImportForm.empty(), Errors.none(), false));
        app.post("/import/one", this::submitOne);
        app.get("/import/multiple", ctx -> renderMultiple(ctx, 200, ImportForm.empty(), Errors.none(), List.of(), List.of()));
        app.post("/import/multiple", this::submitMultiple);
        app.get("/import/review/{id}", this::review);
        app.post("/import/review/{id}/apply", this::apply);
        app.post("/import/review/{id}/cancel", this::cancel);
    }

    // ---- import one ---------------------------------------------------------------------------

    private void renderOne(Context ctx, int status, ImportForm form, Errors errors, boolean keyDropped) {
        console.render(ctx, status, "importOne.jte", Console.params("frame", console.frame(ctx, "Import one certificate", "import"),
                "form", form, "errors", errors, "templates", templateOptions(form.templateId()), "keyDropped", keyDropped));
    }

    private void submitOne(Context ctx) {
        ImportForm form = readForm(ctx);
        String privateKey = Console.form(ctx, "privateKey");
        Map<String, List<String>> fieldErrors = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        KeyGuard.check(fieldErrors, Map.of("certificate", form.certificate(), "certificateChain", form.certificateChain()));
        boolean keyMisplaced = !fieldErrors.isEmpty();
        Options options = options(ctx, form, fieldErrors);
        String name = form.name().strip(); // empty: the certificate's domain name; the job's rules check the rest
        ImportItem item = new ImportItem(name.isEmpty() ? Optional.empty() : Optional.of(name), form.certificate(),
                privateKey, Optional.of(form.certificateChain()).filter(c -> !c.isBlank()));
        ImportJobRequest request = options.request(List.of(item));
        // a key in the certificate or chain box is reported once, by KeyGuard, not again by the PEM rules
        Optional<JobService.Validation> validation = keyMisplaced ? Optional.empty() : Optional.of(console.jobs.validate(request));
        for (Violation v : validation.map(JobService.Validation::violations).orElse(List.of())) {
            Matcher m = ITEM_FIELD.matcher(v.field() == null ? "" : v.field());
            String field = m.matches() ? (m.group(2).isEmpty() ? "certificate" : m.group(2)) : optionField(v.field());
            String message = words(v);
            if (field == null) {
                general.add(message);
            } else {
                add(fieldErrors, field, message);
            }
        }
        if (!fieldErrors.isEmpty() || !general.isEmpty()) {
            Errors errors = new Errors(fieldErrors, general);
            if (Console.htmx(ctx)) {
                // the browser keeps what the user typed; only the error slots change
                console.render(ctx, 200, "fragments/formErrors.jte", Console.params("formId", "import",
                        "errors", errors, "fields", ONE_FIELDS));
            } else {
                renderOne(ctx, 400, form.echoable(), errors, !privateKey.isBlank());
            }
            return;
        }
        JobService.CheckedItem checked = validation.orElseThrow().items().get(0).orElseThrow();
        ReviewItem row = reviewItem(0, item, checked, "pasted in the form");
        Pending p = console.pending.put(console.session(ctx).idHash(), request, List.of(row), options.summary(), "one");
        Console.seeOther(ctx, "/import/review/" + p.id());
    }

    // ---- import multiple ----------------------------------------------------------------------

    private void renderMultiple(Context ctx, int status, ImportForm form, Errors errors, List<PairRow> pairs,
                                List<String> ignored) {
        console.render(ctx, status, "importMultiple.jte", Console.params("frame",
                console.frame(ctx, "Import multiple certificates", "import"), "form", form, "errors", errors,
                "templates", templateOptions(form.templateId()), "pairs", pairs, "ignored", ignored));
    }

    private void submitMultiple(Context ctx) {
        ImportForm form = readForm(ctx);
        Map<String, List<String>> fieldErrors = new LinkedHashMap<>();
        List<String> general = new ArrayList<>();
        Options options = options(ctx, form, fieldErrors);
        List<PemUploads.Upload> files = new ArrayList<>();
        for (UploadedFile f : ctx.uploadedFiles("files")) {
            if (f.filename() == null || f.filename().isBlank()) {
                continue;
            }
            try (InputStream in = f.content()) {
                files.add(new PemUploads.Upload(f.filename(), in.readAllBytes()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        if (files.isEmpty()) {
            add(fieldErrors, "files", "choose the PEM files (or one zip) to import");
            renderMultiple(ctx, 400, form, new Errors(fieldErrors, general), List.of(), List.of());
            return;
        }
        PemFilePairing.Result pairing = PemUploads.pair(files);
        general.addAll(pairing.problems());
        List<PemFilePairing.Pair> pairs = pairing.pairs();
        if (pairs.isEmpty()) {
            add(fieldErrors, "files", "no certificate could be paired with its key in these files");
            renderMultiple(ctx, 400, form, new Errors(fieldErrors, general), List.of(), pairing.ignored());
            return;
        }
        List<ImportItem> items = pairs.stream().map(p -> new ImportItem(Optional.of(p.name()), p.certificate(), p.privateKey(),
                p.certificateChain())).toList();
        ImportJobRequest request = options.request(items);
        JobService.Validation validation = console.jobs.validate(request);
        Map<Integer, List<String>> itemErrors = new LinkedHashMap<>();
        for (Violation v : validation.violations()) {
            Matcher m = ITEM_FIELD.matcher(v.field() == null ? "" : v.field());
            if (m.matches()) {
                int i = Integer.parseInt(m.group(1));
                String file = i < pairs.size() ? fileOf(pairs.get(i), m.group(2)) : "";
                itemErrors.computeIfAbsent(i, k -> new ArrayList<>()).add((file.isEmpty() ? "" : file + ": ") + words(v));
            } else {
                String field = optionField(v.field());
                if (field == null) {
                    general.add(words(v));
                } else {
                    add(fieldErrors, field, words(v));
                }
            }
        }
        List<PairRow> rows = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PemFilePairing.Pair p = pairs.get(i);
            Optional<JobService.CheckedItem> c = i < validation.items().size() ? validation.items().get(i) : Optional.empty();
            rows.add(new PairRow(p.name(), p.certificateFile(), p.keyFile(), p.chainFile().orElse("(none)"),
                    c.map(x -> x.facts().domainName()).orElse(""),
                    c.map(x -> keyLine(p.privateKey(), x)).orElse("(redacted)"), itemErrors.getOrDefault(i, List.of())));
        }
        if (!fieldErrors.isEmpty() || !general.isEmpty() || !itemErrors.isEmpty()) {
            renderMultiple(ctx, 400, form, new Errors(fieldErrors, general), rows, pairing.ignored());
            return;
        }
        List<ReviewItem> review = new ArrayList<>();
        for (int i = 0; i < pairs.size(); i++) {
            PemFilePairing.Pair p = pairs.get(i);
            String source = p.certificateFile() + (p.keyFile().equals(p.certificateFile()) ? "" : " + " + p.keyFile())
                    + p.chainFile().filter(cf -> !cf.equals(p.certificateFile())).map(cf -> " + " + cf).orElse("");
            review.add(reviewItem(i, items.get(i), validation.items().get(i).orElseThrow(), source));
        }
        List<KeyValue> summary = new ArrayList<>(options.summary());
        if (!pairing.ignored().isEmpty()) {
            summary.add(new KeyValue("Files not read (not named like PEM)", String.join(", ", pairing.ignored())));
        }
        Pending p = console.pending.put(console.session(ctx).idHash(), request, review, summary, "multiple");
        Console.seeOther(ctx, "/import/review/" + p.id());
    }

    private static String fileOf(PemFilePairing.Pair p, String field) {
        return switch (field) {
            case "privateKey" -> p.keyFile();
            case "certificateChain" -> p.chainFile().orElse("");
            default -> p.certificateFile();
        };
    }

    // ---- review and apply ---------------------------------------------------------------------

    private void review(Context ctx) {
        Optional<Pending> p = console.pending.get(ctx.pathParam("id"), console.session(ctx).idHash());
        if (p.isEmpty()) {
            ctx.redirect("/import/one?flash=import-expired", HttpStatus.SEE_OTHER);
            return;
        }
        renderReview(ctx, 200, p.get(), List.of(), "");
    }

    private void renderReview(Context ctx, int status, Pending p, List<String> errors, String confirm) {
        long minutes = Math.max(0, java.time.Duration.between(console.clock.instant(), p.expiresAt()).toMinutes());
        console.render(ctx, status, "review.jte", Console.params("frame", console.frame(ctx, "Review the import job", "import"),
                "pending", p.id(), "items", p.items(), "options", p.options(), "errors", errors,
                "minutesLeft", minutes, "confirmWord", CONFIRM_WORD, "confirm", confirm,
                "back", p.kind().equals("one") ? "/import/one" : "/import/multiple"));
    }

    private void apply(Context ctx) {
        String sessionHash = console.session(ctx).idHash();
        Optional<Pending> p = console.pending.get(ctx.pathParam("id"), sessionHash);
        if (p.isEmpty()) {
            Console.seeOther(ctx, "/import/one?flash=import-expired");
            return;
        }
        String confirm = Console.form(ctx, "confirm").strip();
        if (!confirm.equals(CONFIRM_WORD)) {
            renderReview(ctx, 400, p.get(), List.of("Type " + CONFIRM_WORD + " (with a capital C) in the box to apply the job."),
                    confirm);
            return;
        }
        Optional<Pending> taken = console.pending.take(p.get().id(), sessionHash);
        if (taken.isEmpty()) {
            Console.seeOther(ctx, "/import/one?flash=import-expired");
            return;
        }
        Job job;
        try {
            job = console.jobs.submit(taken.get().request());
        } catch (ProblemException e) {
            // something changed since the review (an alias taken meanwhile...): keep it, show why
            console.pending.put(taken.get());
            List<String> errors = e.errors().isEmpty() ? List.of(e.detail())
                    : e.errors().stream().map(ImportPages::words).toList();
            renderReview(ctx, 400, taken.get(), errors, "");
            return;
        }
        Console.seeOther(ctx, "/jobs/" + job.id());
    }

    private void cancel(Context ctx) {
        console.pending.take(ctx.pathParam("id"), console.session(ctx).idHash());
        Console.seeOther(ctx, "/import/one?flash=import-cancelled");
    }

    // ---- shared -------------------------------------------------------------------------------

    /** The options part of both forms, checked locally where the job service would not say which field. */
    private record Options(boolean create, Optional<CopyFrom> template, Optional<String> origin, List<Tag> tags,
                           boolean rollback, List<KeyValue> summary) {
        ImportJobRequest request(List<ImportItem> items) {
            return new ImportJobRequest(items, Optional.of(create), template, origin, tags, rollback);
        }
    }

    private Options options(Context ctx, ImportForm form, Map<String, List<String>> errors) {
        List<Tag> tags = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (TagRow t : form.tags()) {
            if (t.key().isBlank() && t.value().isBlank()) {
                continue;
            }
            if (!seen.add(t.key().strip())) {
                add(errors, "tags", "tag key \"" + t.key().strip() + "\" is given twice; a key appears once");
            }
            tags.add(new Tag(t.key().strip(), t.value().strip()));
        }
        Optional<CopyFrom> template = Optional.empty();
        Optional<String> origin = Optional.empty();
        if (form.createDistributions()) {
            if (!form.templateId().isBlank()) {
                Optional<Integer> version = Optional.empty();
                if (!form.templateVersion().isBlank()) {
                    try {
                        version = Optional.of(Integer.parseInt(form.templateVersion().strip()));
                    } catch (NumberFormatException e) {
                        add(errors, "template", "the template version must be a whole number (leave it empty for the current one)");
                    }
                }
                if (version.isEmpty()) {
                    // pinned now: the job copies the version reviewed, even if the template is edited before Apply
                    version = currentVersion(form.templateId().strip());
                }
                template = Optional.of(new CopyFrom(form.templateId().strip(), version));
            }
            origin = Optional.of(form.origin().strip()).filter(o -> !o.isEmpty());
        }
        List<KeyValue> summary = new ArrayList<>();
        if (form.createDistributions()) {
            summary.add(new KeyValue("Create distributions", "yes, one per certificate (aliases: its names)"));
            template.ifPresent(t -> summary.add(new KeyValue("Template distribution", t.distributionId()
                    + t.version().map(v -> " version " + v).orElse("")
                    + (form.templateVersion().isBlank() ? " (its current version at Start job; later edits do not change this job)" : ""))));
            origin.ifPresent(o -> summary.add(new KeyValue("Origin", o)));
        } else {
            summary.add(new KeyValue("Create distributions", "no, import the certificates only"));
        }
        summary.add(new KeyValue("Tags", tags.isEmpty() ? "(none)"
                : String.join(", ", tags.stream().map(t -> t.key() + " = " + t.value()).toList())));
        summary.add(new KeyValue("If an item fails", form.rollback() ? "delete everything this job created"
                : "keep what succeeded (\"Clean up resources\" deletes it later)"));
        return new Options(form.createDistributions(), template, origin, tags, form.rollback(), summary);
    }

    /** The template's version now, or empty if there is no such distribution (validation then says so). */
    private Optional<Integer> currentVersion(String distributionId) {
        try {
            return Optional.of(console.distributions.get(distributionId).version());
        } catch (ProblemException notFound) {
            return Optional.empty();
        }
    }

    private static ImportForm readForm(Context ctx) {
        List<String> keys = ctx.formParams("tagKey");
        List<String> values = ctx.formParams("tagValue");
        List<TagRow> tags = new ArrayList<>();
        for (int i = 0; i < Math.max(keys.size(), values.size()) && i < 60; i++) {
            tags.add(new TagRow(i < keys.size() ? keys.get(i) : "", i < values.size() ? values.get(i) : ""));
        }
        if (tags.isEmpty()) {
            tags.add(new TagRow("", ""));
        }
        return new ImportForm(Console.form(ctx, "name"), Console.form(ctx, "certificate"),
                Console.form(ctx, "certificateChain"), tags, "on".equals(ctx.formParam("createDistributions")),
                Console.form(ctx, "templateId"), Console.form(ctx, "templateVersion"), Console.form(ctx, "origin"),
                "on".equals(ctx.formParam("rollback")));
    }

    private static String optionField(String field) {
        if (field == null) {
            return null;
        }
        if (field.startsWith("tags")) {
            return "tags";
        }
        if (field.startsWith("distributionTemplate")) {
            return "template";
        }
        if (field.equals("origin") || field.equals("name")) {
            return field;
        }
        return null;
    }

    /** The service's words, without the "item 0: " prefix, followed by the stable code. */
    static String words(Violation v) {
        return ITEM_PREFIX.matcher(v.message()).replaceFirst("") + " (" + v.code().name() + ")";
    }

    private static void add(Map<String, List<String>> errors, String field, String message) {
        errors.computeIfAbsent(field, k -> new ArrayList<>()).add(message);
    }

    private ReviewItem reviewItem(int index, ImportItem item, JobService.CheckedItem checked, String source) {
        CertificateFacts f = checked.facts();
        int chainLength = item.certificateChain()
                .map(c -> (int) Pem.find(c).stream().filter(Pem.Armour::isCertificate).count()).orElse(0);
        return new ReviewItem(index, item.name().orElse(f.domainName()), f.domainName(),
                Fmt.shortList(f.subjectAlternativeNames(), 6), keyLine(item.privateKey(), checked), Fmt.date(f.notAfter()),
                f.issuer(), chainLength, checked.warnings().stream().map(w -> w.message() + " (" + w.code() + ")").toList(),
                source);
    }

    /** The key block's first line, then "(redacted, 1704 bytes, RSA 2048)": all a page ever says about a key. */
    static String keyLine(String pem, JobService.CheckedItem checked) {
        String label = Pem.find(pem).stream().filter(Pem.Armour::isPrivateKey).map(Pem.Armour::label).findFirst()
                .orElse("PRIVATE KEY");
        return "-----BEGIN " + label + "----- (redacted, " + pem.getBytes(StandardCharsets.UTF_8).length + " bytes, "
                + checked.keyType().displayName() + ")";
    }

    private List<Option> templateOptions(String selected) {
        List<Option> out = new ArrayList<>();
        for (Distribution d : console.distributions.list(Optional.empty(), Optional.of(200), Optional.empty(),
                Optional.empty()).items()) {
            String label = (d.config().comment().isBlank() ? d.domainName() : d.config().comment())
                    + " — " + d.id().substring(0, 8) + ", version " + d.version()
                    + (d.config().aliases().isEmpty() ? "" : ", " + d.config().aliases().size() + " alias(es)");
            out.add(new Option(d.id(), label, d.id().equals(selected)));
        }
        return out;
    }
}
