package io.edgecert.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;

/**
 * A real local origin for the edge's proxy: {@code /echo} answers with the request body and
 * reports the request headers it saw (as {@code X-Seen-<name>}), {@code /slow?ms=} waits before
 * answering, {@code /bytes?n=} streams n bytes in chunks. Every request is recorded.
 */
public final class OriginServer implements AutoCloseable {
    public record Seen(String method, String path, Map<String, List<String>> headers) {
        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    private final HttpServer server;
    public final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();

    private OriginServer(HttpServer server) {
        this.server = server;
    }

    public static OriginServer start() {
        try {
            HttpServer s = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 200);
            OriginServer o = new OriginServer(s);
            s.createContext("/", o::handle);
            s.setExecutor(Executors.newFixedThreadPool(16));
            s.start();
            return o;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange ex) throws IOException {
        seen.add(new Seen(ex.getRequestMethod(), ex.getRequestURI().toString(), Map.copyOf(ex.getRequestHeaders())));
        String path = ex.getRequestURI().getPath();
        String query = ex.getRequestURI().getQuery() == null ? "" : ex.getRequestURI().getQuery();
        byte[] body;
        try (InputStream in = ex.getRequestBody()) {
            body = in.readAllBytes();
        }
        ex.getRequestHeaders().forEach((k, v) -> {
            if (!k.equalsIgnoreCase("Content-Length") && !k.equalsIgnoreCase("Transfer-Encoding")) {
                ex.getResponseHeaders().put("X-Seen-" + k, v);
            }
        });
        ex.getResponseHeaders().add("X-Origin-Path", ex.getRequestURI().toString());
        if (path.endsWith("/slow")) {
            try {
                Thread.sleep(Long.parseLong(query.replace("ms=", "")));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (path.endsWith("/bytes")) {
            long n = Long.parseLong(query.replace("n=", ""));
            ex.sendResponseHeaders(200, 0); // chunked
            try (OutputStream out = ex.getResponseBody()) {
                byte[] chunk = new byte[16 * 1024];
                for (long left = n; left > 0; left -= chunk.length) {
                    java.util.Arrays.fill(chunk, (byte) ('a' + (left / chunk.length) % 26));
                    out.write(chunk, 0, (int) Math.min(chunk.length, left));
                }
            }
            return;
        }
        ex.sendResponseHeaders(200, body.length == 0 ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
