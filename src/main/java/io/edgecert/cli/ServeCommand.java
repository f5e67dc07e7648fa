package io.edgecert.cli;

import io.edgecert.EdgecertConfig;
import io.edgecert.EdgecertNode;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs a node until the process is stopped; configuration comes from EDGECERT_* variables. */
@Command(name = "serve", description = "Start edgecert (API, console, edge) with the EDGECERT_* environment.")
final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        EdgecertNode node = EdgecertNode.start(EdgecertConfig.fromEnvironment());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "edgecert-shutdown"));
        stopped.await();
        return 0;
    }
}
