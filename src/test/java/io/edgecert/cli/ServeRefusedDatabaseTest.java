package io.edgecert.cli;

import io.edgecert.crypto.MasterKey;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code serve} with a database that refuses, as an operator meets it: a real process, a PostgreSQL
 * URL whose port nobody listens on. It must stop at once with one line that says what and where,
 * and a non-zero exit, not a pool's stack trace or a node that half runs.
 */
class ServeRefusedDatabaseTest {
    @TempDir
    Path data;

    @Test
    void aRefusedDatabaseUrlStopsServeWithOneLineAndANonZeroExit() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        String url = "jdbc:postgresql://127.0.0.1:" + closedPort + "/edgecert?password=hunter2";
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.edgecert.cli.Main", "serve").redirectErrorStream(true);
        pb.environment().put("EDGECERT_DATA_DIR", data.toString());
        pb.environment().put("EDGECERT_DB_URL", url);
        pb.environment().put("EDGECERT_DB_USER", "postgres");
        pb.environment().put("EDGECERT_ADMIN_TOKEN", TestNode.TOKEN);
        pb.environment().put("EDGECERT_MASTER_KEY", MasterKey.generateBase64());
        pb.environment().put("EDGECERT_API_PORT", "0");
        pb.environment().put("EDGECERT_EDGE_HTTPS_PORT", "0");
        pb.environment().put("EDGECERT_EDGE_HTTP_PORT", "0");
        Process p = pb.start();
        p.getOutputStream().close();
        boolean exited = p.waitFor(60, TimeUnit.SECONDS);
        if (!exited) {
            p.destroyForcibly();
        }
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(exited).as("serve exits; it printed:\n" + output).isTrue();
        assertThat(p.exitValue()).as(output).isNotZero();

        List<String> aboutIt = output.lines().filter(l -> l.contains("EDGECERT_DB_URL") || l.contains("onnection")).toList();
        assertThat(aboutIt).as(output).singleElement().asString()
                .startsWith("edgecert: EDGECERT_DB_URL jdbc:postgresql://127.0.0.1:" + closedPort + "/edgecert")
                .contains("cannot connect", "refused")
                .doesNotContain("hunter2");
        assertThat(output).as("no stack trace").doesNotContain("\tat ", "Exception in thread");
        assertThat(output).doesNotContain("edgecert API on");
    }
}
