package dev.keel.server.remote;

import dev.keel.core.KeelHome;
import dev.keel.server.KeelServer;
import dev.keel.server.ServerSettings;

import java.nio.file.Path;

/** A Keel server in its own process (so a test can SIGKILL it): {@code HOME PORT}; prints READY. */
public final class ServerMain {
    private ServerMain() {}

    public static void main(String[] args) throws Exception {
        KeelHome home = new KeelHome(Path.of(args[0]));
        int port = Integer.parseInt(args[1]);
        long deadline = System.currentTimeMillis() + 20_000;
        while (true) {
            try {
                KeelServer server =
                        KeelServer.embedded(home, ServerSettings.local(port)).start();
                System.out.println("READY " + server.port());
                break;
            } catch (RuntimeException e) {
                // the port of a just-killed server may take a moment to come free
                if (System.currentTimeMillis() > deadline) {
                    throw e;
                }
                Thread.sleep(200);
            }
        }
        Thread.currentThread().join();
    }
}
