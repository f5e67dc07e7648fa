package io.edgecert;

import io.edgecert.crypto.MasterKey;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A node whose last part (the API) cannot start closes what it had started: the embedded
 * database's file lock and the edge's ports are free again, so the operator can fix the port and
 * start at once, and a test JVM does not collect half-started nodes.
 */
class FailedStartTest {
    @Test
    void aNodeThatCannotBindItsApiPortReleasesItsDatabaseAndEdgePorts() throws Exception {
        Path dir = Files.createTempDirectory("edgecert-failed-start");
        int edgePort;
        try (ServerSocket probe = new ServerSocket(0)) {
            edgePort = probe.getLocalPort();
        }
        Map<String, String> env = new HashMap<>();
        env.put("EDGECERT_DATA_DIR", dir.toString());
        env.put("EDGECERT_ADMIN_TOKEN", TestNode.TOKEN);
        env.put("EDGECERT_MASTER_KEY", MasterKey.generateBase64());
        env.put("EDGECERT_EDGE_HTTPS_PORT", String.valueOf(edgePort));
        env.put("EDGECERT_EDGE_HTTP_PORT", "0");
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
            env.put("EDGECERT_API_PORT", String.valueOf(taken.getLocalPort()));
            assertThatThrownBy(() -> EdgecertNode.start(EdgecertConfig.from(env)))
                    .hasStackTraceContaining(String.valueOf(taken.getLocalPort()));
        }

        // Same data dir (H2 refuses a second opener of its file) and same edge port: both free again.
        env.put("EDGECERT_API_PORT", "0");
        try (EdgecertNode node = EdgecertNode.start(EdgecertConfig.from(env))) {
            assertThat(node.edge().httpsPort()).isEqualTo(edgePort);
            assertThat(node.apiPort()).isPositive();
        }
    }
}
