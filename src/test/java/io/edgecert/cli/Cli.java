package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;
import io.edgecert.testing.TestNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** Runs the edgecert CLI in-process, as a user's shell would, with its own environment and captured output. */
record Cli(Map<String, String> env, boolean terminal) {

    /** What a run printed and returned. */
    record Result(int exit, String out, String err) {
        JsonNode json() {
            try {
                return Json.MAPPER.readTree(out);
            } catch (IOException e) {
                throw new UncheckedIOException("stdout is not JSON: " + this, e);
            }
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
        }
    }

    /** A CLI configured for this node, as EDGECERT_URL and EDGECERT_TOKEN would. */
    static Cli against(TestNode node) {
        return new Cli(Map.of("EDGECERT_URL", "http://127.0.0.1:" + node.apiPort(), "EDGECERT_TOKEN", TestNode.TOKEN), false);
    }

    Cli with(String name, String value) {
        Map<String, String> next = new HashMap<>(env);
        next.put(name, value);
        return new Cli(Map.copyOf(next), terminal);
    }

    Cli without(String name) {
        Map<String, String> next = new HashMap<>(env);
        next.remove(name);
        return new Cli(Map.copyOf(next), terminal);
    }

    Cli onTerminal() {
        return new Cli(env, true);
    }

    Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        // wait-job follows the job's event stream; a fallback poll this slow would time the test out,
        // so a test that waits proves the stream carries the job to its end
        int exit = EdgecertCommand.commandLine(new CliContext(env, o, e, terminal, Duration.ofMinutes(10))).execute(args);
        o.flush();
        e.flush();
        return new Result(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
