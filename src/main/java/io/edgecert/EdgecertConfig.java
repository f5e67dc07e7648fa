package io.edgecert;

import java.nio.file.Path;
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
        io.edgecert.events.NotificationSettings notifications,
        io.edgecert.edge.EdgeSettings edge,
        // EDGECERT_CONSOLE_PASSWORD: the first console user's password (else a one-time one in the data dir)
        Optional<String> consolePassword) {

    public static EdgecertConfig fromEnvironment() {
        return from(System.getenv());
    }

    public static EdgecertConfig from(Map<String, String> env) {
        Env e = new Env(env);
        return new EdgecertConfig(
                Path.of(e.get("EDGECERT_DATA_DIR").orElse("./data")),
                e.get("EDGECERT_DB_URL"),
                e.get("EDGECERT_DB_USER"),
                e.get("EDGECERT_DB_PASSWORD"),
                e.get("EDGECERT_API_BIND").orElse("127.0.0.1"),
                e.port("EDGECERT_API_PORT", 8080),
                e.port("EDGECERT_EDGE_HTTPS_PORT", 8443),
                e.port("EDGECERT_EDGE_HTTP_PORT", 8081),
                e.get("EDGECERT_EDGE_DOMAIN").orElse("edge.localhost"),
                e.get("EDGECERT_ADMIN_TOKEN"),
                e.get("EDGECERT_MASTER_KEY"),
                e.get("EDGECERT_TRUST_STORE").map(Path::of),
                e.get("EDGECERT_MAX_CERTIFICATES").map(v -> OptionalLong.of(e.positiveLong("EDGECERT_MAX_CERTIFICATES", v)))
                        .orElse(OptionalLong.empty()),
                (int) e.get("EDGECERT_MAX_JOB_ITEMS").map(v -> e.positiveLong("EDGECERT_MAX_JOB_ITEMS", v)).orElse(10_000L).longValue(),
                (int) e.get("EDGECERT_JOB_WORKERS").map(v -> e.positiveLong("EDGECERT_JOB_WORKERS", v)).orElse(2L).longValue(),
                io.edgecert.events.NotificationSettings.from(env),
                io.edgecert.edge.EdgeSettings.from(env, e.port("EDGECERT_EDGE_HTTPS_PORT", 8443),
                        e.port("EDGECERT_EDGE_HTTP_PORT", 8081), e.get("EDGECERT_EDGE_DOMAIN").orElse("edge.localhost")),
                e.get("EDGECERT_CONSOLE_PASSWORD"));
    }

    /** Small reader that turns bad values into messages naming the variable. */
    private record Env(Map<String, String> env) {
        Optional<String> get(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
        }

        int port(String name, int defaultPort) {
            return get(name).map(v -> {
                long p = positiveLong(name, v);
                if (p > 65535) {
                    throw new IllegalArgumentException(name + " must be a port number 0-65535, got " + v);
                }
                return (int) p;
            }).orElse(defaultPort);
        }

        long positiveLong(String name, String v) {
            try {
                long n = Long.parseLong(v);
                if (n < 0) {
                    throw new NumberFormatException();
                }
                return n;
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(name + " must be a non-negative whole number, got '" + v + "'");
            }
        }
    }
}
