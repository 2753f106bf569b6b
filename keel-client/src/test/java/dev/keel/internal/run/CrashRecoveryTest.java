package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SIGKILL at random moments: afterwards every point logged more than the flush interval (1 s)
 * before the kill is in the store (after recovery), the run reads crashed, the store opens.
 */
class CrashRecoveryTest {
    private static final int TRIALS = 20;
    /**
     * Points older than this at the kill must have been written without any flush() asking: the
     * writer cycles every half flush interval (500 ms), and a cycle's fsync on a busy disk can
     * take as long again, so the bound is twice the interval.
     */
    private static final long WINDOW_MS = 2_000;

    @TempDir
    Path root;

    @Test
    void killedProcessesLoseNothingFlushedAndNothingOlderThanTwiceTheFlushInterval() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<String>> trials = new ArrayList<>();
        for (int t = 0; t < TRIALS; t++) {
            long seed = 1000 + t;
            Path home = root.resolve("trial-" + t);
            trials.add(pool.submit(() -> trial(home, new Random(seed))));
        }
        List<String> summaries = new ArrayList<>();
        for (Future<String> f : trials) {
            summaries.add(f.get(120, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(TRIALS, summaries.size());
        System.out.println("run, last step that had to survive / steps stored: " + summaries);
    }

    private String trial(Path home, Random random) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "log");
        String id = child.await("id ", 30_000).substring(3).trim();
        String first = child.await("at ", 30_000);
        List<String> seen = new ArrayList<>(List.of(first));
        // kill 2.2 to 4 s after logging started, so every trial has points older than the window,
        // and never before a flush() returned (kills right after init are covered by the recovery
        // of runs without a store row); a loaded machine can hold the child up, so wait for that
        // line rather than a fixed time
        long killAt = Long.parseLong(first.split(" ")[2]) + 2_200 + random.nextInt(1_800);
        long deadline = System.currentTimeMillis() + 60_000;
        boolean acknowledged = false;
        while (!acknowledged || System.currentTimeMillis() < killAt) {
            long wait = Math.max(1, acknowledged ? killAt - System.currentTimeMillis() : 100);
            String line = child.lines().poll(wait, TimeUnit.MILLISECONDS);
            if (line != null) {
                seen.add(line);
                acknowledged |= line.startsWith("flushed ");
            }
            assertTrue(System.currentTimeMillis() < deadline, "the child returned from no flush() in 60 s");
        }
        long killedAt = System.currentTimeMillis();
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        Thread.sleep(50);
        seen.addAll(drain(child));
        long mustHave = -1;
        long flushed = -1;
        for (String line : seen) {
            if (line.startsWith("at ")) {
                String[] parts = line.split(" ");
                if (Long.parseLong(parts[2]) < killedAt - WINDOW_MS) {
                    mustHave = Math.max(mustHave, Long.parseLong(parts[1]));
                }
            } else if (line.startsWith("flushed ")) {
                flushed = Math.max(flushed, Long.parseLong(line.substring(8).trim()));
            }
        }
        KeelHome keelHome = new KeelHome(home);
        try (Store store = TestRuns.reader(home)) {
            List<String> recovered = Recovery.recoverCrashed(keelHome, store);
            assertEquals(List.of(id), recovered, "the killed run is recovered once");
            assertEquals(List.of(), Recovery.recoverCrashed(keelHome, store), "recovery is idempotent");
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, info.state());
            assertTrue(info.endedAt() > 0 && info.endedAt() <= killedAt + 100, "ended at the last heartbeat");
            MetricSeries loss = store.history(id, "loss");
            long have = loss.size();
            for (int i = 0; i < loss.size(); i++) {
                assertEquals(i, loss.steps()[i], "steps are contiguous and each stored once");
            }
            assertTrue(
                    mustHave >= 0 && flushed >= 0, "the child logged and flushed for over two seconds before the kill");
            assertTrue(
                    have > flushed,
                    "run " + id + ": flush() returned after step " + flushed + ", the store has " + have);
            assertTrue(
                    have > mustHave,
                    "run " + id + ": points up to step " + mustHave + " were logged more than " + WINDOW_MS
                            + " ms before the kill, the store has " + have);
            return id + " " + mustHave + "/" + have;
        }
    }

    /** The run's store row, which the writer creates once provenance is captured (slow under load). */
    static RunInfo awaitRow(Store store, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (true) {
            var row = store.run(id);
            if (row.isPresent()) {
                return row.get();
            }
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("run " + id + " has no store row after 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static void awaitIndexed(Store store, String id) throws InterruptedException {
        long deadline = System.currentTimeMillis() + 30_000;
        while (store.logOffset(id) == 0) {
            if (System.currentTimeMillis() > deadline) {
                throw new AssertionError("run " + id + " has nothing indexed from its log after 30 s");
            }
            Thread.sleep(50);
        }
    }

    private static List<String> drain(ChildProcesses.Child child) {
        List<String> out = new ArrayList<>();
        child.lines().drainTo(out);
        return out;
    }

    @Test
    void aTornOrCorruptLogTailIsSkippedByRecovery(@TempDir Path home) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "log");
        String id = child.await("id ", 30_000).substring(3).trim();
        child.await("at ", 30_000);
        Thread.sleep(2_200);
        KeelHome live = new KeelHome(home);
        try (Store store = TestRuns.reader(home)) {
            RunInfo running = awaitRow(store, id);
            // the store opens after init returns: on a loaded machine the row may be new, its
            // catch-up from the log not yet applied, and this test needs a store partly caught up
            awaitIndexed(store, id);
            assertEquals(RunState.RUNNING, Liveness.effectiveState(live, running), "its process holds the lock");
            assertEquals(List.of(), Recovery.recoverCrashed(live, store), "a live run is left alone");
        }
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        KeelHome keelHome = new KeelHome(home);
        Path log = keelHome.eventLog(id);
        long size = Files.size(log);
        try (Store store = TestRuns.reader(home)) {
            long applied = store.logOffset(id);
            assertTrue(applied > 0 && applied <= size);
            // tear the last record and append garbage that looks like a record start
            try (RandomAccessFile f = new RandomAccessFile(log.toFile(), "rw")) {
                f.setLength(size - 3);
                f.seek(size - 3);
                f.write(new byte[] {7, 0, 0, 0, 1, 2, 3, 4, 3, 9, 9});
            }
            assertEquals(List.of(id), Recovery.recoverCrashed(keelHome, store));
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, info.state());
            MetricSeries loss = store.history(id, "loss");
            assertTrue(loss.size() > 0);
            for (int i = 0; i < loss.size(); i++) {
                assertEquals(i, loss.steps()[i]);
            }
        }
    }

    @Test
    void readersRacingToRecoverApplyTheLogOnce(@TempDir Path home) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "log");
        String id = child.await("id ", 30_000).substring(3).trim();
        child.await("at ", 30_000);
        Thread.sleep(1_500);
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        KeelHome keelHome = new KeelHome(home);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<String>>> results = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            results.add(pool.submit(() -> {
                try (Store store = TestRuns.reader(home)) {
                    return Recovery.recoverCrashed(keelHome, store);
                }
            }));
        }
        List<String> all = new ArrayList<>();
        for (Future<List<String>> f : results) {
            all.addAll(f.get(60, TimeUnit.SECONDS));
        }
        pool.shutdown();
        assertEquals(List.of(id), all, "exactly one reader recovered the run");
        try (Store store = TestRuns.reader(home)) {
            assertEquals(RunState.CRASHED, store.run(id).orElseThrow().state());
            MetricSeries loss = store.history(id, "loss");
            for (int i = 0; i < loss.size(); i++) {
                assertEquals(i, loss.steps()[i], "no point applied twice");
            }
        }
    }

    @Test
    void aRunKilledRightAfterInitIsIndexedFromItsLog(@TempDir Path home) throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "sleep");
        String id = child.await("id ", 30_000).substring(3).trim();
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        try (Store store = TestRuns.reader(home)) {
            assertEquals(List.of(id), Recovery.recoverCrashed(new KeelHome(home), store));
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, info.state());
            assertEquals("crash", info.project());
        }
    }
}
