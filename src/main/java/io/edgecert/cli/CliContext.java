package io.edgecert.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Everything a client command takes from the outside world, handed in once so tests can run the
 * commands against their own environment, streams and terminal (no System.getenv deep in the code).
 *
 * @param terminal     whether stderr is an interactive terminal: wait-job then redraws one progress line
 * @param pollInterval how often wait-job looks at the job when it cannot follow the job's event stream
 */
public record CliContext(Map<String, String> env, PrintStream out, PrintStream err, boolean terminal,
                         Duration pollInterval) {
    public static CliContext system() {
        return new CliContext(System.getenv(), System.out, System.err, System.console() != null, Duration.ofSeconds(2));
    }
}
