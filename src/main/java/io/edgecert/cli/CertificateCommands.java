package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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

        @Option(names = "--certificate-id", paramLabel = "ID",
                description = "Reimport: replace this certificate's material, keeping its id, name, tags and users.")
        String certificateId;

        @Option(names = "--name", paramLabel = "NAME", description = "A name (default: the domain name).")
        String name;

        @Mixin
        TagsOption tags;

        @Override
        int run(ApiClient api, Output out) {
            if (certificateId != null && (name != null || tags.given())) {
                throw CliException.usage("--name and --tags cannot be given with --certificate-id: "
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
                    : api.put(ApiClient.path("certificates", certificateId), body, Optional.empty());
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
        @Option(names = "--certificate-id", required = true, paramLabel = "ID")
        String certificateId;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path("certificates", certificateId), ApiClient.query()), TABLE);
            return 0;
        }
    }

    @Command(name = "delete-certificate", description = "Delete a certificate no distribution uses.")
    static final class DeleteCertificate extends ClientCommand {
        @Option(names = "--certificate-id", required = true, paramLabel = "ID")
        String certificateId;

        @Override
        int run(ApiClient api, Output out) {
            api.delete(ApiClient.path("certificates", certificateId), Optional.empty());
            return 0;
        }
    }
}
