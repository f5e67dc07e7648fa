package io.edgecert.jobs;

import io.edgecert.testing.HeldJobRunner;
import io.edgecert.testing.TestApi;
import io.edgecert.testing.TestNode;
import io.edgecert.testing.TestPki;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
                List<Map<String, Object>> items = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String name = "w" + i + "-" + UUID.randomUUID().toString().substring(0, 8) + ".example.com";
                    TestPki.Hierarchy h = TestPki.hierarchy(TestPki.ec("secp256r1"), name);
                    items.add(Map.of("certificate", h.leaf().certificatePem(), "privateKey", h.leaf().keyPem(),
                            "certificateChain", h.chainPem()));
                }
                TestApi.Response r = node.api().post("/api/v1/jobs/import-certificates", Map.of("certificates", items));
                assertThat(r.status()).as(r.body()).isEqualTo(202);
                jobId = r.json().get("jobId").asText();
                held.assertPending(jobId);
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
