package io.edgecert.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * How far a job is, from its steps' counters: work done is the items each step has finished
 * (succeeded or failed) out of the items of the steps that run (a SKIPPED step is no work).
 */
record JobProgress(String jobId, String status, int done, int total, String steps) {
    static final Set<String> FINISHED = Set.of("SUCCEEDED", "FAILED", "CLEANED_UP");
    private static final int BAR_WIDTH = 30;

    static JobProgress of(Replies.Job job) {
        int done = 0;
        int total = 0;
        List<String> steps = new ArrayList<>();
        for (Replies.Step step : job.steps()) {
            int finished = step.succeeded() + step.failed();
            if (!step.status().equals("SKIPPED")) {
                done += finished;
                total += step.total();
            }
            steps.add(step.name() + " " + step.status() + " " + finished + "/" + step.total()
                    + (step.failed() > 0 ? " (" + step.failed() + " failed)" : ""));
        }
        return new JobProgress(job.id(), job.status(), done, total, String.join(", ", steps));
    }

    boolean finished() {
        return FINISHED.contains(status);
    }

    int percent() {
        if (total == 0) {
            return finished() ? 100 : 0;
        }
        return (int) Math.min(100, (long) done * 100 / total);
    }

    /** A line for logs and pipes: "job ID RUNNING 45% - IMPORT_CERTIFICATES SUCCEEDED 4/4, ...". */
    String line() {
        return "job " + jobId + " " + status + " " + percent() + "%" + (steps.isEmpty() ? "" : " - " + steps);
    }

    /** The line a terminal redraws in place: "[#########.....]  45% RUNNING IMPORT_CERTIFICATES ...". */
    String bar() {
        int filled = percent() * BAR_WIDTH / 100;
        return "[" + "#".repeat(filled) + ".".repeat(BAR_WIDTH - filled) + "] " + String.format("%3d%%", percent())
                + " " + status + (steps.isEmpty() ? "" : " " + steps);
    }
}
