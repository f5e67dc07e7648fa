package io.edgecert.edge;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedWriter;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The edge's access log (EDGECERT_ACCESS_LOG: "stdout" or a file path; off when unset). The
 * event loops hand finished requests to a bounded queue and never wait: one writer thread formats
 * and writes them. When the queue is full the entry is dropped and counted
 * (edgecert_edge_access_log_dropped), so a slow disk slows nobody's requests.
 *
 * <p>One line per request, tab-separated, {@code -} for a field without a value
 * (docs/caching.md, "The request path"):
 * <pre>time client host method path status bytes cache-status origin-ms distribution</pre>
 */
final class AccessLog implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AccessLog.class);
    static final int QUEUE = 16_384;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    /**
     * One finished request, as the log stage saw it.
     *
     * @param originNanos -1 when no origin was asked (an edge answer, a cache hit)
     */
    record Entry(long epochMillis, String client, String host, String method, String path, int status, long bytes,
                 String cacheStatus, long originNanos, String distributionId) {
        String line() {
            return TIME.format(Instant.ofEpochMilli(epochMillis)) + '\t' + field(client) + '\t' + field(host) + '\t'
                    + field(method) + '\t' + field(path) + '\t' + status + '\t' + bytes + '\t' + field(cacheStatus) + '\t'
                    + (originNanos < 0 ? "-" : String.format(Locale.ROOT, "%.3f", originNanos / 1e6)) + '\t'
                    + field(distributionId);
        }

        /** Tabs and line breaks cannot come from the HTTP decoders; replaced anyway, a log line stays one line. */
        private static String field(String v) {
            if (v == null || v.isEmpty()) {
                return "-";
            }
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (c == '\t' || c == '\n' || c == '\r') {
                    return v.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
                }
            }
            return v;
        }
    }

    private final ArrayBlockingQueue<Entry> queue;
    private final Writer out;
    private final boolean ownsOut;
    private final Counter dropped;
    private final Thread writer;
    private volatile boolean closed;

    AccessLog(Writer out, boolean ownsOut, int capacity, MeterRegistry metrics) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.out = out;
        this.ownsOut = ownsOut;
        this.dropped = Counter.builder("edgecert_edge_access_log_dropped")
                .description("access log lines dropped because the writer fell behind").register(metrics);
        this.writer = new Thread(this::run, "edgecert-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** @param target "stdout" or a file path (appended to); empty: no access log */
    static Optional<AccessLog> open(Optional<String> target, MeterRegistry metrics) {
        return target.map(t -> open(t, QUEUE, metrics));
    }

    static AccessLog open(String target, int capacity, MeterRegistry metrics) {
        if (target.equalsIgnoreCase("stdout")) {
            return new AccessLog(new BufferedWriter(new OutputStreamWriter(new FileOutputStream(FileDescriptor.out),
                    StandardCharsets.UTF_8)), false, capacity, metrics);
        }
        try {
            return new AccessLog(Files.newBufferedWriter(Path.of(target), StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE), true, capacity, metrics);
        } catch (IOException e) {
            throw new UncheckedIOException("the access log " + target + " cannot be opened", e);
        }
    }

    /** Never blocks: a full queue drops the entry. */
    void add(Entry e) {
        if (closed || !queue.offer(e)) {
            dropped.increment();
        }
    }

    int queued() {
        return queue.size();
    }

    long dropped() {
        return (long) dropped.count();
    }

    private void run() {
        try {
            while (!closed || !queue.isEmpty()) {
                Entry e = queue.poll(200, TimeUnit.MILLISECONDS);
                if (e != null) {
                    out.write(e.line());
                    out.write('\n');
                }
                if (queue.isEmpty()) {
                    out.flush(); // a quiet edge's lines show up at once; a busy one's in batches
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("The access log stopped: {}", e.toString());
            closed = true;
        }
    }

    /** Writes what is queued, then stops. */
    @Override
    public void close() {
        closed = true;
        try {
            writer.join(5_000);
            if (ownsOut) {
                out.close();
            } else {
                out.flush();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            log.warn("Closing the access log: {}", e.toString());
        }
    }
}
