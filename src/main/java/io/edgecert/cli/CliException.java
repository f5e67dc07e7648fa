package io.edgecert.cli;

import java.util.Optional;
import java.util.function.IntFunction;

/**
 * A failure a command reports as a message on stderr and an exit code, without a stack trace. The
 * exit codes are part of the CLI's contract (docs/cli.md): scripts tell "the server said no" from
 * "I typed it wrong" from "the server is not there".
 */
final class CliException extends RuntimeException {
    /** The server answered 4xx or 5xx. */
    static final int REFUSED = 1;
    /** The command line or its input files are wrong; nothing was sent. Also picocli's own code. */
    static final int USAGE = 2;
    /** The server cannot be reached, or a file cannot be read. */
    static final int IO = 3;
    /** wait-job: the job ended FAILED or CLEANED_UP; invalidations --wait: not Completed in time. */
    static final int JOB_NOT_SUCCEEDED = 4;

    private final int exitCode;
    private final transient ApiProblem problem;

    private CliException(int exitCode, String message, ApiProblem problem, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
        this.problem = problem;
    }

    static CliException usage(String message) {
        return new CliException(USAGE, message, null, null);
    }

    static CliException io(String message, Throwable cause) {
        return new CliException(IO, message, null, cause);
    }

    static CliException refused(ApiProblem problem) {
        return refused(problem, i -> Optional.empty());
    }

    /** A refusal whose per-item errors are labelled (a job's item index with the files it came from). */
    static CliException refused(ApiProblem problem, IntFunction<Optional<String>> itemLabel) {
        return new CliException(REFUSED, problem.describe(itemLabel), problem, null);
    }

    static CliException jobNotSucceeded(String message) {
        return new CliException(JOB_NOT_SUCCEEDED, message, null, null);
    }

    /** What --wait waited for was not done when its timeout passed (exit code 4, as a job that did not succeed). */
    static CliException notDoneInTime(String message) {
        return new CliException(JOB_NOT_SUCCEEDED, message, null, null);
    }

    int exitCode() {
        return exitCode;
    }

    /** The server's refusal, when this is one: commands may re-describe it with more context. */
    Optional<ApiProblem> problem() {
        return Optional.ofNullable(problem);
    }
}
