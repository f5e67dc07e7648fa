package io.edgecert.testing;

import io.edgecert.crypto.MasterKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * edgecert as a separate operating-system process ({@code java io.edgecert.Main serve} on the
 * test classpath), so tests can kill it with SIGKILL and start it again on the same data.
 */
public final class NodeProcess implements AutoCloseable {
    private final Map<String, String> env;
    private final Path log;
    private final int apiPort;
    private Process process;

    private NodeProcess(Map<String, String> env, Path log, int apiPort) {
        this.env = env;
        this.log = log;
        this.apiPort = apiPort;
    }

    /** A node on its own data dir; extraEnv may point it at PostgreSQL. */
    public static NodeProcess create(String name, Map<String, String> extraEnv) {
        try {
            Path dir = Files.createTempDirectory("edgecert-process");
            int port = freePort();
            Map<String, String> env = new HashMap<>();
            env.put("EDGECERT_DATA_DIR", dir.toString());
            env.put("EDGECERT_API_PORT", String.valueOf(port));
            env.put("EDGECERT_EDGE_HTTPS_PORT", "0");
            env.put("EDGECERT_EDGE_HTTP_PORT", "0");
            env.put("EDGECERT_ADMIN_TOKEN", TestNode.TOKEN);
            env.put("EDGECERT_MASTER_KEY", MasterKey.generateBase64());
            env.putAll(extraEnv);
            Path log = Path.of("target", "node-" + name + "-" + port + ".log");
            Files.createDirectories(log.getParent());
            return new NodeProcess(env, log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public Map<String, String> env() {
        return env;
    }

    public NodeProcess start() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-cp", System.getProperty("java.class.path"), "io.edgecert.Main", "serve"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            process = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy();
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

    private void awaitHealthy() {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("edgecert exited with " + process.exitValue() + ", see " + log.toAbsolutePath());
            }
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/healthz"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("edgecert did not become healthy, see " + log.toAbsolutePath());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
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
