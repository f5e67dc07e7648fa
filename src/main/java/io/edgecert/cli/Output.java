package io.edgecert.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;

import java.io.PrintStream;
import java.io.UncheckedIOException;

/** Prints a command's result on stdout: pretty JSON (what scripts read) or an aligned table (what people read). */
final class Output {
    enum Format { JSON, TABLE }

    private final PrintStream out;
    private final Format format;

    Output(PrintStream out, Format format) {
        this.out = out;
        this.format = format;
    }

    void print(JsonNode value, Table table) {
        if (format == Format.TABLE) {
            out.print(table.render(value));
        } else {
            out.println(pretty(value));
        }
        out.flush();
    }

    static String pretty(JsonNode value) {
        try {
            return Json.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
