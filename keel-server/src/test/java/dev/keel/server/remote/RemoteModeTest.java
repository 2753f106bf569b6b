package dev.keel.server.remote;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.home.CrashRecovery;
import dev.keel.home.Sync;
import dev.keel.internal.remote.RemoteStore;
import dev.keel.server.ServerFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The SDK's remote mode against a real server, with training programs in child JVMs. */
class RemoteModeTest {
    @TempDir
    Path dir;

    private Child logger(String url, Path home, Map<String, String> extra, String... args) throws Exception {
        Map<String, String> env = new HashMap<>(Map.of("KEEL_HOME", home.toString(), "KEEL_URL", url));
        env.putAll(extra);
        return Child.start(LoggerMain.class, env, args);
    }

    private static String runId(Child c) throws InterruptedException {
        return c.await("RUN ", 60_000).substring(4).trim();
    }

    private static long[] range(long n) {
        return LongStream.range(0, n).toArray();
    }

    @Test
    void aRunLoggedInRemoteModeReadsBackEqualThroughTheApi() throws Exception {
        Path home = dir.resolve("client");
        Files.createDirectories(dir.resolve("files"));
        try (ServerFixture server = new ServerFixture(dir.resolve("server"));
                Child c = logger(
                        server.url(),
                        home,
                        Map.of(),
                        "3000",
                        "100",
                        dir.resolve("files").toString());
                RemoteStore remote = new RemoteStore(server.url(), null)) {
            String id = runId(c);
            c.await("DONE", 60_000);
            assertEquals(0, c.waitFor(30_000), String.join("\n", c.all));
            try (Store local = Stores.open(new KeelHome(home).storeLocation())) {
                RunInfo mine = local.run(id).orElseThrow();
                RunInfo theirs = remote.run(id).orElseThrow();
                assertEquals(mine, theirs);
                assertEquals(RunState.FINISHED, theirs.state());
                assertEquals(0.75, theirs.summary().get("best"));
                assertEquals(Map.of("lr", 0.01, "layers", 3L), theirs.config());
                assertEquals(local.provenance(id), remote.provenance(id));
                assertEquals(local.metricKeys(id), remote.metricKeys(id));
                for (String key : local.metricKeys(id)) {
                    MetricSeries a = local.history(id, key);
                    MetricSeries b = remote.history(id, key);
                    assertArrayEquals(a.steps(), b.steps(), key);
                    assertArrayEquals(a.values(), b.values(), key);
                    assertArrayEquals(a.timestamps(), b.timestamps(), key);
                }
                assertArrayEquals(range(3000), remote.history(id, "x").steps());
                List<ConsoleLine> console = remote.console(id, 0, 0);
                assertEquals(local.console(id, 0, 0), console);
                assertTrue(console.stream().anyMatch(l -> l.text().equals("STEP 2000")), console.toString());
                List<RunFile> files = remote.files(id);
                assertEquals(local.files(id), files);
                Path back = dir.resolve("back.txt");
                remote.download(id, "notes.txt", back);
                assertEquals("trained 3000 steps\n", Files.readString(back));
            }
        }
    }

    @Test
    @SuppressWarnings("try") // the server only has to be up while the block runs
    void trainingNeverWaitsForADownServerAndNothingIsLostWhenItComesBack() throws Exception {
        int port = Child.freePort();
        String url = "http://127.0.0.1:" + port;
        Path home = dir.resolve("client");
        try (Child c = logger(url, home, Map.of("KEEL_SYNC_ON_CLOSE_S", "60"), "20000", "200")) {
            String id = runId(c);
            // the whole loop runs with no server at all: log() never waited for one
            long slowestMicros =
                    Long.parseLong(c.await("LOOPDONE ", 60_000).substring(9).trim());
            assertTrue(slowestMicros < 2_000_000, "log() took " + slowestMicros + " µs once");
            try (ServerFixture server = new ServerFixture(dir.resolve("server"), port);
                    RemoteStore remote = new RemoteStore(url, null)) {
                c.await("DONE", 60_000);
                assertEquals(0, c.waitFor(30_000));
                long[] got = remote.history(id, "x").steps();
                if (got.length != 20_000) {
                    StringBuilder gaps = new StringBuilder();
                    for (int i = 1; i < got.length; i++) {
                        if (got[i] != got[i - 1] + 1) {
                            gaps.append(got[i - 1]).append("->").append(got[i]).append(' ');
                        }
                    }
                    System.out.println(
                            "DEBUG first " + got[0] + " last " + got[got.length - 1] + " gaps " + gaps + c.all);
                }
                assertArrayEquals(range(20_000), remote.history(id, "x").steps());
                assertArrayEquals(range(20_000), remote.history(id, "y").steps());
                assertEquals(RunState.FINISHED, remote.run(id).orElseThrow().state());
            }
        }
    }

    @Test
    void offlineRunsAreUploadedByKeelSyncOnceHoweverOftenItRuns() throws Exception {
        Path home = dir.resolve("client");
        try (ServerFixture server = new ServerFixture(dir.resolve("server"));
                RemoteStore remote = new RemoteStore(server.url(), null)) {
            String id;
            try (Child c = logger(server.url(), home, Map.of("KEEL_MODE", "offline"), "5000", "500")) {
                id = runId(c);
                c.await("DONE", 60_000);
                assertEquals(0, c.waitFor(30_000));
            }
            assertTrue(remote.run(id).isEmpty(), "offline mode sent the run");
            try (Store local = Stores.open(new KeelHome(home).storeLocation())) {
                List<Sync.Outcome> first = Sync.run(new KeelHome(home), local, remote, List.of());
                assertEquals(1, first.size());
                assertTrue(first.get(0).complete() && first.get(0).bytesSent() > 0, first.toString());
                List<Sync.Outcome> again = Sync.run(new KeelHome(home), local, remote, List.of(id));
                assertEquals(List.of(new Sync.Outcome(id, 0, true, null)), again);
                assertArrayEquals(range(5000), remote.history(id, "x").steps());
                assertEquals(local.run(id).orElseThrow(), remote.run(id).orElseThrow());
            }
        }
    }

    @Test
    void aKilledRemoteRunIsRecordedCrashedWhenItsMachineSeesTheProcessGone() throws Exception {
        Path home = dir.resolve("client");
        try (ServerFixture server = new ServerFixture(dir.resolve("server"));
                RemoteStore remote = new RemoteStore(server.url(), null);
                Child c = logger(server.url(), home, Map.of(), "1000000", "10")) {
            String id = runId(c);
            c.await("STEP 3000", 60_000);
            long deadline = System.currentTimeMillis() + 30_000;
            while (remote.run(id).isEmpty() && System.currentTimeMillis() < deadline) {
                Thread.sleep(50);
            }
            c.kill();
            // what `keel runs` with KEEL_URL does on the run's machine before listing
            assertEquals(List.of(id), CrashRecovery.recoverCrashed(new KeelHome(home), remote));
            RunInfo run = remote.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, run.state());
            long[] steps = remote.history(id, "x").steps();
            assertTrue(steps.length > 0);
            assertArrayEquals(range(steps.length), steps);
            // exactly what the local event log held: the local store, recovered from it, agrees
            try (Store local = Stores.open(new KeelHome(home).storeLocation())) {
                CrashRecovery.recoverCrashed(new KeelHome(home), local);
                assertArrayEquals(local.history(id, "x").steps(), steps);
                assertEquals(RunState.CRASHED, local.run(id).orElseThrow().state());
            }
        }
    }
}
