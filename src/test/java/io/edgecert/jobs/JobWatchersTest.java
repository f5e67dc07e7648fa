package io.edgecert.jobs;

import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Many live clients of one job share one watcher: the job is read once per change, not once per client. */
class JobWatchersTest {
    static final int CLIENTS = 50;

    @Test
    void fiftyListenersOfARunningJobCostOneReadPerChange() {
        try (TestNode node = TestNode.start(TestNode.Store.H2)) {
            JobWatchers watchers = node.node().jobs().watchers();
            String jobId;
            List<List<JobStatus>> seen = new ArrayList<>();
            long readsBefore;
            try (HeldJobRunner held = HeldJobRunner.hold(node)) {
                jobId = held.submitImport(20);
                for (int i = 0; i < CLIENTS; i++) {
                    List<JobStatus> statuses = new CopyOnWriteArrayList<>();
                    seen.add(statuses);
                    watchers.watch(jobId, job -> {
                        statuses.add(job.status());
                        return !job.status().finished();
                    });
                }
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().noneMatch(List::isEmpty));
                readsBefore = watchers.reads();
            }
            // the held job runs now: its progress and its end reach every listener
            await().atMost(Duration.ofSeconds(60)).until(() -> seen.stream().allMatch(s -> s.contains(JobStatus.SUCCEEDED)));
            long reads = watchers.reads() - readsBefore;
            assertThat(reads).as("reads of the job while it ran, for %d listeners", CLIENTS).isBetween(1L, (long) CLIENTS - 1);
            assertThat(seen).allSatisfy(s -> assertThat(s).startsWith(JobStatus.PENDING).endsWith(JobStatus.SUCCEEDED));
        }
    }
}
