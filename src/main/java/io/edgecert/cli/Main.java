package io.edgecert.cli;

import picocli.CommandLine;

/** Entry point of the runnable jar: {@code java -jar edgecert.jar <command>}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 1 && "serve".equals(args[0])) {
            // A plain `serve` skips building the CLI's command tree: picocli reflects over every
            // command first, 0.2 s of a cold start that bench/edge counts until names are served.
            int exit = ServeCommand.serve();
            if (exit != 0) {
                System.exit(exit);
            }
            return;
        }
        int exit = EdgecertCommand.commandLine().execute(args);
        if (exit != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exit);
        }
    }
}
