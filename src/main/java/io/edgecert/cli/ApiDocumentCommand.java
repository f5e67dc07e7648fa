package io.edgecert.cli;

import picocli.CommandLine.Command;

/** Prints the node's OpenAPI 3.1 document: what a generated client or a linter reads. */
@Command(name = "get-api-document", description = "Print the API's OpenAPI 3.1 document (GET /api/v1/openapi.json).")
final class ApiDocumentCommand extends ClientCommand {
    @Override
    int run(ApiClient api, Output out) {
        out.print(api.get(ApiClient.path("openapi.json"), ApiClient.query()), Table.of(Table.Column.field("OPENAPI", "openapi"),
                Table.Column.field("TITLE", "info.title"), Table.Column.field("VERSION", "info.version")));
        return 0;
    }
}
