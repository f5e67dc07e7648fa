package io.edgecert.cli;

import io.edgecert.EdgecertConfig;
import io.edgecert.EdgecertNode;
import io.edgecert.config.ConfigException;
import io.netty.util.ResourceLeakDetector;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** Runs a node until the process is stopped; configuration comes from EDGECERT_* variables. */
@Command(name = "serve", description = "Start edgecert (API, console, edge) with the EDGECERT_* environment.")
public final class ServeCommand implements Callable<Integer> {
    @Override
    public Integer call() throws Exception {
        return serve();
    }

    /** Starts a node and blocks until the process is told to stop. */
    public static int serve() throws Exception {
        // netty samples 1 in 128 buffers for leak reports by default: a stack trace each, ~1 % of
        // the edge's CPU in a handshake profile. The tests run nodes in-process with it on (and
        // -Dio.netty.leakDetection.level=simple or paranoid turns it back on here).
        if (System.getProperty("io.netty.leakDetection.level") == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.DISABLED);
        }
        EdgecertNode node;
        try {
            node = EdgecertNode.start(EdgecertConfig.fromEnvironment());
        } catch (ConfigException e) {
            // one line that names the variable, its value and what is allowed (or why it cannot be
            // used: a database that refuses); no stack trace
            System.err.println("edgecert: " + e.getMessage());
            return 2;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }, "edgecert-shutdown"));
        stopped.await();
        return 0;
    }
}
