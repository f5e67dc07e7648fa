package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.certificates.x509.PemFilePairing;
import io.edgecert.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static io.edgecert.cli.Table.Column.field;

/** Import-certificates jobs: start one from a directory, watch it, look at it, clean up after it. */
final class JobCommands {
    private JobCommands() {
    }

    static final Table ITEM_TABLE = Table.of(field("#", "index"), field("NAME", "name"), field("STATUS", "status"),
            field("CERTIFICATE", "certificateId"), field("DISTRIBUTION DOMAIN", "distributionDomainName"),
            field("ALIASES", "aliases"), new Table.Column("ERROR", JobCommands::itemError));

    static final Table TABLE = Table.of(field("ID", "id"), field("STATUS", "status"), field("ITEMS", "itemCount"),
                    step("IMPORT", "IMPORT_CERTIFICATES"), step("DISTRIBUTIONS", "CREATE_DISTRIBUTIONS"),
                    field("CREATED", "createdAt"), field("FINISHED", "finishedAt"), field("ERROR", "error"))
            .withDetail("items", ITEM_TABLE);

    /** The answer to a submission, {jobId, job}. */
    static final Table ACCEPTED_TABLE = Table.of(field("JOB ID", "jobId"), field("STATUS", "job.status"),
            field("ITEMS", "job.itemCount"));

    /** A step's "STATUS succeeded/total" from the job's steps. */
    private static Table.Column step(String header, String stepName) {
        return new Table.Column(header, job -> {
            for (JsonNode s : job.path("steps")) {
                if (s.path("name").asText().equals(stepName)) {
                    return s.path("status").asText() + " " + s.path("succeeded").asInt() + "/" + s.path("total").asInt();
                }
            }
            return Table.EMPTY;
        });
    }

    private static String itemError(JsonNode item) {
        JsonNode e = item.get("error");
        return e == null || e.isNull() ? Table.EMPTY : e.path("code").asText() + ": " + e.path("message").asText();
    }

    /**
     * Prints the finished job; a job that did not succeed is exit code 4 with its error and every
     * failed item on stderr.
     */
    static int reportFinished(JsonNode job, Output out) {
        out.print(job, TABLE);
        String status = job.path("status").asText();
        if (status.equals("SUCCEEDED")) {
            return 0;
        }
        StringBuilder s = new StringBuilder("job " + job.path("id").asText() + " ended " + status);
        if (job.hasNonNull("error")) {
            s.append(": ").append(job.get("error").asText());
        }
        for (JsonNode item : job.path("items")) {
            if (item.hasNonNull("error")) {
                s.append(System.lineSeparator()).append("  - item ").append(item.path("index").asInt())
                        .append(item.hasNonNull("name") ? " (" + item.get("name").asText() + ")" : "").append(": ")
                        .append(item.get("error").path("step").asText()).append(' ').append(itemError(item));
            }
        }
        throw CliException.jobNotSucceeded(s.toString());
    }

    @Command(name = "start-import-job", sortOptions = false,
            description = "Import every certificate of a directory (and create their distributions) as one job.")
    static final class StartImportJob extends ClientCommand {
        @Option(names = "--certificates-dir", required = true, paramLabel = "DIR",
                description = "NAME.crt|NAME.pem + NAME.key [+ NAME.chain.pem], or one PEM bundle (certificates + key) per certificate.")
        Path dir;

        @Option(names = "--template-distribution", paramLabel = "ID[:VERSION]", converter = VersionedId.Converter.class,
                description = "Each new distribution copies this one's config; aliases and certificate are the item's.")
        VersionedId template;

        @Option(names = "--origin", paramLabel = "URL", description = "Origin of the new distributions (overrides the template's).")
        String origin;

        @Option(names = "--no-distributions", description = "Only import the certificates.")
        boolean noDistributions;

        @Option(names = "--rollback-on-failure", description = "Delete what the job created if it fails.")
        boolean rollbackOnFailure;

        @Mixin
        TagsOption tags;

        @Option(names = "--wait", description = "Wait for the job to finish, as wait-job does.")
        boolean waitForJob;

        @Override
        int run(ApiClient api, Output out) {
            if (noDistributions && (template != null || origin != null)) {
                throw CliException.usage("--no-distributions cannot go with --template-distribution or --origin");
            }
            List<PemFilePairing.Pair> entries = entries();
            JsonNode accepted;
            try {
                accepted = api.post(ApiClient.path("jobs", "import-certificates"), body(entries));
            } catch (CliException e) {
                // Name the files behind "item 3" so the user knows which ones to fix.
                throw e.problem().map(p -> CliException.refused(p, i -> i >= 0 && i < entries.size()
                        ? Optional.of(String.join(", ", entries.get(i).files())) : Optional.empty())).orElse(e);
            }
            if (!waitForJob) {
                out.print(accepted, ACCEPTED_TABLE);
                return 0;
            }
            String jobId = accepted.path("jobId").asText();
            note("started job " + jobId + " with " + entries.size() + " certificates");
            return reportFinished(new JobWaiter(api, ctx).await(jobId), out);
        }

        /** The directory's certificates; anything unpaired or ambiguous refuses the lot before a byte is sent. */
        private List<PemFilePairing.Pair> entries() {
            PemFilePairing.Result scan;
            try {
                scan = CertificatesDir.scan(dir);
            } catch (IOException e) {
                throw CliException.io("--certificates-dir: cannot list " + dir + ": " + e.getMessage(), e);
            }
            if (!scan.ignored().isEmpty()) {
                note("ignored (not named .pem, .crt, .cer, .cert, .key, .ca-bundle or .bundle): " + String.join(", ", scan.ignored()));
            }
            if (!scan.problems().isEmpty()) {
                throw CliException.usage("nothing was sent: " + dir + " has " + scan.problems().size() + " problem(s)"
                        + System.lineSeparator() + "  - " + String.join(System.lineSeparator() + "  - ", scan.problems()));
            }
            return scan.pairs();
        }

        private ObjectNode body(List<PemFilePairing.Pair> entries) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            ArrayNode certificates = body.putArray("certificates");
            for (PemFilePairing.Pair e : entries) {
                ObjectNode item = certificates.addObject().put("name", e.name()).put("certificate", e.certificate())
                        .put("privateKey", e.privateKey());
                e.certificateChain().ifPresent(c -> item.put("certificateChain", c));
            }
            if (noDistributions) {
                body.put("createDistributions", false);
            }
            if (template != null) {
                body.set("distributionTemplate", template.toJson());
            }
            if (origin != null) {
                body.put("origin", origin);
            }
            if (tags.given()) {
                body.set("tags", Json.MAPPER.valueToTree(tags.tags));
            }
            if (rollbackOnFailure) {
                body.put("rollbackOnFailure", true);
            }
            return body;
        }
    }

    @Command(name = "describe-job", sortOptions = false, description = "Show a job with its steps and items.")
    static final class DescribeJob extends ClientCommand {
        @Option(names = {"--id", "--job-id"}, required = true, paramLabel = "ID")
        String jobId;

        @Option(names = "--item-offset", paramLabel = "N", description = "First item to show (default 0).")
        Integer itemOffset;

        @Option(names = "--item-limit", paramLabel = "N", description = "How many items to show (default 1000).")
        Integer itemLimit;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path("jobs", jobId), ApiClient.query("itemOffset", itemOffset,
                    "itemLimit", itemLimit)), TABLE);
            return 0;
        }
    }

    @Command(name = "list-jobs", sortOptions = false, description = "List jobs, newest first.")
    static final class ListJobs extends ClientCommand {
        @Option(names = "--status", paramLabel = "STATUS", description = "PENDING, RUNNING, SUCCEEDED, FAILED or CLEANED_UP.")
        String status;

        @Option(names = "--created-after", paramLabel = "INSTANT", description = "e.g. 2026-11-22T10:00:00Z.")
        String createdAfter;

        @Option(names = "--created-before", paramLabel = "INSTANT")
        String createdBefore;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("jobs"), ApiClient.query("status", status, "createdAfter", createdAfter,
                    "createdBefore", createdBefore), paging.paging()).toJson(), TABLE);
            return 0;
        }
    }

    @Command(name = "wait-job", description = "Wait until a job finishes; exit 0 if it succeeded, 4 if it failed or was cleaned up.")
    static final class WaitJob extends ClientCommand {
        @Option(names = {"--id", "--job-id"}, required = true, paramLabel = "ID")
        String jobId;

        @Override
        int run(ApiClient api, Output out) {
            return reportFinished(new JobWaiter(api, ctx).await(jobId), out);
        }
    }

    @Command(name = "cleanup-job", description = "Delete what a finished job created (distributions, then certificates).")
    static final class CleanupJob extends ClientCommand {
        @Option(names = {"--id", "--job-id"}, required = true, paramLabel = "ID")
        String jobId;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.post(ApiClient.path("jobs", jobId, "cleanup"), Json.MAPPER.createObjectNode()), TABLE);
            return 0;
        }
    }

    @Command(name = "list-job-items", sortOptions = false, description = "List a job's items, in index order.")
    static final class ListJobItems extends ClientCommand {
        @Option(names = {"--id", "--job-id"}, required = true, paramLabel = "ID")
        String jobId;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("jobs", jobId, "items"), ApiClient.query(), paging.paging()).toJson(), ITEM_TABLE);
            return 0;
        }
    }

    @Command(name = "watch-job", description = "Print a job's events as they happen (one JSON object a line) until it finishes.")
    static final class WatchJob extends ClientCommand {
        @Option(names = {"--id", "--job-id"}, required = true, paramLabel = "ID")
        String jobId;

        @Override
        int run(ApiClient api, Output out) {
            java.util.concurrent.atomic.AtomicReference<ApiClient.Event> error = new java.util.concurrent.atomic.AtomicReference<>();
            api.events(ApiClient.path("jobs", jobId, "events"), event -> {
                ObjectNode line = Json.MAPPER.createObjectNode().put("event", event.name());
                line.set("data", Json.read(event.data(), JsonNode.class));
                ctx.out().println(Json.write(line));
                ctx.out().flush();
                if (event.name().equals("error")) {
                    error.set(event);
                }
                return !event.name().equals("finished") && !event.name().equals("error");
            });
            if (error.get() != null) {
                JsonNode problem = Json.read(error.get().data(), JsonNode.class);
                throw CliException.refused(ApiProblem.parse(problem.path("status").asInt(500), error.get().data()));
            }
            return 0;
        }
    }
}
