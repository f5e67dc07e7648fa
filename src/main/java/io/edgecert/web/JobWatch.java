package io.edgecert.web;

import io.edgecert.jobs.Job;
import io.edgecert.jobs.JobWatchers;
import io.edgecert.problems.ProblemException;
import io.javalin.http.sse.SseClient;

import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Streams a job to a server-sent-events client: a "progress" event whenever what the client sees
 * changes, then "finished" and close. The client is one listener of the job's shared watcher
 * ({@link JobWatchers}), which reads the job once per change for all its clients, whichever node
 * runs it. The API and the console both watch jobs this way, with their own event bodies.
 * The sends run on the watchers' delivery pool, never on the watcher thread: a client that stops
 * reading blocks only its own send, and meanwhile skips to the latest state (finished is kept).
 */
public final class JobWatch {
    private JobWatch() {
    }

    /**
     * @param progressBody the "progress" event's body for a job
     * @param finishedBody the "finished" event's body for a finished job
     */
    public static void stream(SseClient client, JobWatchers watchers, String jobId, Function<Job, String> progressBody,
                              Function<Job, String> finishedBody) {
        client.keepAlive();
        AtomicReference<String> last = new AtomicReference<>("");
        JobWatchers.Registration registration = watchers.watch(jobId, new JobWatchers.Listener() {
            @Override
            public boolean onJob(Job job) {
                if (client.terminated()) {
                    return false;
                }
                if (job.status().finished()) {
                    client.sendEvent("finished", finishedBody.apply(job));
                    client.close();
                    return false;
                }
                String body = progressBody.apply(job);
                if (!body.equals(last.getAndSet(body))) {
                    client.sendEvent("progress", body);
                }
                return true;
            }

            @Override
            public void onFailure(ProblemException problem) {
                // errors on the stream are problems too, as the API's responses are
                client.sendEvent("error", ProblemResponses.json(problem));
                client.close();
            }
        });
        client.onClose(registration::close);
    }
}
