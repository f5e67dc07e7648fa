package io.edgecert.web.console;

import io.edgecert.jobs.JobService.ImportItem;
import io.edgecert.jobs.JobService.ImportJobRequest;
import io.edgecert.problems.ProblemException;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The bounds of the reviews kept in memory: per session, in total, and sign-out. */
class PendingImportsTest {
    final PendingImports pending = new PendingImports(Clock.systemUTC());

    /** A request holding about this many characters of PEM text (one shared string: cheap to make). */
    static ImportJobRequest sized(String text) {
        return new ImportJobRequest(List.of(new ImportItem(Optional.empty(), text, "", Optional.empty())),
                Optional.of(false), Optional.empty(), Optional.empty(), List.of(), false);
    }

    PendingImports.Pending put(String session, ImportJobRequest request) {
        return pending.put(session, request, List.of(), List.of(), "one");
    }

    boolean kept(PendingImports.Pending p) {
        return pending.get(p.id(), p.sessionHash()).isPresent();
    }

    @Test
    void aSessionMakesRoomAmongItsOwnDraftsOnly() {
        PendingImports.Pending others = put("b", sized("x"));
        List<PendingImports.Pending> mine = new java.util.ArrayList<>();
        for (int i = 0; i < PendingImports.MAX_PER_SESSION + 3; i++) {
            mine.add(put("a", sized("x")));
        }
        assertThat(mine.stream().filter(this::kept)).hasSize(PendingImports.MAX_PER_SESSION);
        assertThat(kept(mine.get(0))).isFalse();
        assertThat(kept(mine.get(mine.size() - 1))).isTrue();
        assertThat(kept(others)).isTrue();

        // the same by size: a session's text beyond its share pushes out its own oldest draft
        String half = "x".repeat((int) (PendingImports.MAX_SESSION_CHARS / 2));
        PendingImports.Pending first = put("c", sized(half));
        PendingImports.Pending second = put("c", sized(half));
        PendingImports.Pending third = put("c", sized(half));
        assertThat(kept(first)).isFalse();
        assertThat(kept(second)).isTrue();
        assertThat(kept(third)).isTrue();
        assertThat(kept(others)).isTrue();
    }

    @Test
    void aFullNodeRefusesNewReviewsInsteadOfDroppingOtherSessionsOnes() {
        String share = "x".repeat((int) PendingImports.MAX_SESSION_CHARS);
        long sessions = PendingImports.MAX_TOTAL_CHARS / PendingImports.MAX_SESSION_CHARS;
        List<PendingImports.Pending> held = new java.util.ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            held.add(put("s" + i, sized(share)));
        }
        assertThatThrownBy(() -> put("late", sized("x".repeat(10))))
                .isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(io.edgecert.web.HttpProblem.statusOf((ProblemException) e)).isEqualTo(503));
        assertThat(held).allMatch(this::kept);
        // one import bigger than a session's share is refused outright
        assertThatThrownBy(() -> put("big", sized(share + "x"))).isInstanceOf(ProblemException.class)
                .satisfies(e -> assertThat(io.edgecert.web.HttpProblem.statusOf((ProblemException) e)).isEqualTo(413));
    }

    @Test
    void signOutDropsTheSessionsDrafts() {
        PendingImports.Pending a = put("a", sized("x"));
        PendingImports.Pending b = put("b", sized("x"));
        pending.dropSession("a");
        assertThat(kept(a)).isFalse();
        assertThat(kept(b)).isTrue();
    }
}
