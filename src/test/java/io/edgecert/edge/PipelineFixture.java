package io.edgecert.edge;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.edgecert.serving.CacheBehavior;
import io.edgecert.serving.CustomErrorResponse;
import io.edgecert.serving.EdgeRoute;
import io.edgecert.serving.KeyProvider;
import io.edgecert.serving.ManagedPolicies;
import io.edgecert.serving.MinimumProtocol;
import io.edgecert.serving.OriginGroup;
import io.edgecert.serving.OriginRequestPolicy;
import io.edgecert.serving.PathPattern;
import io.edgecert.serving.SealedMaterial;
import io.edgecert.serving.ServingMaterial;
import io.edgecert.serving.ViewerProtocolPolicy;
import io.edgecert.testing.EdgeProbe;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * An edge started on its own (no node, no database) with routes made here, so that cache
 * behaviors, origin groups and error responses can be given exactly; real origins (JDK
 * HttpServer) that say who they are, and curl as the client.
 */
final class PipelineFixture implements AutoCloseable {
    final EdgeServer edge;
    final SimpleMeterRegistry metrics = new SimpleMeterRegistry();

    PipelineFixture(Map<String, String> env) throws Exception {
        Map<String, String> all = new HashMap<>(Map.of("EDGECERT_EDGE_BIND", "127.0.0.1",
                "EDGECERT_EDGE_ORIGIN_RESPONSE_TIMEOUT", "2", "EDGECERT_EDGE_ORIGIN_CONNECT_TIMEOUT", "2"));
        all.putAll(env);
        edge = EdgeServer.start(EdgeSettings.from(all, 0, 0, "edge.test"), () -> new KeyProvider() {
            @Override
            public List<SealedMaterial> load(Collection<String> certificateIds) {
                return List.of();
            }

            @Override
            public ServingMaterial unseal(SealedMaterial sealed) {
                throw new UnsupportedOperationException();
            }
        }, metrics);
    }

    /** A route served on its own domain name (the edge's default certificate), returned with that name. */
    static EdgeRoute route(List<EdgeRoute.Origin> origins, List<OriginGroup> groups, CacheBehavior defaultBehavior,
                           List<CacheBehavior> behaviors, List<CustomErrorResponse> errors) {
        String id = "d" + UUID.randomUUID().toString().substring(0, 8);
        return new EdgeRoute(id, 1, List.of(), id + ".edge.test", Optional.empty(), 0, MinimumProtocol.DEFAULT, origins,
                origins.get(0).id(), groups, defaultBehavior, behaviors, errors);
    }

    static CacheBehavior behavior(String pattern, String target, ViewerProtocolPolicy viewer, Set<String> methods,
                                  OriginRequestPolicy policy) {
        return new CacheBehavior(PathPattern.parse(pattern).orElseThrow(), target, viewer, methods, CacheBehavior.GET_HEAD,
                false, ManagedPolicies.CACHING_DISABLED, policy, Optional.empty());
    }

    static CacheBehavior behavior(String pattern, String target) {
        return behavior(pattern, target, ViewerProtocolPolicy.REDIRECT_TO_HTTPS, CacheBehavior.ALL_METHODS,
                ManagedPolicies.ALL_VIEWER);
    }

    void serve(EdgeRoute... routes) {
        edge.apply(List.of(routes));
    }

    static int closedPort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A response as curl saw it. */
    record Reply(int status, String httpVersion, Map<String, String> headers, String body) {
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** curl against the edge: {@code https} or {@code http} port, host routed by --resolve; extra curl options. */
    Reply curl(boolean https, String host, String pathAndQuery, String... options) {
        int port = https ? edge.httpsPort() : edge.httpPort();
        List<String> cmd = new ArrayList<>(List.of("curl", "-sS", "-k", "--max-time", "15", "--resolve",
                host + ":" + port + ":127.0.0.1", "-D", "-", "-w", "\n%{http_version}"));
        cmd.addAll(List.of(options));
        cmd.add((https ? "https://" : "http://") + host + ":" + port + pathAndQuery);
        EdgeProbe.Run r = EdgeProbe.run(cmd, null);
        if (r.exitCode() != 0) {
            throw new AssertionError("curl failed: " + r.stderr());
        }
        String out = r.stdout();
        String version = out.substring(out.lastIndexOf('\n') + 1);
        out = out.substring(0, out.lastIndexOf('\n'));
        int split = out.indexOf("\r\n\r\n");
        String head = out.substring(0, split);
        String body = out.substring(split + 4);
        String[] lines = head.split("\r\n");
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.merge(lines[i].substring(0, colon).strip().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).strip(),
                    (a, b) -> a + ", " + b);
        }
        return new Reply(Integer.parseInt(lines[0].split(" ")[1]), version, headers, body);
    }

    @Override
    public void close() {
        edge.close();
    }

    /**
     * A real origin that names itself in every answer ("{name} {method} {uri}"), records what it
     * was asked, and answers {@code /status/NNN...} with status NNN.
     */
    static final class NamedOrigin implements AutoCloseable {
        record Seen(String method, String uri, Map<String, List<String>> headers) {
            String header(String name) {
                return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                        .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
            }
        }

        final String name;
        private final boolean statuses;
        final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
        private final HttpServer server;

        NamedOrigin(String name) {
            this(name, true);
        }

        /** @param statuses false: /status/NNN is answered 200 like any path (a healthy secondary) */
        NamedOrigin(String name, boolean statuses) {
            this.name = name;
            this.statuses = statuses;
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", this::handle);
            server.setExecutor(Executors.newFixedThreadPool(4));
            server.start();
        }

        URI url() {
            return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
        }

        EdgeRoute.Origin origin(String id) {
            return new EdgeRoute.Origin(id, url());
        }

        private void handle(HttpExchange ex) throws IOException {
            seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders())));
            try (InputStream in = ex.getRequestBody()) {
                in.readAllBytes();
            }
            String path = ex.getRequestURI().getPath();
            int status = 200;
            if (statuses && path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring(8, 11));
            }
            if (path.contains("/slow") || statuses && path.contains("/hang")) {
                try {
                    Thread.sleep(path.contains("/hang") ? 3_000 : 300);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            byte[] body = (name + " " + ex.getRequestMethod() + " " + ex.getRequestURI()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("X-Origin", name);
            ex.sendResponseHeaders(status, ex.getRequestMethod().equals("HEAD") ? -1 : body.length);
            try (OutputStream out = ex.getResponseBody()) {
                if (!ex.getRequestMethod().equals("HEAD")) {
                    out.write(body);
                }
            }
        }

        @Override
        public void close() {
            server.stop(0);
            ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
        }
    }
}
