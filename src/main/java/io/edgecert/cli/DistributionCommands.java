package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Optional;

import static io.edgecert.cli.Table.Column.field;

/** The distribution commands, named like the AWS CLI's cloudfront ones. */
final class DistributionCommands {
    private DistributionCommands() {
    }

    /** The origin id the flags give to --origin, the same one import jobs use. */
    static final String ORIGIN_ID = "origin";

    static final Table TABLE = Table.of(field("ID", "id"), field("DOMAIN NAME", "domainName"), field("STATUS", "status"),
            field("VERSION", "version"), field("ENABLED", "config.enabled"), field("ALIASES", "config.aliases"),
            field("CERTIFICATE", "config.certificateId"), field("COMMENT", "config.comment"));

    /**
     * A distribution config as a JSON document (--distribution-config) and/or flags; a flag
     * overrides the document's field. Fields left out keep the base: the defaults, the copied
     * config (--copy-from) or, for an update, the current version.
     */
    static final class Settings {
        @Option(names = {"--distribution-config", "--config"}, paramLabel = "FILE|JSON",
                description = "The config as JSON, inline or in a file: {aliases, origins:[{id,url,originPath}], defaultOriginId, "
                        + "certificateId, minimumProtocolVersion, enabled, comment, tags, originGroups, defaultCacheBehavior, "
                        + "cacheBehaviors, customErrorResponses}.")
        String config;

        @Option(names = "--aliases", split = ",", paramLabel = "NAME", description = "Alternate domain names, comma separated.")
        List<String> aliases;

        @Option(names = "--origin", paramLabel = "URL", description = "The one origin (http:// or https:// URL).")
        String origin;

        @Option(names = "--certificate-id", paramLabel = "ID", description = "The certificate that covers the aliases.")
        String certificateId;

        @Option(names = "--minimum-protocol-version", paramLabel = "VERSION", description = "e.g. TLSv1.2_2021.")
        String minimumProtocolVersion;

        @Option(names = "--comment", paramLabel = "TEXT")
        String comment;

        @Option(names = "--enabled", arity = "1", paramLabel = "true|false")
        Boolean enabled;

        @Mixin
        TagsOption tags;

        ObjectNode body() {
            ObjectNode body = config == null ? Json.MAPPER.createObjectNode() : Inputs.jsonObject("--distribution-config", config);
            if (aliases != null) {
                body.set("aliases", Json.MAPPER.valueToTree(aliases.stream().map(String::strip).filter(a -> !a.isEmpty()).toList()));
            }
            if (origin != null) {
                body.set("origins", Json.MAPPER.createArrayNode().add(Json.MAPPER.createObjectNode()
                        .put("id", ORIGIN_ID).put("url", origin)));
                body.put("defaultOriginId", ORIGIN_ID);
            }
            putIfGiven(body, "certificateId", certificateId);
            putIfGiven(body, "minimumProtocolVersion", minimumProtocolVersion);
            putIfGiven(body, "comment", comment);
            if (enabled != null) {
                body.put("enabled", enabled);
            }
            if (tags.given()) {
                body.set("tags", Json.MAPPER.valueToTree(tags.tags));
            }
            return body;
        }

        private static void putIfGiven(ObjectNode body, String field, String value) {
            if (value != null) {
                body.put(field, value);
            }
        }
    }

    @Command(name = "create-distribution", sortOptions = false,
            description = "Create a distribution from a config and/or flags, or copy one with --copy-from.")
    static final class CreateDistribution extends ClientCommand {
        @Mixin
        Settings settings;

        @Option(names = "--copy-from", paramLabel = "ID[:VERSION]", converter = VersionedId.Converter.class,
                description = "Start from another distribution's config (its current or a given version).")
        VersionedId copyFrom;

        @Override
        int run(ApiClient api, Output out) {
            ObjectNode body = settings.body();
            if (copyFrom != null) {
                body.set("copyFrom", copyFrom.toJson());
            }
            out.print(api.post(ApiClient.path("distributions"), body), TABLE);
            return 0;
        }
    }

    @Command(name = "get-distribution", description = "Show one distribution; its version is the value for --if-match.")
    static final class GetDistribution extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path("distributions", id), ApiClient.query()), TABLE);
            return 0;
        }
    }

    @Command(name = "list-distributions", sortOptions = false, description = "List distributions.")
    static final class ListDistributions extends ClientCommand {
        @Option(names = "--certificate-id", paramLabel = "ID", description = "Only those using this certificate.")
        String certificateId;

        @Option(names = "--alias", paramLabel = "NAME", description = "Only the one with this alias.")
        String alias;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("distributions"), ApiClient.query("certificateId", certificateId,
                    "alias", alias), paging.paging()).toJson(), TABLE);
            return 0;
        }
    }

    @Command(name = "update-distribution", sortOptions = false,
            description = "Change a distribution; fields not given keep their current value.")
    static final class UpdateDistribution extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Option(names = "--if-match", paramLabel = "VERSION",
                description = "The version being changed (get-distribution's version); refused if it is no longer current. "
                        + "Without it, the current version is read first.")
        String ifMatch;

        @Mixin
        Settings settings;

        @Override
        int run(ApiClient api, Output out) {
            ObjectNode body = settings.body();
            if (body.isEmpty()) {
                throw CliException.usage("nothing to change: give --distribution-config or flags such as --aliases, --origin");
            }
            String version = Optional.ofNullable(ifMatch).orElseGet(() -> {
                String v = String.valueOf(Replies.read(api.get(ApiClient.path("distributions", id), ApiClient.query()),
                        Replies.Versioned.class).version());
                note("no --if-match given: updating the current version " + v + " of distribution " + id);
                return v;
            });
            out.print(api.put(ApiClient.path("distributions", id), body, Optional.of(version)), TABLE);
            return 0;
        }
    }

    @Command(name = "delete-distribution", description = "Delete a distribution; its names stop being served.")
    static final class DeleteDistribution extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Option(names = "--if-match", paramLabel = "VERSION", description = "Only if this is still the current version.")
        String ifMatch;

        @Override
        int run(ApiClient api, Output out) {
            api.delete(ApiClient.path("distributions", id), Optional.ofNullable(ifMatch));
            return 0;
        }
    }

    static final Table VERSION_TABLE = Table.of(field("VERSION", "version"), field("CREATED", "createdAt"),
            field("ALIASES", "config.aliases"), field("CERTIFICATE", "config.certificateId"), field("COMMENT", "config.comment"));

    @Command(name = "list-distribution-versions", sortOptions = false,
            description = "List every version of a distribution's config, oldest first.")
    static final class ListVersions extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("distributions", id, "versions"), ApiClient.query(), paging.paging()).toJson(),
                    VERSION_TABLE);
            return 0;
        }
    }
}
