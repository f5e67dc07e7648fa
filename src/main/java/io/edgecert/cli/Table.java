package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.StreamSupport;

/**
 * How one kind of resource looks as a table. A list result ({items, nextCursor}) is one row per
 * item; a single resource is one row, followed by its detail list (a job's items) when there is one.
 */
record Table(List<Column> columns, Optional<Detail> detail) {
    static final String EMPTY = "-";

    /** A column: its header and how to get the cell text from a resource. */
    record Column(String header, Function<JsonNode, String> value) {
        /** The value at a dotted path ("config.aliases"); arrays are joined with commas. */
        static Column field(String header, String path) {
            return new Column(header, node -> text(at(node, path)));
        }
    }

    /** A list field of a single resource shown as its own table below it. */
    record Detail(String field, Table table) {
    }

    static Table of(Column... columns) {
        return new Table(List.of(columns), Optional.empty());
    }

    Table withDetail(String field, Table table) {
        return new Table(columns, Optional.of(new Detail(field, table)));
    }

    Table plus(Column column) {
        List<Column> more = new ArrayList<>(columns);
        more.add(column);
        return new Table(List.copyOf(more), detail);
    }

    String render(JsonNode value) {
        JsonNode items = value.get("items");
        if (items != null && items.isArray() && !value.has("id")) {
            StringBuilder s = new StringBuilder(rows(iterable(items)));
            JsonNode next = value.get("nextCursor");
            if (next != null && !next.isNull()) {
                s.append("nextCursor: ").append(next.asText()).append(System.lineSeparator());
            }
            return s.toString();
        }
        StringBuilder s = new StringBuilder(rows(List.of(value)));
        detail.ifPresent(d -> s.append(System.lineSeparator()).append(d.table().rows(iterable(value.path(d.field())))));
        return s.toString();
    }

    /** Header and rows, each column as wide as its widest cell, two spaces apart. */
    String rows(List<JsonNode> rows) {
        List<String[]> cells = new ArrayList<>();
        cells.add(columns.stream().map(Column::header).toArray(String[]::new));
        for (JsonNode row : rows) {
            cells.add(columns.stream().map(c -> oneLine(c.value().apply(row))).toArray(String[]::new));
        }
        int[] widths = new int[columns.size()];
        for (String[] line : cells) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder s = new StringBuilder();
        for (String[] line : cells) {
            StringBuilder l = new StringBuilder();
            for (int i = 0; i < line.length; i++) {
                l.append(line[i]);
                if (i < line.length - 1) {
                    l.append(" ".repeat(widths[i] - line[i].length() + 2));
                }
            }
            s.append(l.toString().stripTrailing()).append(System.lineSeparator());
        }
        return s.toString();
    }

    static JsonNode at(JsonNode node, String path) {
        JsonNode n = node;
        for (String part : path.split("\\.")) {
            n = n == null ? null : n.get(part);
        }
        return n;
    }

    static String text(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return EMPTY;
        }
        if (n.isArray()) {
            List<String> parts = new ArrayList<>();
            n.forEach(e -> parts.add(e.isValueNode() ? e.asText() : e.toString()));
            return parts.isEmpty() ? EMPTY : String.join(",", parts);
        }
        String s = n.isValueNode() ? n.asText() : n.toString();
        return s.isEmpty() ? EMPTY : s;
    }

    private static String oneLine(String s) {
        return s == null ? EMPTY : s.replaceAll("\\s*[\\r\\n]+\\s*", " ");
    }

    private static List<JsonNode> iterable(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).toList();
    }
}
