package io.edgecert.web;

import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * JSON Schemas (2020-12, OpenAPI 3.1's dialect) of the records the API reads and writes, found
 * with Jackson's own introspection of {@link Json#MAPPER}: the schema names exactly the properties
 * the mapper writes. Records become named components, referenced wherever they appear.
 */
final class JsonSchemas {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, ObjectNode> components = new TreeMap<>();
    private final Map<Class<?>, String> names = new HashMap<>();

    ObjectNode of(Class<?> type) {
        return of(Json.MAPPER.constructType(type));
    }

    /** {@code {items: [item], nextCursor}}: the one page shape of {@link Paging}. */
    ObjectNode pageOf(Class<?> item) {
        ObjectNode page = object();
        ((ObjectNode) page.get("properties")).set("items", NODES.objectNode().put("type", "array").set("items", of(item)));
        ((ObjectNode) page.get("properties")).set("nextCursor", NODES.objectNode().put("type", "string")
                .put("description", "absent on the last page; pass it as cursor to get the next one"));
        page.putArray("required").add("items");
        return page;
    }

    ObjectNode components() {
        ObjectNode out = NODES.objectNode();
        components.forEach(out::set);
        return out;
    }

    private ObjectNode of(JavaType t) {
        Class<?> raw = t.getRawClass();
        if (raw == Optional.class || t.isReferenceType()) {
            return of(t.getReferencedType() != null ? t.getReferencedType() : t.containedTypeOrUnknown(0));
        }
        if (raw == String.class || raw == char.class || raw == Character.class || raw == Duration.class) {
            return type("string");
        }
        if (raw == Instant.class || raw == OffsetDateTime.class) {
            return type("string").put("format", "date-time");
        }
        if (raw == LocalDate.class) {
            return type("string").put("format", "date");
        }
        if (raw == int.class || raw == Integer.class || raw == long.class || raw == Long.class
                || raw == short.class || raw == Short.class) {
            return type("integer");
        }
        if (raw == double.class || raw == Double.class || raw == float.class || raw == Float.class) {
            return type("number");
        }
        if (raw == boolean.class || raw == Boolean.class) {
            return type("boolean");
        }
        if (raw.isEnum()) {
            ObjectNode s = type("string");
            ArrayNode values = s.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(Json.MAPPER.valueToTree(constant).asText());
            }
            return s;
        }
        if (t.isCollectionLikeType() || t.isArrayType()) {
            return type("array").set("items", of(t.getContentType()));
        }
        if (t.isMapLikeType()) {
            return type("object").set("additionalProperties", of(t.getContentType()));
        }
        if (JsonNode.class.isAssignableFrom(raw) || raw == Object.class) {
            return NODES.objectNode().put("description", "any JSON value");
        }
        return ref(t);
    }

    private ObjectNode ref(JavaType t) {
        Class<?> raw = t.getRawClass();
        String name = names.get(raw);
        if (name == null) {
            name = nameFor(raw);
            names.put(raw, name);
            ObjectNode schema = object();
            components.put(name, schema); // before the properties: a type may refer to itself
            ObjectNode properties = (ObjectNode) schema.get("properties");
            for (BeanPropertyDefinition p : Json.MAPPER.getSerializationConfig().introspect(t).findProperties()) {
                if (p.couldSerialize()) {
                    properties.set(p.getName(), of(p.getPrimaryType()));
                }
            }
        }
        return NODES.objectNode().put("$ref", "#/components/schemas/" + name);
    }

    /** The simple name, or Outer.Inner when two types share it. */
    private String nameFor(Class<?> raw) {
        String simple = raw.getSimpleName();
        if (!components.containsKey(simple)) {
            return simple;
        }
        String qualified = raw.getName().substring(raw.getName().lastIndexOf('.') + 1).replace('$', '.');
        return components.containsKey(qualified) ? raw.getName().replace('$', '.') : qualified;
    }

    private static ObjectNode object() {
        ObjectNode s = type("object");
        s.putObject("properties");
        return s;
    }

    private static ObjectNode type(String type) {
        return NODES.objectNode().put("type", type);
    }
}
