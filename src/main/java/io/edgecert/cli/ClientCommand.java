package io.edgecert.cli;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;

/**
 * A command that talks to a running node. Subclasses do one API operation in {@link #run}; the
 * connection, the output format and the error-to-exit-code mapping are settled here and in
 * {@link EdgecertCommand}.
 */
abstract class ClientCommand implements Callable<Integer> {
    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Mixin
    ClientOptions client;

    /** Set by the command factory of {@link EdgecertCommand#commandLine(CliContext)}. */
    CliContext ctx;

    @Override
    public final Integer call() {
        Output output = new Output(ctx.out(), client.format(ctx));
        return run(new ApiClient(client.connection(ctx)), output);
    }

    /** Does the command's work; returns the exit code, or throws {@link CliException}. */
    abstract int run(ApiClient api, Output out);

    /** A note for the person at the terminal, kept off stdout so the JSON there stays parseable. */
    void note(String message) {
        ctx.err().println(message);
    }
}
