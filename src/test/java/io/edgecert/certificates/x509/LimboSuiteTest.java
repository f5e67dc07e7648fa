package io.edgecert.certificates.x509;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The x509-limbo suite against edgecert's path validator and host-name matcher: one dynamic test
 * per case, named by its id. Unsupported features are skipped (aborted) with the reason of
 * {@link LimboCases.Skip}; at the end the tally is printed and written to
 * {@code target/limbo-report.txt}. Without the suite's file it reports one skipped test naming the
 * missing file, never a silent pass. See docs/limbo.md.
 */
class LimboSuiteTest {
    /** Some cases are built to make validators slow; none may take longer than this. */
    private static final Duration PER_CASE = Duration.ofSeconds(20);
    private static final Path REPORT = Path.of("target", "limbo-report.txt");
    private static final LimboCases.Tally TALLY = new LimboCases.Tally();

    @TestFactory
    Stream<DynamicTest> limbo() throws IOException {
        if (!Files.isReadable(LimboCases.FILE)) {
            // One skipped test that says why: an assumption on the factory itself would report no
            // test at all, and a clone without ../shared would pass as if the suite had run.
            String why = "x509-limbo cases not found at " + LimboCases.FILE.toAbsolutePath()
                    + " (clone edgecert beside shared/, or give -Dedgecert.limbo=PATH/limbo.json)";
            return Stream.of(DynamicTest.dynamicTest("x509-limbo suite missing", () -> Assumptions.abort(why)));
        }
        Map<String, LimboCases.Case> cases = LimboCases.load(LimboCases.FILE);
        TALLY.total = cases.size();
        return cases.values().stream().map(c -> DynamicTest.dynamicTest(c.id(), () -> run(c, cases)));
    }

    private static void run(LimboCases.Case c, Map<String, LimboCases.Case> all) {
        Optional<LimboCases.Skip> skip = LimboCases.skip(c, all);
        if (skip.isPresent()) {
            TALLY.skip(c, skip.get());
            Assumptions.abort(skip.get().name() + ": " + skip.get().reason
                    + LimboCases.contradicts(c).map(o -> " (contradicts " + o + ")").orElse(""));
        }
        LimboCases.Verdict v = assertTimeoutPreemptively(PER_CASE, () -> LimboCases.evaluate(c), c.id() + " took too long");
        TALLY.record(c, v);
        assertEquals(c.expected(), v.result(), c.id() + ": " + v.detail());
    }

    @AfterAll
    static void report() throws IOException {
        if (TALLY.total == 0) {
            return;
        }
        String report = TALLY.report();
        System.out.println(report);
        Files.createDirectories(REPORT.getParent());
        Files.writeString(REPORT, report, StandardCharsets.UTF_8);
    }
}
