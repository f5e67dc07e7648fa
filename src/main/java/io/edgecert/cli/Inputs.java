package io.edgecert.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecert.json.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Option values that name files, read the way the AWS CLI reads file:// and fileb:// arguments. */
final class Inputs {
    private Inputs() {
    }

    /** "file://x", "fileb://x" or just "x": the path of a file. */
    static Path file(String reference) {
        for (String prefix : new String[]{"fileb://", "file://"}) {
            if (reference.startsWith(prefix)) {
                return Path.of(reference.substring(prefix.length()));
            }
        }
        return Path.of(reference);
    }

    /** The text of the file an option names; a file that cannot be read is an IO failure naming the option. */
    static String text(String option, String reference) {
        return read(option, file(reference));
    }

    static String read(String option, Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw CliException.io(option + ": no such file: " + file, e);
        } catch (IOException e) {
            throw CliException.io(option + ": cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** A JSON object given inline ('{"aliases": [...]}') or as a file. */
    static ObjectNode jsonObject(String option, String value) {
        String json = value.strip().startsWith("{") ? value : text(option, value);
        JsonNode node;
        try {
            node = Json.MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw CliException.usage(option + " is not valid JSON: " + e.getOriginalMessage());
        }
        if (!(node instanceof ObjectNode object)) {
            throw CliException.usage(option + " must be a JSON object");
        }
        return object;
    }
}
