package io.edgecert;

import io.edgecert.config.Env;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Everything edgecert reads from its environment (api.md, "Running"). One record, read once at
 * start, so that nothing deeper in the code calls System.getenv.
 */
public record EdgecertConfig(
        Path dataDir,
        Optional<String> dbUrl,
        Optional<String> dbUser,
        Optional<String> dbPassword,
        String apiBind,
        int apiPort,
        int edgeHttpsPort,
        int edgeHttpPort,
        String edgeDomain,
        Optional<String> adminToken,
        Optional<String> masterKey,
        Optional<Path> trustStorePem,
        OptionalLong maxCertificates,
        int maxJobItems,
        // EDGECERT_JOB_WORKERS: jobs this node runs at once; 0 for an API/console-only node that runs none
        int jobWorkers,
        // EDGECERT_JOB_DEPLOY_TIMEOUT: how long a job waits for every live edge to serve its distributions
        Duration jobDeployTimeout,
        io.edgecert.events.NotificationSettings notifications,
        io.edgecert.edge.EdgeSettings edge,
        // EDGECERT_CONSOLE_PASSWORD: the first console user's password (else a one-time one in the data dir)
        Optional<String> consolePassword) {

    public static EdgecertConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static EdgecertConfig from(Map<String, String> env) {
        Env e = new Env(env);
        int httpsPort = e.port("EDGECERT_EDGE_HTTPS_PORT", 8443);
        int httpPort = e.port("EDGECERT_EDGE_HTTP_PORT", 8081);
        String edgeDomain = e.text("EDGECERT_EDGE_DOMAIN", "edge.localhost");
        return new EdgecertConfig(
                Path.of(e.text("EDGECERT_DATA_DIR", "./data")),
                e.get("EDGECERT_DB_URL"),
                e.get("EDGECERT_DB_USER"),
                e.get("EDGECERT_DB_PASSWORD"),
                e.text("EDGECERT_API_BIND", "127.0.0.1"),
                e.port("EDGECERT_API_PORT", 8080),
                httpsPort,
                httpPort,
                edgeDomain,
                e.get("EDGECERT_ADMIN_TOKEN"),
                e.get("EDGECERT_MASTER_KEY"),
                e.get("EDGECERT_TRUST_STORE").map(Path::of),
                e.optionalNumber("EDGECERT_MAX_CERTIFICATES", 0, Long.MAX_VALUE),
                // a job's items are held and validated together: a million is far past any real batch
                e.integer("EDGECERT_MAX_JOB_ITEMS", 1, 1_000_000, 10_000),
                e.integer("EDGECERT_JOB_WORKERS", 0, 256, 2),
                e.duration("EDGECERT_JOB_DEPLOY_TIMEOUT", io.edgecert.jobs.JobRunner.DEFAULT_DEPLOY_TIMEOUT),
                io.edgecert.events.NotificationSettings.from(e),
                io.edgecert.edge.EdgeSettings.from(e, httpsPort, httpPort, edgeDomain),
                e.get("EDGECERT_CONSOLE_PASSWORD"));
    }
}
