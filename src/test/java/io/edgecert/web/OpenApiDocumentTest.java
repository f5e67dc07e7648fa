package io.edgecert.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.edgecert.json.Json;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * GET /api/v1/openapi.json is a valid OpenAPI 3.1 document (checked against the OAS 3.1 schema
 * with Schema Object validation, from src/test/resources: no network), lists exactly the routes
 * Javalin holds, and every refusal a call actually answers is among its documented error codes.
 */
class OpenApiDocumentTest {
    private static final String SCHEMA_BASE = "https://spec.openapis.org/oas/3.1/schema-base/2022-10-07";
    private static TestNode node;
    private static JsonNode document;

    @BeforeAll
    static void start() {
        node = TestNode.start(TestNode.Store.H2);
        TestApi.Response r = node.api().send(node.api().request("/api/v1/openapi.json").GET(), null);
        assertThat(r.status()).as("served without a token").isEqualTo(200);
        assertThat(r.header("Content-Type")).startsWith("application/json");
        document = r.json();
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void validatesAsOpenApi31() {
        Schema oas = oasSchema();
        assertThat(document.get("openapi").asText()).isEqualTo("3.1.0");
        assertThat(oas.validate(document)).as("errors against the OAS 3.1 schema").isEmpty();

        // The validator is not vacuous: a document that breaks the schema's rules is refused.
        ObjectNode broken = document.deepCopy();
        broken.remove("info");
        ((ObjectNode) broken.get("paths").get("/api/v1/certificates").get("get")).put("responses", "none");
        ((ObjectNode) broken.get("components").get("schemas").get("Problem")).put("type", "no-such-type");
        List<Error> errors = oas.validate(broken);
        assertThat(errors).extracting(e -> e.getInstanceLocation().toString())
                .anyMatch(l -> l.contains("responses")).anyMatch(l -> l.contains("Problem"));
        assertThat(errors).anyMatch(e -> e.getMessage().contains("info"));
    }

    @Test
    void listsExactlyTheRoutesThatExist() {
        Set<String> documented = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> documented.add(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey())));
        List<ApiServer.Route> routes = node.node().apiServer().routes();
        Set<String> api = routes.stream().filter(r -> !r.page()).map(ApiServer.Route::key).collect(Collectors.toCollection(TreeSet::new));

        assertThat(documented).as("documented, and held by Javalin").isEqualTo(api);
        assertThat(api).contains("GET /api/v1/openapi.json", "GET /api/v1/jobs/{id}/items", "GET /healthz");
        // whatever else Javalin holds is the console's HTML, never under /api
        assertThat(routes.stream().filter(ApiServer.Route::page).map(ApiServer.Route::key))
                .isNotEmpty().noneMatch(k -> k.contains(" /api/") || documented.contains(k));
    }

    @Test
    void everyCallListsItsErrorCodes() {
        operations().forEach((key, op) -> {
            Map<Integer, Set<String>> codes = documentedCodes(op);
            boolean open = op.has("security") && op.get("security").isEmpty();
            if (!open) {
                assertThat(codes.get(401)).as(key).contains("Unauthorized");
            }
            if (key.contains("{")) {
                assertThat(codes.get(404)).as(key).contains("NotFound");
            }
            if (op.has("requestBody")) {
                assertThat(codes.get(400)).as(key).contains("InvalidRequest");
                assertThat(codes.get(413)).as(key).contains("SizeLimitExceeded");
            }
            codes.forEach((status, names) -> assertThat(names).as(key + " " + status).isNotEmpty()
                    .allMatch(n -> io.edgecert.problems.ErrorCode.valueOf(n) != null));
        });
        assertThat(documentedCodes(operations().get("PUT /api/v1/certificates/{id}")).get(409))
                .contains("CertificateDoesNotCoverAlias");
    }

    /**
     * Every call, asked wrongly (an unknown id, an empty body, no token), answers a problem whose
     * status and code its entry lists.
     */
    @Test
    void everyRefusalAnsweredIsDocumented() {
        List<String> undocumented = new ArrayList<>();
        int refusals = 0;
        for (Map.Entry<String, JsonNode> e : operations().entrySet()) {
            String method = e.getKey().substring(0, e.getKey().indexOf(' '));
            String path = e.getKey().substring(method.length() + 1).replaceAll("\\{[^}]+}", "0NoSuchId0");
            Map<Integer, Set<String>> codes = documentedCodes(e.getValue());
            for (String token : new String[]{TestNode.TOKEN, null}) {
                HttpRequest.Builder b = node.api().request(path).method(method,
                        method.equals("POST") || method.equals("PUT") ? HttpRequest.BodyPublishers.ofString("{}")
                                : HttpRequest.BodyPublishers.noBody());
                TestApi.Response r = node.api().send(b.header("Content-Type", "application/json"), token);
                if (r.status() >= 400 && r.status() != 503) {
                    refusals++;
                    String code = r.json().get("code").asText();
                    if (!codes.getOrDefault(r.status(), Set.of()).contains(code)) {
                        undocumented.add(e.getKey() + " answered " + r.status() + " " + code);
                    }
                }
            }
        }
        assertThat(undocumented).isEmpty();
        assertThat(refusals).isGreaterThan(operations().size());
    }

    private static Map<String, JsonNode> operations() {
        Map<String, JsonNode> ops = new java.util.TreeMap<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(op -> ops.put(op.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey(), op.getValue())));
        return ops;
    }

    /** Status -> the codes the document lists for it (the enum of the problem's code). */
    private static Map<Integer, Set<String>> documentedCodes(JsonNode op) {
        Map<Integer, Set<String>> out = new HashMap<>();
        op.get("responses").properties().forEach(r -> {
            int status = Integer.parseInt(r.getKey());
            if (status >= 400) {
                JsonNode schema = r.getValue().get("content").get(ProblemResponses.CONTENT_TYPE).get("schema");
                Set<String> names = new TreeSet<>();
                schema.get("allOf").get(1).get("properties").get("code").get("enum").forEach(n -> names.add(n.asText()));
                out.put(status, names);
            }
        });
        return out;
    }

    private static Schema oasSchema() {
        Map<String, String> schemas = new HashMap<>();
        for (String name : List.of("schema", "schema-base", "dialect", "meta")) {
            String text = resource("/openapi-3.1/" + name + ".json");
            schemas.put(Json.read(text, JsonNode.class).get("$id").asText(), text);
        }
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemas(schemas));
        return registry.getSchema(SchemaLocation.of(SCHEMA_BASE));
    }

    private static String resource(String path) {
        try (InputStream in = OpenApiDocumentTest.class.getResourceAsStream(path)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
