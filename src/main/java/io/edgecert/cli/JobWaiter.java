package io.edgecert.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.PrintStream;
import java.time.Duration;

/**
 * Polls a job until it finishes, showing progress on stderr: one redrawn bar on a terminal, plain
 * lines (on change, and every {@link #HEARTBEAT} otherwise) when stderr is a log or a pipe. Polling
 * the job resource rather than the event stream keeps it working through proxies that buffer
 * streams; each poll asks for no items, so it stays cheap for jobs of thousands of certificates.
 */
final class JobWaiter {
    static final Duration HEARTBEAT = Duration.ofSeconds(10);

    private final ApiClient api;
    private final CliContext ctx;

    JobWaiter(ApiClient api, CliContext ctx) {
        this.api = api;
        this.ctx = ctx;
    }

    /** The finished job, with its first page of items. */
    JsonNode await(String jobId) {
        PrintStream err = ctx.err();
        String jobPath = ApiClient.path("jobs", jobId);
        String lastLine = null;
        long lastPrinted = 0;
        int drawnWidth = 0;
        while (true) {
            JobProgress progress = JobProgress.of(Replies.read(api.get(jobPath, ApiClient.query("itemLimit", 0)), Replies.Job.class));
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
                long now = System.nanoTime();
                if (!line.equals(lastLine) || now - lastPrinted >= HEARTBEAT.toNanos()) {
                    err.println(line);
                    lastLine = line;
                    lastPrinted = now;
                }
            }
            if (progress.finished()) {
                return api.get(jobPath, ApiClient.query());
            }
            try {
                Thread.sleep(ctx.pollInterval().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw CliException.io("interrupted while waiting for job " + jobId, e);
            }
        }
    }
}
