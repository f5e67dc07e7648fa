package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.edgecert.cli.Table.Column.field;

/** The certificate commands, named and shaped like the AWS CLI's acm commands. */
final class CertificateCommands {
    private CertificateCommands() {
    }

    static final Table TABLE = Table.of(field("ID", "id"), field("NAME", "name"), field("DOMAIN", "domainName"),
            field("KEY", "keyAlgorithm"), field("STATUS", "status"), field("NOT AFTER", "notAfter"),
            field("DAYS", "daysToExpiry"), field("IN USE BY", "inUseBy"));

    @Command(name = "import-certificate", sortOptions = false,
            description = "Import a certificate with its private key (and chain), or reimport one with --certificate-id.")
    static final class ImportCertificate extends ClientCommand {
        @Option(names = "--certificate", required = true, paramLabel = "FILE", description = "PEM certificate (file://path or path).")
        String certificate;

        @Option(names = "--private-key", required = true, paramLabel = "FILE", description = "PEM private key.")
        String privateKey;

        @Option(names = "--certificate-chain", paramLabel = "FILE", description = "PEM intermediates (and root).")
        String chain;

        @Option(names = {"--id", "--certificate-id"}, paramLabel = "ID",
                description = "Reimport: replace this certificate's material, keeping its id, name, tags and users.")
        String certificateId;

        @Option(names = "--if-match", paramLabel = "VERSION",
                description = "With --id: reimport only while the certificate is at this version (its ETag).")
        String ifMatch;

        @Option(names = "--name", paramLabel = "NAME", description = "A name (default: the domain name).")
        String name;

        @Mixin
        TagsOption tags;

        @Override
        int run(ApiClient api, Output out) {
            if (certificateId == null && ifMatch != null) {
                throw CliException.usage("--if-match is for a reimport: give --id too");
            }
            if (certificateId != null && (name != null || tags.given())) {
                throw CliException.usage("--name and --tags cannot be given with --certificate-id (--id): "
                        + "a reimport keeps the certificate's name and tags");
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            if (name != null) {
                body.put("name", name);
            }
            body.put("certificate", Inputs.text("--certificate", certificate));
            body.put("privateKey", Inputs.text("--private-key", privateKey));
            if (chain != null) {
                body.put("certificateChain", Inputs.text("--certificate-chain", chain));
            }
            if (tags.given()) {
                body.set("tags", Json.MAPPER.valueToTree(tags.tags));
            }
            JsonNode result = certificateId == null ? api.post(ApiClient.path("certificates"), body)
                    : api.put(ApiClient.path("certificates", certificateId), body, Optional.ofNullable(ifMatch));
            for (JsonNode w : result.path("warnings")) {
                note("warning: " + w.path("code").asText() + ": " + w.path("message").asText());
            }
            out.print(result, TABLE);
            return 0;
        }
    }

    @Command(name = "list-certificates", sortOptions = false, description = "List certificates, oldest first.")
    static final class ListCertificates extends ClientCommand {
        @Option(names = "--domain", paramLabel = "NAME", description = "Only certificates for this name (wildcards that cover it too).")
        String domain;

        @Option(names = "--expiring-within-days", paramLabel = "N", description = "Only valid certificates expiring within N days.")
        Integer expiringWithinDays;

        @Option(names = "--status", paramLabel = "STATUS", description = "ISSUED, EXPIRED or NOT_YET_VALID.")
        String status;

        @Option(names = "--tag", paramLabel = "KEY[=VALUE]", description = "Only certificates with this tag.")
        String tag;

        @Option(names = "--tag-key", paramLabel = "KEY", description = "Only certificates with this tag key, taken verbatim "
                + "(for keys holding '='); with --tag-value, only that value.")
        String tagKey;

        @Option(names = "--tag-value", paramLabel = "VALUE", description = "With --tag-key: the tag's value, taken verbatim.")
        String tagValue;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            // both forms are checked by the server, which says which combination it refuses
            out.print(api.list(ApiClient.path("certificates"), ApiClient.query("domain", domain,
                    "expiringWithinDays", expiringWithinDays, "status", status, "tag", tag, "tagKey", tagKey,
                    "tagValue", tagValue), paging.paging()).toJson(), TABLE);
            return 0;
        }
    }

    @Command(name = "describe-certificate", description = "Show one certificate with its history.")
    static final class DescribeCertificate extends ClientCommand {
        @Option(names = {"--id", "--certificate-id"}, required = true, paramLabel = "ID")
        String certificateId;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path("certificates", certificateId), ApiClient.query()), TABLE);
            return 0;
        }
    }

    @Command(name = "delete-certificate", description = "Delete a certificate no distribution uses.")
    static final class DeleteCertificate extends ClientCommand {
        @Option(names = {"--id", "--certificate-id"}, required = true, paramLabel = "ID")
        String certificateId;

        @Override
        int run(ApiClient api, Output out) {
            api.delete(ApiClient.path("certificates", certificateId), Optional.empty());
            return 0;
        }
    }

    @Command(name = "add-tags-to-certificate", description = "Add tags to a certificate, or change their values.")
    static final class AddTags extends ClientCommand {
        @Option(names = {"--id", "--certificate-id"}, required = true, paramLabel = "ID")
        String certificateId;

        @Mixin
        TagsOption tags;

        @Override
        int run(ApiClient api, Output out) {
            if (!tags.given()) {
                throw CliException.usage("give the tags to add: --tags Key=k,Value=v ...");
            }
            ObjectNode body = Json.MAPPER.createObjectNode();
            body.set("tags", Json.MAPPER.valueToTree(tags.tags));
            out.print(api.post(ApiClient.path("certificates", certificateId, "tags"), body), TABLE);
            return 0;
        }
    }

    @Command(name = "remove-tags-from-certificate", description = "Remove tags from a certificate, named by key.")
    static final class RemoveTags extends ClientCommand {
        @Option(names = {"--id", "--certificate-id"}, required = true, paramLabel = "ID")
        String certificateId;

        @Option(names = "--tag-keys", required = true, arity = "1..*", paramLabel = "KEY")
        List<String> keys;

        @Override
        int run(ApiClient api, Output out) {
            // One plain key is a path segment; several, or one with '/', go as repeated key= parameters.
            JsonNode result = keys.size() == 1 && !keys.get(0).contains("/")
                    ? api.deleteForBody(ApiClient.path("certificates", certificateId, "tags", keys.get(0)), Map.of())
                    : api.deleteForBody(ApiClient.path("certificates", certificateId, "tags"), Map.of("key", keys));
            out.print(result, TABLE);
            return 0;
        }
    }
}
