package dev.keel.server.remote;

import dev.keel.core.RunState;
import dev.keel.internal.remote.RemoteStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The server process is SIGKILLed while 8 training processes log to it, then restarted on the
 * same store: every point each client logged is stored exactly once (the exact step lists), and
 * the clients got there by themselves.
 */
class ServerKillTest {
    static final int CLIENTS = 8;
    static final int STEPS = 12_000;

    @TempDir
    Path dir;

    @Test
    void killingTheServerMidStreamLosesAndDuplicatesNothing() throws Exception {
        int port = Child.freePort();
        String url = "http://127.0.0.1:" + port;
        Path serverHome = dir.resolve("server");
        Child server = Child.start(ServerMain.class, Map.of(), serverHome.toString(), Integer.toString(port));
        List<Child> clients = new ArrayList<>();
        try {
            server.await("READY", 60_000);
            for (int i = 0; i < CLIENTS; i++) {
                clients.add(Child.start(
                        LoggerMain.class,
                        Map.of(
                                "KEEL_URL",
                                url,
                                "KEEL_HOME",
                                dir.resolve("client" + i).toString(),
                                "KEEL_SYNC_ON_CLOSE_S",
                                "90"),
                        Integer.toString(STEPS),
                        "2"));
            }
            List<String> ids = new ArrayList<>();
            for (Child c : clients) {
                ids.add(c.await("RUN ", 60_000).substring(4).trim());
            }
            try (RemoteStore remote = new RemoteStore(url, null)) {
                // kill it once every client is streaming and some points have arrived
                long deadline = System.currentTimeMillis() + 60_000;
                while (System.currentTimeMillis() < deadline && !allStreaming(remote, ids)) {
                    Thread.sleep(100);
                }
                assertTrue(allStreaming(remote, ids), "the clients never reached the server");
                server.kill();
                long inLoop = clients.stream()
                        .filter(c -> c.all.stream().noneMatch(l -> l.startsWith("LOOPDONE")))
                        .count();
                assertTrue(inLoop > 0, "every client had finished its loop before the kill: nothing tested mid-stream");
                Thread.sleep(1_000);
                server = Child.start(ServerMain.class, Map.of(), serverHome.toString(), Integer.toString(port));
                server.await("READY", 60_000);
                for (Child c : clients) {
                    c.await("DONE", 120_000);
                    assertEquals(0, c.waitFor(30_000), String.join("\n", c.all));
                }
                long[] expected = LongStream.range(0, STEPS).toArray();
                for (String id : ids) {
                    assertArrayEquals(expected, remote.history(id, "x").steps(), id);
                    assertArrayEquals(expected, remote.history(id, "y").steps(), id);
                    assertEquals(RunState.FINISHED, remote.run(id).orElseThrow().state(), id);
                }
            }
        } finally {
            clients.forEach(Child::close);
            server.close();
        }
    }

    private static boolean allStreaming(RemoteStore remote, List<String> ids) {
        try {
            for (String id : ids) {
                if (remote.logOffsetIfExists(id).orElse(0) == 0) {
                    return false;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
