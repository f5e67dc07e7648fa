package io.edgecert.testing;

import io.edgecert.crypto.MasterKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * edgecert as a separate operating-system process ({@code java io.edgecert.cli.Main serve} on the
 * test classpath), so tests can kill it with SIGKILL and start it again on the same data.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern API_LISTENING = Pattern.compile("edgecert API on http://[^:\\s]+:(\\d+)");

    private final Map<String, String> env;
    private final Path log;
    /** Found in the log at each start: the node binds port 0, so no other process can race it for a port picked here. */
    private volatile int apiPort;
    private Process process;

    private NodeProcess(Map<String, String> env, Path log) {
        this.env = env;
        this.log = log;
    }

    /** A node on its own data dir; extraEnv may point it at PostgreSQL. */
    public static NodeProcess create(String name, Map<String, String> extraEnv) {
        try {
            Path dir = Files.createTempDirectory("edgecert-process");
            Map<String, String> env = new HashMap<>();
            env.put("EDGECERT_DATA_DIR", dir.toString());
            env.put("EDGECERT_API_PORT", "0");
            env.put("EDGECERT_EDGE_HTTPS_PORT", "0");
            env.put("EDGECERT_EDGE_HTTP_PORT", "0");
            env.put("EDGECERT_ADMIN_TOKEN", TestNode.TOKEN);
            env.put("EDGECERT_MASTER_KEY", MasterKey.generateBase64());
            env.putAll(extraEnv);
            Path log = Path.of("target", "node-" + name + "-" + dir.getFileName() + ".log");
            Files.createDirectories(log.getParent());
            return new NodeProcess(env, log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> env() {
        return env;
    }

    public NodeProcess start() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.edgecert.cli.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        long logOffset;
        try {
            logOffset = Files.exists(log) ? Files.size(log) : 0;
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy(logOffset);
        return this;
    }

    /** SIGKILL: no shutdown hook, no flush, as a crash or an OOM killer would. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * SIGSTOP / SIGCONT: the process is frozen as a long GC pause or a stalled machine would
     * freeze it; it keeps its sockets and its last heartbeat.
     */
    public void pause() {
        signal("STOP");
    }

    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The id the node wrote into its data dir at first start (job leases name it). */
    public String nodeId() {
        try {
            return Files.readString(Path.of(env.get("EDGECERT_DATA_DIR"), "node.id")).strip();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public TestApi api() {
        return new TestApi("http://127.0.0.1:" + apiPort, TestNode.TOKEN);
    }

    private void awaitHealthy(long logOffset) {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        apiPort = 0;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("edgecert exited with " + process.exitValue() + "; its log ("
                        + log.toAbsolutePath() + ") ends with:\n" + logSince(logOffset, 60));
            }
            if (apiPort == 0) {
                Matcher m = API_LISTENING.matcher(logSince(logOffset, Integer.MAX_VALUE));
                if (m.find()) {
                    apiPort = Integer.parseInt(m.group(1));
                }
            }
            if (apiPort != 0 && healthy(http)) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("edgecert did not become healthy; its log (" + log.toAbsolutePath()
                + ") ends with:\n" + logSince(logOffset, 60));
    }

    private boolean healthy(HttpClient http) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200;
        } catch (IOException e) {
            return false; // not listening yet
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** What this start wrote to the log, its last maxLines lines. */
    private String logSince(long offset, int maxLines) {
        try {
            byte[] all = Files.readAllBytes(log);
            String text = new String(all, (int) Math.min(offset, all.length), all.length - (int) Math.min(offset, all.length),
                    StandardCharsets.UTF_8);
            List<String> lines = text.lines().toList();
            return String.join("\n", lines.subList(Math.max(0, lines.size() - maxLines), lines.size()));
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process != null && process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(20, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
