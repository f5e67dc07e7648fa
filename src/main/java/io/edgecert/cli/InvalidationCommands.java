package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static io.edgecert.cli.Table.Column.field;

/**
 * {@code edgecert invalidations create|list|get}: drop cached objects of a distribution from every
 * edge node, CloudFront's create-invalidation, list-invalidations and get-invalidation.
 */
@Command(name = "invalidations", mixinStandardHelpOptions = true, description = "Drop a distribution's cached objects from every edge node.",
        subcommands = {InvalidationCommands.Create.class, InvalidationCommands.ListInvalidations.class,
                InvalidationCommands.Get.class})
final class InvalidationCommands implements Runnable {
    /** The server's longest long-poll (waitSeconds). */
    static final int POLL_SECONDS = 20;

    static final Table TABLE = Table.of(field("ID", "id"), field("STATUS", "status"), field("CREATED", "createTime"),
            field("COMPLETED", "completeTime"), field("PATHS", "paths"), field("CALLER REFERENCE", "callerReference"),
            field("WAITING FOR", "waitingFor"));

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** What --wait acts on. */
    record Status(String id, String status, List<String> waitingFor) {
        Status {
            waitingFor = waitingFor == null ? List.of() : waitingFor;
        }
    }

    /** --wait and its bound, shared by create and get. */
    static final class WaitOptions {
        @Option(names = "--wait", description = "Return once the invalidation is Completed on every live edge node.")
        boolean wait;

        @Option(names = "--wait-timeout", paramLabel = "SECONDS", defaultValue = "600",
                description = "With --wait: give up after this long (exit code 4), default ${DEFAULT-VALUE}.")
        int timeoutSeconds;
    }

    /**
     * Long-polls the invalidation until it is Completed (exit 0) or the timeout passes (exit 4,
     * naming the nodes it still waits for); prints it as it last was.
     */
    static int report(ApiClient api, Output out, String distributionId, JsonNode invalidation, WaitOptions wait) {
        JsonNode last = invalidation;
        if (wait.wait) {
            if (wait.timeoutSeconds < 1) {
                throw CliException.usage("--wait-timeout must be at least 1 second, got " + wait.timeoutSeconds);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(wait.timeoutSeconds).toNanos();
            String id = Replies.read(last, Status.class).id();
            while (!Replies.read(last, Status.class).status().equals("Completed")) {
                long left = Duration.ofNanos(deadline - System.nanoTime()).toMillis();
                if (left <= 0) {
                    out.print(last, TABLE);
                    Status s = Replies.read(last, Status.class);
                    throw CliException.notDoneInTime("invalidation " + id + " is still " + s.status() + " after "
                            + wait.timeoutSeconds + " s" + (s.waitingFor().isEmpty() ? ""
                            : "; waiting for edge node(s) " + String.join(", ", s.waitingFor())));
                }
                last = api.get(ApiClient.path("distributions", distributionId, "invalidations", id),
                        ApiClient.query("waitSeconds", Math.min(POLL_SECONDS, (left + 999) / 1000)));
            }
        }
        out.print(last, TABLE);
        return 0;
    }

    @Command(name = "create", sortOptions = false,
            description = "Invalidate paths of a distribution: /index.html, or a prefix such as '/img/*' ('/*' is everything).")
    static final class Create extends ClientCommand {
        @Parameters(index = "0", paramLabel = "DISTRIBUTION_ID")
        String distributionId;

        @Option(names = "--path", required = true, paramLabel = "PATH",
                description = "A path to invalidate (repeat for more); quote wildcards from the shell.")
        List<String> paths;

        @Option(names = "--caller-reference", paramLabel = "TEXT",
                description = "Makes a retry safe: the same reference with the same paths returns the same invalidation.")
        String callerReference;

        @Mixin
        WaitOptions wait;

        @Override
        int run(ApiClient api, Output out) {
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("paths", Json.MAPPER.valueToTree(paths));
            Optional.ofNullable(callerReference).ifPresent(r -> body.put("callerReference", r));
            JsonNode created = api.post(ApiClient.path("distributions", distributionId, "invalidations"), body);
            return report(api, out, distributionId, created, wait);
        }
    }

    @Command(name = "list", sortOptions = false, description = "List a distribution's invalidations, newest first.")
    static final class ListInvalidations extends ClientCommand {
        @Parameters(index = "0", paramLabel = "DISTRIBUTION_ID")
        String distributionId;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("distributions", distributionId, "invalidations"), ApiClient.query(),
                    paging.paging()).toJson(), TABLE);
            return 0;
        }
    }

    @Command(name = "get", sortOptions = false, description = "Show one invalidation.")
    static final class Get extends ClientCommand {
        @Parameters(index = "0", paramLabel = "DISTRIBUTION_ID")
        String distributionId;

        @Parameters(index = "1", paramLabel = "INVALIDATION_ID")
        String invalidationId;

        @Mixin
        WaitOptions wait;

        @Override
        int run(ApiClient api, Output out) {
            JsonNode now = api.get(ApiClient.path("distributions", distributionId, "invalidations", invalidationId),
                    ApiClient.query());
            return report(api, out, distributionId, now, wait);
        }
    }
}
