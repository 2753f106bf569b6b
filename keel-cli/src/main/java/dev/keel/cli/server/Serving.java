package dev.keel.cli.server;

import dev.keel.server.KeelServer;

import java.io.PrintWriter;
import java.util.concurrent.CountDownLatch;

/** Runs a started server until the process gets SIGINT or SIGTERM, then stops it cleanly. */
public final class Serving {
    private Serving() {}

    /** Blocks until the JVM shuts down; in-flight requests get a moment to finish, then the stores close. */
    public static void untilSignalled(KeelServer server, PrintWriter out) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            out.println("keel: stopping " + server.url());
                            out.flush();
                            server.stop(2);
                            out.println("keel: stopped");
                            out.flush();
                            stopped.countDown();
                        },
                        "keel-server-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
