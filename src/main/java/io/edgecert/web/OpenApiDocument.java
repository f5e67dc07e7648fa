package io.edgecert.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.problems.ErrorCode;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The OpenAPI 3.1 document of the API, written from the same {@link Endpoint} list the routes are
 * registered from: every call with its parameters, request and response schemas, and per status
 * the error codes it can answer (as an enum of the problem's {@code code}).
 */
final class OpenApiDocument {
    static final String VERSION = "3.1.0";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenApiDocument() {
    }

    static ObjectNode of(List<Endpoint> endpoints) {
        JsonSchemas schemas = new JsonSchemas();
        schemas.of(ProblemResponses.Problem.class); // first, so that its name is "Problem" whatever the calls hold
        ObjectNode doc = NODES.objectNode().put("openapi", VERSION);
        doc.putObject("info").put("title", "edgecert API").put("version", "v1")
                .put("description", "Certificates, distributions, import jobs and notifications of an edgecert node. "
                        + "Errors are application/problem+json; lists are pages {items, nextCursor}.");
        ObjectNode paths = doc.putObject("paths");
        Map<String, List<Endpoint>> byPath = endpoints.stream()
                .collect(Collectors.groupingBy(Endpoint::path, TreeMap::new, Collectors.toList()));
        byPath.forEach((path, calls) -> {
            ObjectNode item = paths.putObject(path);
            calls.forEach(e -> item.set(e.method().name().toLowerCase(Locale.ROOT), operation(e, schemas)));
        });
        ObjectNode components = doc.putObject("components");
        components.set("schemas", schemas.components());
        components.putObject("securitySchemes").putObject("bearer").put("type", "http").put("scheme", "bearer")
                .put("description", "the admin token (EDGECERT_ADMIN_TOKEN, or the data dir's admin.token)");
        doc.putArray("security").addObject().putArray("bearer");
        return doc;
    }

    private static ObjectNode operation(Endpoint e, JsonSchemas schemas) {
        ObjectNode op = NODES.objectNode().put("operationId", operationId(e)).put("summary", e.summary());
        if (!e.description().isEmpty()) {
            op.put("description", e.description());
        }
        op.putArray("tags").add(tag(e.path()));
        if (e.open()) {
            op.putArray("security");
        }
        ArrayNode params = NODES.arrayNode();
        for (String name : e.pathParams()) {
            params.addObject().put("name", name).put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        }
        for (Endpoint.Param p : e.query()) {
            ObjectNode param = params.addObject().put("name", p.name()).put("in", "query").put("description", p.description());
            param.putObject("schema").put("type", p.type());
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        e.request().ifPresent(body -> op.putObject("requestBody").put("required", true)
                .putObject("content").set(body.mediaType(), NODES.objectNode().set("schema", schema(body, schemas))));
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject(String.valueOf(e.status())).put("description", success(e.status()));
        e.response().ifPresent(body -> ok.putObject("content").set(body.mediaType(),
                NODES.objectNode().set("schema", schema(body, schemas))));
        Map<Integer, List<ErrorCode>> byStatus = e.failures().stream().collect(Collectors.groupingBy(
                Endpoint.Failure::status, TreeMap::new, Collectors.mapping(Endpoint.Failure::code, Collectors.toList())));
        byStatus.forEach((status, codes) -> {
            ObjectNode r = responses.putObject(String.valueOf(status)).put("description",
                    codes.stream().map(Enum::name).collect(Collectors.joining(", ")));
            ObjectNode schema = NODES.objectNode();
            schema.putArray("allOf").add(NODES.objectNode().put("$ref", "#/components/schemas/Problem"))
                    .addObject().putObject("properties").putObject("code").set("enum",
                            codes.stream().map(Enum::name).collect(NODES::arrayNode, ArrayNode::add, ArrayNode::addAll));
            r.putObject("content").set(ProblemResponses.CONTENT_TYPE, NODES.objectNode().set("schema", schema));
        });
        return op;
    }

    private static ObjectNode schema(Endpoint.Body body, JsonSchemas schemas) {
        if (body.type().isEmpty()) {
            return NODES.objectNode().put("type", "string");
        }
        return body.page() ? schemas.pageOf(body.type().get()) : schemas.of(body.type().get());
    }

    /** GET /api/v1/certificates/{id}/tags -> getCertificatesIdTags. */
    static String operationId(Endpoint e) {
        StringBuilder sb = new StringBuilder(e.method().name().toLowerCase(Locale.ROOT));
        for (String part : e.path().replaceFirst("^/api/v1", "").split("[/{}.-]+")) {
            if (!part.isEmpty()) {
                sb.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
            }
        }
        return sb.toString();
    }

    private static String tag(String path) {
        String[] parts = path.replaceFirst("^/api/v1", "").split("/");
        return parts.length > 1 ? parts[1] : "node";
    }

    private static String success(int status) {
        return switch (status) {
            case 201 -> "created";
            case 202 -> "accepted";
            case 204 -> "done, no body";
            default -> "ok";
        };
    }
}
