package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

import java.util.Optional;

import static io.edgecert.cli.Table.Column.field;

/**
 * {@code edgecert cache-policies|origin-request-policies|response-headers-policies
 * list|get|create|update|delete}: one group per kind of policy, the same five commands in each.
 * A config is CloudFront's (camelCase) as JSON, inline or in a file ({@code --config}); {@code
 * --name} and {@code --comment} override its fields.
 */
final class PolicyCommands {
    private PolicyCommands() {
    }

    /** One kind of policy: its API collection and the field of a policy that holds its config. */
    @Command
    abstract static class Group implements Runnable {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        abstract String collection();

        abstract String configField();

        Table table() {
            return Table.of(field("ID", "id"), field("TYPE", "type"), field("NAME", configField() + ".name"),
                    field("VERSION", "version"), field("MODIFIED", "lastModifiedTime"), field("COMMENT", configField() + ".comment"));
        }

        @Override
        public void run() {
            spec.commandLine().usage(spec.commandLine().getErr());
        }
    }

    @Command(name = "cache-policies", mixinStandardHelpOptions = true, description = "Cache policies: TTLs and what goes into the cache key.",
            subcommands = {ListPolicies.class, GetPolicy.class, CreatePolicy.class, UpdatePolicy.class, DeletePolicy.class})
    static final class CachePolicies extends Group {
        @Override
        String collection() {
            return "cache-policies";
        }

        @Override
        String configField() {
            return "cachePolicyConfig";
        }
    }

    @Command(name = "origin-request-policies", mixinStandardHelpOptions = true, description = "Origin request policies: what reaches the origin beyond the cache key.",
            subcommands = {ListPolicies.class, GetPolicy.class, CreatePolicy.class, UpdatePolicy.class, DeletePolicy.class})
    static final class OriginRequestPolicies extends Group {
        @Override
        String collection() {
            return "origin-request-policies";
        }

        @Override
        String configField() {
            return "originRequestPolicyConfig";
        }
    }

    @Command(name = "response-headers-policies", mixinStandardHelpOptions = true, description = "Response headers policies: security headers, CORS, "
            + "custom headers to add or remove, Server-Timing.",
            subcommands = {ListPolicies.class, GetPolicy.class, CreatePolicy.class, UpdatePolicy.class, DeletePolicy.class})
    static final class ResponseHeadersPolicies extends Group {
        @Override
        String collection() {
            return "response-headers-policies";
        }

        @Override
        String configField() {
            return "responseHeadersPolicyConfig";
        }
    }

    /** The config of a create or update: a JSON document and/or flags (a flag overrides the document's field). */
    static final class ConfigOptions {
        @Option(names = {"--config", "--file"}, paramLabel = "FILE|JSON",
                description = "The policy's config as JSON (CloudFront's field names in camelCase), inline or in a file.")
        String config;

        @Option(names = "--name", paramLabel = "NAME", description = "The policy's name (unique per kind).")
        String name;

        @Option(names = "--comment", paramLabel = "TEXT")
        String comment;

        boolean given() {
            return config != null || name != null || comment != null;
        }

        /** The document (or {@code base} when none is given) with the flags applied. */
        ObjectNode body(ObjectNode base) {
            ObjectNode body = config == null ? base : Inputs.jsonObject("--config", config);
            if (name != null) {
                body.put("name", name);
            }
            if (comment != null) {
                body.put("comment", comment);
            }
            return body;
        }
    }

    @Command(name = "list", sortOptions = false, description = "List managed and custom policies.")
    static final class ListPolicies extends ClientCommand {
        @ParentCommand
        Group group;

        @Option(names = "--type", paramLabel = "managed|custom", description = "Only managed or only custom ones.")
        String type;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path(group.collection()), ApiClient.query("type", type), paging.paging()).toJson(),
                    group.table());
            return 0;
        }
    }

    @Command(name = "get", description = "Show one policy; its version is the value for --if-match.")
    static final class GetPolicy extends ClientCommand {
        @ParentCommand
        Group group;

        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path(group.collection(), id), ApiClient.query()), group.table());
            return 0;
        }
    }

    @Command(name = "create", sortOptions = false, description = "Create a custom policy from --config and/or flags.")
    static final class CreatePolicy extends ClientCommand {
        @ParentCommand
        Group group;

        @Mixin
        ConfigOptions options;

        @Override
        int run(ApiClient api, Output out) {
            if (!options.given()) {
                throw CliException.usage("give the policy's config with --config (a file or inline JSON), or at least --name");
            }
            out.print(api.post(ApiClient.path(group.collection()), options.body(io.edgecert.json.Json.MAPPER.createObjectNode())),
                    group.table());
            return 0;
        }
    }

    @Command(name = "update", sortOptions = false, description = "Replace a custom policy's config; with flags only, "
            + "the current config with those fields changed. Distributions using it are redeployed.")
    static final class UpdatePolicy extends ClientCommand {
        @ParentCommand
        Group group;

        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Option(names = "--if-match", paramLabel = "VERSION",
                description = "The version being replaced (get's version); refused if it is no longer current. "
                        + "Without it, the current version is read first.")
        String ifMatch;

        @Mixin
        ConfigOptions options;

        @Override
        int run(ApiClient api, Output out) {
            if (!options.given()) {
                throw CliException.usage("nothing to change: give --config, --name or --comment");
            }
            String path = ApiClient.path(group.collection(), id);
            JsonNode current = options.config == null || ifMatch == null ? api.get(path, ApiClient.query()) : null;
            String version = Optional.ofNullable(ifMatch).orElseGet(() -> {
                String v = current.get("version").asText();
                note("no --if-match given: replacing the current version " + v + " of " + id);
                return v;
            });
            ObjectNode base = current != null && current.get(group.configField()) instanceof ObjectNode o ? o.deepCopy()
                    : io.edgecert.json.Json.MAPPER.createObjectNode();
            out.print(api.put(path, options.body(base), Optional.of(version)), group.table());
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a custom policy that no distribution uses.")
    static final class DeletePolicy extends ClientCommand {
        @ParentCommand
        Group group;

        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Option(names = "--if-match", paramLabel = "VERSION", description = "Only if this is still the current version.")
        String ifMatch;

        @Override
        int run(ApiClient api, Output out) {
            api.delete(ApiClient.path(group.collection(), id), Optional.ofNullable(ifMatch));
            return 0;
        }
    }
}
