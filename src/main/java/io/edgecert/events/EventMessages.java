package io.edgecert.events;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns an event into an email: a subject that says what happened and a plain-text body a person
 * can act on (the DNS records to add, the item that failed and why, the certificate to renew).
 * Payloads are read defensively: a missing field leaves its line out instead of failing the mail.
 */
public final class EventMessages {
    private static final String PREFIX = "[edgecert] ";

    private EventMessages() {
    }

    public record Message(String subject, String text) {
    }

    public static Message render(Event event) {
        Message m = switch (event.type()) {
            case "JobSucceeded" -> jobSucceeded(event.detail(), event.subjectId());
            case "JobFailed" -> jobFailed(event.detail(), event.subjectId());
            case "CertificateApproachingExpiration" -> approaching(event.detail(), event.subjectId());
            case "CertificateExpired" -> expired(event.detail(), event.subjectId());
            case Event.TEST_TYPE -> new Message(PREFIX + "Test notification",
                    "This is a test message from edgecert. The subscription works.\n");
            default -> new Message(PREFIX + event.type(), (event.detail() == null ? "" : event.detail().toPrettyString()) + "\n");
        };
        return new Message(m.subject(), m.text() + footer(event));
    }

    // ---- jobs ----------------------------------------------------------------------------------

    private static Message jobSucceeded(JsonNode d, String subjectId) {
        String jobId = text(d, "jobId").orElse(subjectId);
        List<JsonNode> all = items(d, "items");
        List<JsonNode> withDistribution = all.stream().filter(i -> text(i, "distributionDomainName").isPresent()).toList();
        // a report (jobs' JobReport) counts in its summary: its items may be only the first of them
        JsonNode summary = d.path("summary");
        long certificates = summary.path("items").asLong(all.size());
        long distributions = summary.path("distributionsCreated").asLong(withDistribution.size());
        StringBuilder b = new StringBuilder();
        b.append("Import job ").append(jobId).append(" succeeded: ")
                .append(count(certificates, "certificate")).append(" imported, ")
                .append(count(distributions, "distribution")).append(" created.\n");
        appendDistributions(b, withDistribution);
        appendDnsRecords(b, withDistribution);
        appendTruncation(b, d, certificates);
        return new Message(PREFIX + "Import job succeeded: " + count(certificates, "certificate")
                + (distributions == 0 ? "" : ", " + count(distributions, "distribution")), b.toString());
    }

    /** A capped report says so, and where the complete list is. */
    private static void appendTruncation(StringBuilder b, JsonNode d, long items) {
        if (d.path("truncated").asBoolean(false)) {
            b.append("\nThis message lists ").append(d.path("itemsIncluded").asLong()).append(" of ").append(items)
                    .append(" items (and their DNS records); all of them, page by page:\n   GET ")
                    .append(text(d, "itemsUrl").orElse("/api/v1/jobs/" + text(d, "jobId").orElse("") + "/items")).append('\n');
        }
    }

    private static Message jobFailed(JsonNode d, String subjectId) {
        String jobId = text(d, "jobId").orElse(subjectId);
        List<JsonNode> failed = items(d, "failedItems");
        if (failed.isEmpty()) {
            failed = items(d, "items").stream().filter(i -> i.path("error").isObject()).toList();
        }
        StringBuilder b = new StringBuilder();
        b.append("Import job ").append(jobId).append(" failed");
        text(d, "error").ifPresentOrElse(e -> b.append(": ").append(e), () -> b.append('.'));
        b.append('\n');
        if (!failed.isEmpty()) {
            heading(b, "Failed items");
            for (JsonNode item : failed) {
                b.append(itemLabel(item));
                JsonNode error = item.path("error");
                String why = join(": ", text(error, "code"), text(error, "message"));
                b.append(why.isEmpty() ? "" : ": " + why);
                text(error, "step").ifPresent(s -> b.append(" (step ").append(s).append(')'));
                b.append('\n');
            }
        }
        List<JsonNode> created = items(d, "items").stream().filter(i -> text(i, "distributionDomainName").isPresent()).toList();
        // With rollbackOnFailure the runner deletes what the job made: listing DNS records to add would mislead.
        if (!created.isEmpty() && d.path("rollbackOnFailure").asBoolean(false)) {
            b.append("\nBefore it failed, the job created ").append(count(created.size(), "distribution"))
                    .append(". The job rolls back on failure: they and its certificates are deleted automatically;\n")
                    .append("add no DNS records for them.\n");
        } else if (!created.isEmpty()) {
            b.append("\nBefore it failed, the job created the distributions below. They stay until the job is cleaned up\n")
                    .append("(POST /api/v1/jobs/").append(jobId).append("/cleanup).\n");
            appendDistributions(b, created);
        }
        appendTruncation(b, d, d.path("summary").path("items").asLong(items(d, "items").size()));
        return new Message(PREFIX + "Import job failed"
                + (failed.isEmpty() ? "" : ": " + count(failed.size(), "item") + " failed"), b.toString());
    }

    private static void appendDistributions(StringBuilder b, List<JsonNode> items) {
        if (items.isEmpty()) {
            return;
        }
        heading(b, "Distributions created");
        for (JsonNode item : items) {
            b.append(itemLabel(item)).append('\n');
            text(item, "distributionDomainName").ifPresent(v -> b.append("   Domain name:  ").append(v).append('\n'));
            List<String> aliases = strings(item.path("aliases"));
            if (!aliases.isEmpty()) {
                b.append("   Aliases:      ").append(String.join(", ", aliases)).append('\n');
            }
            text(item, "distributionId").ifPresent(v -> b.append("   Distribution: ").append(v).append('\n'));
            text(item, "certificateId").ifPresent(v -> b.append("   Certificate:  ").append(v).append('\n'));
        }
    }

    private static void appendDnsRecords(StringBuilder b, List<JsonNode> items) {
        List<String[]> rows = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (JsonNode item : items) {
            for (JsonNode r : items(item, "dnsRecords")) {
                Optional<String> name = text(r, "name");
                Optional<String> value = text(r, "value");
                if (name.isEmpty() || value.isEmpty()) {
                    continue;
                }
                String mark = "";
                Optional<String> note = text(r, "note");
                if (note.isPresent()) {
                    int n = notes.indexOf(note.get());
                    if (n < 0) {
                        notes.add(note.get());
                        n = notes.size() - 1;
                    }
                    mark = " (" + (n + 1) + ")";
                }
                rows.add(new String[] {name.get(), text(r, "type").orElse("CNAME"), value.get() + mark});
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        heading(b, "DNS records to add");
        b.append("Each name reaches the edge once its owner adds this record at the domain's DNS provider:\n\n");
        table(b, new String[] {"NAME", "TYPE", "VALUE"}, rows);
        for (int i = 0; i < notes.size(); i++) {
            b.append("\n(").append(i + 1).append(") ").append(notes.get(i));
        }
        if (!notes.isEmpty()) {
            b.append('\n');
        }
    }

    // ---- certificates --------------------------------------------------------------------------

    private static Message approaching(JsonNode d, String subjectId) {
        String domain = text(d, "domainName").orElse(subjectId);
        Optional<Long> days = d.path("daysToExpiry").isIntegralNumber() ? Optional.of(d.path("daysToExpiry").asLong()) : Optional.empty();
        String when = days.map(n -> n <= 0 ? "within a day" : "in " + count(n, "day")).orElse("soon");
        StringBuilder b = new StringBuilder();
        b.append("The certificate for ").append(domain).append(" expires ").append(when);
        text(d, "notAfter").ifPresent(t -> b.append(", on ").append(t));
        b.append(".\n\n");
        certificateLines(b, d, subjectId);
        b.append("\nImport the renewed certificate under the same id (PUT /api/v1/certificates/")
                .append(text(d, "certificateId").orElse(subjectId))
                .append(") and every distribution using it serves the new one, with no restart.\n");
        return new Message(PREFIX + "Certificate for " + domain + " expires " + when, b.toString());
    }

    private static Message expired(JsonNode d, String subjectId) {
        String domain = text(d, "domainName").orElse(subjectId);
        StringBuilder b = new StringBuilder();
        b.append("The certificate for ").append(domain).append(" has expired");
        text(d, "notAfter").ifPresent(t -> b.append(" (").append(t).append(')'));
        b.append(". Visitors of its names now get certificate errors.\n\n");
        certificateLines(b, d, subjectId);
        b.append("\nImport a renewed certificate under the same id (PUT /api/v1/certificates/")
                .append(text(d, "certificateId").orElse(subjectId)).append(").\n");
        return new Message(PREFIX + "Certificate for " + domain + " has expired", b.toString());
    }

    private static void certificateLines(StringBuilder b, JsonNode d, String subjectId) {
        b.append("   Certificate:  ").append(text(d, "certificateId").orElse(subjectId)).append('\n');
        text(d, "name").ifPresent(v -> b.append("   Name:         ").append(v).append('\n'));
        text(d, "domainName").ifPresent(v -> b.append("   Domain name:  ").append(v).append('\n'));
        text(d, "notAfter").ifPresent(v -> b.append("   Expires:      ").append(v).append('\n'));
    }

    // ---- text helpers --------------------------------------------------------------------------

    private static String footer(Event e) {
        return "\n-- \nedgecert notification " + e.type() + " (event " + e.id() + ", " + e.createdAt() + ")\n";
    }

    private static void heading(StringBuilder b, String title) {
        b.append('\n').append(title).append('\n').append("-".repeat(title.length())).append('\n');
    }

    /** "#3 shop-example" or "#3": items are numbered as in the job (index from 0). */
    private static String itemLabel(JsonNode item) {
        Optional<String> index = item.path("index").isIntegralNumber() ? Optional.of("#" + item.path("index").asInt()) : Optional.empty();
        String label = join(" ", index, text(item, "name"));
        return label.isEmpty() ? "(unnamed item)" : label;
    }

    /** Columns padded to their widest cell, two spaces apart. */
    private static void table(StringBuilder b, String[] header, List<String[]> rows) {
        int[] widths = new int[header.length];
        for (int i = 0; i < header.length; i++) {
            widths[i] = header[i].length();
        }
        for (String[] row : rows) {
            for (int i = 0; i < row.length - 1; i++) {
                widths[i] = Math.max(widths[i], row[i].length());
            }
        }
        appendRow(b, header, widths);
        for (String[] row : rows) {
            appendRow(b, row, widths);
        }
    }

    private static void appendRow(StringBuilder b, String[] cells, int[] widths) {
        for (int i = 0; i < cells.length; i++) {
            b.append(cells[i]);
            if (i < cells.length - 1) {
                b.append(" ".repeat(widths[i] - cells[i].length() + 2));
            }
        }
        b.append('\n');
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() || v.asText().isBlank() ? Optional.empty() : Optional.of(v.asText());
    }

    private static List<JsonNode> items(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        List<JsonNode> out = new ArrayList<>();
        if (v != null && v.isArray()) {
            v.forEach(i -> {
                if (i.isObject()) {
                    out.add(i);
                }
            });
        }
        return out;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(v -> {
                if (v.isValueNode() && !v.asText().isBlank()) {
                    out.add(v.asText());
                }
            });
        }
        return out;
    }

    @SafeVarargs
    private static String join(String separator, Optional<String>... parts) {
        List<String> present = new ArrayList<>();
        for (Optional<String> p : parts) {
            p.ifPresent(present::add);
        }
        return String.join(separator, present);
    }

    private static String count(long n, String noun) {
        return n + " " + noun + (n == 1 ? "" : "s");
    }
}
