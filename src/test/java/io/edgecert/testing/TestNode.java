package io.edgecert.testing;

import io.edgecert.EdgecertConfig;
import io.edgecert.EdgecertNode;
import io.edgecert.serving.CachePurger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * A real edgecert node for tests: its own temp data dir, a random API port, a known admin token,
 * and either embedded H2 or a fresh PostgreSQL database that is dropped on close.
 */
public final class TestNode implements AutoCloseable {
    public static final String TOKEN = "test-admin-token-0123456789";

    private EdgecertNode node;
    private final Path dataDir;
    private final TestPostgres.Db postgres;
    private TestApi api;
    private boolean stopped;

    private final Map<String, String> env;
    private final boolean ownsDatabase;
    private final UnaryOperator<CachePurger> purgers;

    private TestNode(EdgecertNode node, Path dataDir, TestPostgres.Db postgres, Map<String, String> env, boolean ownsDatabase,
                     UnaryOperator<CachePurger> purgers) {
        this.node = node;
        this.purgers = purgers;
        this.dataDir = dataDir;
        this.postgres = postgres;
        this.env = Map.copyOf(env);
        this.ownsDatabase = ownsDatabase;
        this.api = new TestApi("http://127.0.0.1:" + node.apiPort(), TOKEN);
    }

    public enum Store { H2, POSTGRESQL }

    public static TestNode start(Store store) {
        return start(store, Map.of());
    }

    public static TestNode start(Store store, Map<String, String> extraEnv) {
        return start(store, extraEnv, UnaryOperator.identity());
    }

    /** A node whose invalidation follower purges through {@code purgers} (EdgecertNode.start). */
    public static TestNode start(Store store, Map<String, String> extraEnv, UnaryOperator<CachePurger> purgers) {
        try {
            Path dir = Files.createTempDirectory("edgecert-test");
            Map<String, String> env = new HashMap<>();
            env.put("EDGECERT_DATA_DIR", dir.toString());
            env.put("EDGECERT_API_PORT", "0");
            env.put("EDGECERT_ADMIN_TOKEN", TOKEN);
            env.put("EDGECERT_EDGE_HTTPS_PORT", "0");
            env.put("EDGECERT_EDGE_HTTP_PORT", "0");
            env.put("EDGECERT_EDGE_DOMAIN", "edge.test");
            // Nodes sharing a database must share the master key too.
            env.put("EDGECERT_MASTER_KEY", io.edgecert.crypto.MasterKey.generateBase64());
            TestPostgres.Db pg = null;
            if (store == Store.POSTGRESQL) {
                pg = TestPostgres.createDatabase();
                env.put("EDGECERT_DB_URL", pg.url());
                env.put("EDGECERT_DB_USER", "postgres");
            }
            env.putAll(extraEnv);
            return new TestNode(EdgecertNode.start(EdgecertConfig.from(env), purgers), dir, pg, env, true, purgers);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Another node on the same PostgreSQL database (and master key), with its own data dir. */
    public TestNode startAnotherNode() {
        return startAnotherNode(Map.of());
    }

    /** Another node on the same database, with some settings of its own (EDGECERT_JOB_WORKERS...). */
    public TestNode startAnotherNode(Map<String, String> overrides) {
        return startAnotherNode(overrides, UnaryOperator.identity());
    }

    /** Another node on the same database whose invalidation follower purges through {@code purgers}. */
    public TestNode startAnotherNode(Map<String, String> overrides, UnaryOperator<CachePurger> purgers) {
        if (postgres == null) {
            throw new IllegalStateException("only nodes on PostgreSQL can share a database");
        }
        try {
            Path dir = Files.createTempDirectory("edgecert-test");
            Map<String, String> next = new HashMap<>(env);
            next.put("EDGECERT_DATA_DIR", dir.toString());
            next.putAll(overrides);
            return new TestNode(EdgecertNode.start(EdgecertConfig.from(next), purgers), dir, postgres, next, false, purgers);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Stops the node, keeping its data dir and database for {@link #restart}. */
    public void stop() {
        if (!stopped) {
            node.close();
            stopped = true;
        }
    }

    /** Stops this node (unless stopped) and starts it again on the same data dir and database (new ports). */
    public void restart() {
        stop();
        try {
            node = EdgecertNode.start(EdgecertConfig.from(env), purgers);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        stopped = false;
        api = new TestApi("http://127.0.0.1:" + node.apiPort(), TOKEN);
    }

    public TestApi api() {
        return api;
    }

    public EdgecertNode node() {
        return node;
    }

    public Path dataDir() {
        return dataDir;
    }

    public int apiPort() {
        return node.apiPort();
    }

    @Override
    public void close() {
        stop();
        if (postgres != null && ownsDatabase) {
            postgres.drop();
        }
    }
}
