package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecert.json.Json;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Waits for a job to finish, showing progress on stderr: one redrawn bar on a terminal, plain
 * lines (on change, and every {@link #HEARTBEAT} otherwise) when stderr is a log or a pipe. It
 * follows the job's event stream, which the server feeds once per change, so waiting costs no
 * polling; if the stream cannot be had (a proxy that refuses streams) or breaks, it looks at the
 * job (no items: cheap for thousands of certificates) every {@code pollInterval} instead.
 */
final class JobWaiter {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final ApiClient api;
    private final CliContext ctx;
    private String lastLine;
    private long lastPrinted;
    private int drawnWidth;

    JobWaiter(ApiClient api, CliContext ctx) {
        this.api = api;
        this.ctx = ctx;
    }

    /** The finished job, with its first page of items. */
    JsonNode await(String jobId) {
        String jobPath = ApiClient.path("jobs", jobId);
        ScheduledExecutorService heartbeat = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "edgecert-wait-heartbeat");
            t.setDaemon(true);
            return t;
        });
        try {
            if (!ctx.terminal()) {
                heartbeat.scheduleAtFixedRate(this::heartbeat, HEARTBEAT.toMillis(), HEARTBEAT.toMillis() / 2,
                        TimeUnit.MILLISECONDS);
            }
            JobProgress progress = show(api.get(jobPath, ApiClient.query("itemLimit", 0)));
            while (!progress.finished()) {
                follow(jobPath);
                progress = show(api.get(jobPath, ApiClient.query("itemLimit", 0)));
                if (!progress.finished()) {
                    pause(jobId); // no stream, or it ended early (a node restarting): not a tight loop either way
                }
            }
            return api.get(jobPath, ApiClient.query());
        } finally {
            heartbeat.shutdownNow();
        }
    }

    /** Shows each change the stream reports until "finished" (or until it ends or cannot be had). */
    private void follow(String jobPath) {
        try {
            api.events(jobPath + "/events", event -> {
                if (event.name().equals("progress")) {
                    show(Json.read(event.data(), JsonNode.class));
                    return true;
                }
                return false; // finished (its job is read again, the same way as without a stream), or an error
            });
        } catch (CliException e) {
            // no stream: the caller looks at the job every pollInterval instead
        }
    }

    private synchronized JobProgress show(JsonNode job) {
        JobProgress progress = JobProgress.of(job);
        PrintStream err = ctx.err();
        if (ctx.terminal()) {
            String bar = progress.bar();
            err.print("\r" + bar + " ".repeat(Math.max(0, drawnWidth - bar.length())));
            drawnWidth = bar.length();
            if (progress.finished()) {
                err.println();
            }
            err.flush();
        } else {
            String line = progress.line();
            if (!line.equals(lastLine)) {
                print(line);
            }
        }
        return progress;
    }

    /** A log or pipe sees the job is still being waited for. */
    private synchronized void heartbeat() {
        if (lastLine != null && System.nanoTime() - lastPrinted >= HEARTBEAT.toNanos()) {
            print(lastLine);
        }
    }

    private void print(String line) {
        ctx.err().println(line);
        lastLine = line;
        lastPrinted = System.nanoTime();
    }

    private void pause(String jobId) {
        try {
            Thread.sleep(ctx.pollInterval().toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CliException.io("interrupted while waiting for job " + jobId, e);
        }
    }
}
