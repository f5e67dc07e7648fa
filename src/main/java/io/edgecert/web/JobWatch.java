package io.edgecert.web;

import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobStatus;
import io.edgecert.problems.ErrorCode;
import io.edgecert.problems.ProblemException;
import io.javalin.http.sse.SseClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Streams a job to a server-sent-events client: a "progress" event whenever what the client sees
 * changes, then "finished" and close. It polls the database, so it is right whichever node runs
 * the job. The API and the console both watch jobs this way, with their own event bodies.
 */
public final class JobWatch {
    private static final Logger log = LoggerFactory.getLogger(JobWatch.class);

    private JobWatch() {
    }

    /**
     * @param summary      the job now (counters, no items)
     * @param progressBody the "progress" event's body for a job
     * @param finishedBody the "finished" event's body for a finished job
     */
    public static void stream(SseClient client, ScheduledExecutorService watchers, long periodMillis,
                              Supplier<Job> summary, Function<Job, String> progressBody,
                              Function<Job, String> finishedBody) {
        client.keepAlive();
        AtomicReference<String> last = new AtomicReference<>("");
        AtomicReference<ScheduledFuture<?>> task = new AtomicReference<>();
        Runnable stop = () -> {
            ScheduledFuture<?> t = task.get();
            if (t != null) {
                t.cancel(false);
            }
        };
        Runnable tick = () -> {
            if (client.terminated()) {
                stop.run();
                return;
            }
            try {
                Job job = summary.get();
                if (job.status().finished() && job.status() != JobStatus.PENDING) {
                    client.sendEvent("finished", finishedBody.apply(job));
                    client.close();
                    return;
                }
                String body = progressBody.apply(job);
                if (!body.equals(last.get())) {
                    client.sendEvent("progress", body);
                    last.set(body);
                }
            } catch (RuntimeException e) {
                log.debug("Job watch ended: {}", e.toString());
                // errors on the stream are problems too, as the API's responses are
                client.sendEvent("error", e instanceof ProblemException p ? ProblemResponses.json(p)
                        : ProblemResponses.json(500, ErrorCode.InternalError, "the watch failed; the server log has the details",
                        java.util.List.of()));
                client.close();
            }
        };
        client.onClose(stop);
        task.set(watchers.scheduleWithFixedDelay(tick, 0, periodMillis, TimeUnit.MILLISECONDS));
    }
}
