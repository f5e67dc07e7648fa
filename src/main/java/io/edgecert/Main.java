package io.edgecert;

import io.edgecert.cli.EdgecertCommand;
import picocli.CommandLine;

/** Entry point of the runnable jar: {@code java -jar edgecert.jar <command>}. */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) {
        int exit = EdgecertCommand.commandLine().execute(args);
        if (exit != 0 || args.length == 0 || !"serve".equals(args[0])) {
            System.exit(exit);
        }
    }
}
