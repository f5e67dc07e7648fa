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

/** Who is told about jobs and expiring certificates. */
final class SubscriptionCommands {
    private SubscriptionCommands() {
    }

    static final Table TABLE = Table.of(field("ID", "id"), field("NAME", "name"), field("PROTOCOL", "protocol"),
            field("ENDPOINT", "endpoint"), new Table.Column("EVENT TYPES", s -> s.hasNonNull("eventTypes")
                    ? Table.text(s.get("eventTypes")) : "all"), field("CREATED", "createdAt"));

    /** The create answer is the only time the signing secret is shown, so the table shows it too. */
    static final Table CREATED_TABLE = TABLE.plus(field("SIGNING SECRET", "signingSecret"));

    @Command(name = "list-subscriptions", description = "List notification subscriptions.")
    static final class ListSubscriptions extends ClientCommand {
        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("subscriptions"), ApiClient.query(), paging.paging()).toJson(), TABLE);
            return 0;
        }
    }

    @Command(name = "create-subscription", sortOptions = false,
            description = "Subscribe an email address or a webhook; the answer holds the webhook signing secret, shown once.")
    static final class CreateSubscription extends ClientCommand {
        @Option(names = "--protocol", required = true, paramLabel = "email|https|http")
        String protocol;

        @Option(names = "--endpoint", required = true, paramLabel = "ADDRESS|URL")
        String endpoint;

        @Option(names = "--event-types", split = ",", arity = "1..*", paramLabel = "TYPE",
                description = "JobSucceeded, JobFailed, CertificateApproachingExpiration, CertificateExpired (default: all).")
        List<String> eventTypes;

        @Option(names = "--name", paramLabel = "NAME")
        String name;

        @Override
        int run(ApiClient api, Output out) {
            ObjectNode body = Json.MAPPER.createObjectNode().put("protocol", protocol).put("endpoint", endpoint);
            if (eventTypes != null) {
                body.set("eventTypes", Json.MAPPER.valueToTree(eventTypes));
            }
            if (name != null) {
                body.put("name", name);
            }
            JsonNode created = api.post(ApiClient.path("subscriptions"), body);
            out.print(created, CREATED_TABLE);
            return 0;
        }
    }

    @Command(name = "delete-subscription", description = "Stop notifying a subscriber.")
    static final class DeleteSubscription extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api, Output out) {
            api.delete(ApiClient.path("subscriptions", id), Optional.empty());
            return 0;
        }
    }

    static final Table DELIVERY_TABLE = Table.of(field("ID", "id"), field("EVENT", "eventType"), field("STATUS", "status"),
            field("ATTEMPTS", "attempts"), field("LAST STATUS", "lastStatusCode"), field("LAST ERROR", "lastError"),
            field("CREATED", "createdAt"));

    @Command(name = "get-subscription", description = "Show one subscription.")
    static final class GetSubscription extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.get(ApiClient.path("subscriptions", id), ApiClient.query()), TABLE);
            return 0;
        }
    }

    @Command(name = "test-subscription", description = "Send a test event to a subscriber now; shows the delivery.")
    static final class TestSubscription extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID")
        String id;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.post(ApiClient.path("subscriptions", id, "test"), Json.MAPPER.createObjectNode()), DELIVERY_TABLE);
            return 0;
        }
    }

    @Command(name = "list-deliveries", sortOptions = false, description = "List deliveries to a subscriber, newest first.")
    static final class ListDeliveries extends ClientCommand {
        @Option(names = "--id", required = true, paramLabel = "ID", description = "The subscription.")
        String id;

        @Mixin
        PagingOptions paging;

        @Override
        int run(ApiClient api, Output out) {
            out.print(api.list(ApiClient.path("subscriptions", id, "deliveries"), ApiClient.query(), paging.paging()).toJson(),
                    DELIVERY_TABLE);
            return 0;
        }
    }
}
