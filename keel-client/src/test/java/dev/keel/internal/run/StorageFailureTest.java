package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.KeelException;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Storage that fails under a live run: log() neither throws nor blocks, and the run names the
 * problem. Tests run as root, where chmod stops nothing, so the read-only case uses the
 * immutable attribute ({@code chattr +i}, which refuses writes even through open files) and
 * the full-disk case a small tmpfs; each is skipped where the machine does not allow it.
 */
class StorageFailureTest {
    @TempDir
    Path home;

    private static boolean run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    }

    /** Logs from a helper thread; fails if log() throws or does not return within a generous bound. */
    private static void logALot(Run run, int points) throws Exception {
        Throwable[] thrown = new Throwable[1];
        Thread t = new Thread(() -> {
            try {
                for (int i = 0; i < points; i++) {
                    run.log(Map.of("loss", 1.0 / (i + 1), "acc", i * 1e-3));
                }
                run.flush();
            } catch (Throwable e) {
                thrown[0] = e;
            }
        });
        t.start();
        t.join(60_000);
        assertTrue(!t.isAlive(), "log() must not block on failed storage");
        assertEquals(null, thrown[0], "log() must not throw on failed storage");
    }

    @Test
    void aReadOnlyKeelFolderIsReportedAndNeverStallsLogging() throws Exception {
        Run run = Keel.init(TestRuns.options(home).build());
        run.log(Map.of("loss", 2.0));
        run.flush();
        Assumptions.assumeTrue(
                run("chattr", "-R", "+i", home.toString()), "chattr +i is not available on this filesystem");
        // SQLite's WAL index is a shared memory map: writes to an immutable mapped file are a
        // SIGBUS, not an error; a read-only mount would have refused the map at open time instead
        run("chattr", "-i", home.resolve("keel.db-shm").toString());
        try {
            logALot(run, 200_000);
            List<String> problems = run.problems();
            assertTrue(
                    problems.stream()
                            .anyMatch(p -> p.contains("cannot write the event log "
                                    + home.resolve("runs").resolve(run.id()).resolve("events.log"))),
                    problems.toString());
            assertTrue(
                    problems.stream()
                            .anyMatch(p -> p.contains(
                                    "metric points not stored: the event log and the store could not be written")),
                    problems.toString());
            run.close();
        } finally {
            run("chattr", "-R", "-i", home.toString());
        }
    }

    /**
     * The run folders on a full disk (a 1 MiB tmpfs under {@code .keel/runs}); the database stays
     * on the normal disk, because SQLite's WAL index is memory-mapped and a full tmpfs turns that
     * into SIGBUS, which no Java code can catch.
     */
    @Test
    void aFullDiskUnderTheEventLogIsReportedAndTheStoreStillGetsEveryPoint() throws Exception {
        Path runs = Files.createDirectories(home.resolve("runs"));
        Assumptions.assumeTrue(
                run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", runs.toString()),
                "mounting a tmpfs is not permitted here");
        String id;
        try {
            Run run = Keel.init(TestRuns.options(home).build());
            id = run.id();
            logALot(run, 100_000);
            List<String> problems = run.problems();
            assertTrue(
                    problems.stream()
                            .anyMatch(p -> p.contains("cannot write the event log " + runs.resolve(id))
                                    && p.contains("No space left on device")
                                    && p.contains("free disk space")),
                    problems.toString());
            run.close();
        } finally {
            run("umount", "-l", runs.toString());
        }
        try (Store store = TestRuns.reader(home)) {
            assertEquals(100_000, store.history(id, "loss").size(), "no point lost: the store took them directly");
            assertEquals(RunState.FINISHED, store.run(id).orElseThrow().state());
            List<String> stored = store.run(id).orElseThrow().problems();
            assertTrue(
                    stored.stream()
                            .anyMatch(p -> p.contains("cannot write the event log") && p.contains("No space left")),
                    "the problem is stored with the end: " + stored);
        }
    }

    @Test
    void anEventLogPathTakenByAFolderSendsMetricsToTheStoreDirectly() throws Exception {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0));
            run.fail(new RuntimeException("stop"));
        }
        Path log = home.resolve("runs").resolve(id).resolve("events.log");
        Files.delete(log);
        Files.createDirectories(log.resolve("in-the-way"));
        try (Run again = Keel.init(TestRuns.options(home).resume(id).build())) {
            logALot(again, 1_000);
            assertTrue(
                    again.problems().stream().anyMatch(p -> p.startsWith("cannot open the event log " + log)),
                    again.problems().toString());
        }
        try (Store store = TestRuns.reader(home)) {
            assertEquals(1_001, store.history(id, "loss").size(), "the store still got every point");
            assertEquals(RunState.FINISHED, store.run(id).orElseThrow().state());
        }
    }

    /**
     * The store opens on another thread and init does not wait for it: when it cannot be
     * opened, log() and close() go on (logging never stops training), the store's own message
     * is the run's problem, name() says it, and the run's folder keeps its event log for when
     * the store opens again.
     */
    @Test
    void aStoreThatCannotBeOpenedFailsTheRunWithTheStoresMessageAndKeepsItsLog() throws Exception {
        // a folder this JVM has not opened a store for yet (a second init would reuse it)
        Path other = home.resolve("other");
        TestRuns.reader(other).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("keel.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
        }
        Run run = Keel.init(TestRuns.options(other).build());
        String expected = "has schema version 999, newer than this Keel knows";
        run.log(Map.of("loss", 1.0));
        KeelException e = assertThrows(KeelException.class, run::name);
        assertTrue(e.getMessage().contains(expected), e.getMessage());
        run.log(Map.of("loss", 0.5));
        run.close();
        assertTrue(
                run.problems().stream().anyMatch(p -> p.contains(expected)),
                run.problems().toString());
        assertEquals(Set.of(other.resolve("runs").resolve(run.id())), runFolders(other));
        assertTrue(Files.size(other.resolve("runs").resolve(run.id()).resolve("events.log")) > 0);
    }

    private static Set<Path> runFolders(Path keelHome) throws IOException {
        if (!Files.isDirectory(keelHome.resolve("runs"))) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(keelHome.resolve("runs"))) {
            return s.collect(Collectors.toSet());
        }
    }
}
