package dev.keel.cli;

import dev.keel.cli.SweepRig.AgentProcess;
import dev.keel.cli.server.ServerProcess;
import dev.keel.core.access.AccessStore;
import dev.keel.core.access.AccessStores;
import dev.keel.core.access.Accounts;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Agents over a real {@code keel server} (a child JVM on 127.0.0.1, KEEL_URL): the server is
 * SIGKILLed mid-sweep and started again on the same database; the agent waits and goes on, and
 * every trial is handed out once and ends once.
 */
class SweepServerTest {
    @TempDir
    Path dir;

    @Test
    void aServerSigkilledMidSweepAndRestartedLosesNoTrialAndHandsNoneOutTwice() throws Exception {
        Path db = dir.resolve("server").resolve("keel.db");
        String location = "sqlite:" + db;
        Files.createDirectories(db.getParent());
        String key;
        try (AccessStore access = AccessStores.open(location)) {
            key = new Accounts(access).createUser("root", true, List.of(), null).key();
        }
        String id;
        try (Store store = Stores.open(location)) {
            String yaml = SweepRig.config(
                    "grid",
                    "  x:\n    values: [0, 0.5, 1, 1.5, 2, 2.5]\n  epochs:\n    value: 10\n  sleep_ms:\n    value: 100\n",
                    "");
            id = store.sweeps()
                    .create("sweeps", "server-sweep", yaml, 7, "root")
                    .id();
        }
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> args = List.of("--db", location, "--port", Integer.toString(port), "--host", "127.0.0.1");
        ServerProcess server = new ServerProcess(dir, "server-1", args, Map.of());
        try (AgentProcess agent = new AgentProcess(
                dir,
                "agent",
                dir.resolve("agent-home"),
                Map.of("KEEL_URL", server.url, "KEEL_API_KEY", key),
                id,
                "--parallel",
                "2",
                "--grace",
                "1s")) {
            SweepRig.awaitTrials(
                    db.getParent(),
                    id,
                    ts -> ts.stream().filter(t -> t.state().isTerminal()).count() >= 1
                            && ts.stream().anyMatch(t -> t.state() == TrialState.RUNNING),
                    120);
            server.sigkill();
            // trials go on; the agent's heartbeats, claims and ends fail until it comes back
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!agent.output().contains("the store is unreachable") && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            server = new ServerProcess(dir, "server-2", args, Map.of());
            assertEquals(0, agent.await(240), agent.output());
            assertTrue(agent.output().contains("the store is unreachable"), agent.output());
        } finally {
            server.close();
        }
        List<Trial> trials = SweepRig.trials(db.getParent(), id);
        assertEquals(6, trials.size(), "each grid point handed out once: " + trials);
        Set<String> points = new HashSet<>();
        Set<String> runs = new HashSet<>();
        for (Trial t : trials) {
            assertEquals(TrialState.FINISHED, t.state(), t.toString());
            points.add(String.valueOf(t.params().get("x")));
            runs.add(t.runId());
        }
        assertEquals(6, points.size(), trials.toString());
        assertEquals(6, runs.size(), trials.toString());
        assertEquals(SweepState.FINISHED, SweepRig.sweep(db.getParent(), id).state());
    }
}
