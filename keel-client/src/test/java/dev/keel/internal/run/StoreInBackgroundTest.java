package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.internal.log.EventLogWriter;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A new run's store is opened, and its name drawn, off the caller's thread: init waits for
 * neither, the event log holds what is logged meanwhile, and a store that cannot be opened
 * fails the run's next log() or close() with the store's own message, losing nothing.
 */
class StoreInBackgroundTest {
    @TempDir
    Path home;

    @AfterEach
    void restoreTheRealOpening() {
        RunFactory.storeOpening = StoreRegistry::opening;
    }

    @Test
    void initReturnsBeforeTheStoreOpensAndWhatIsLoggedMeanwhileReachesIt() {
        // the store opens only when this test says so: a first connection on a slow disk
        CompletableFuture<Store> opening = new CompletableFuture<>();
        RunFactory.storeOpening = (h, executor) -> opening;
        String id;
        String name;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            assertFalse(opening.isDone(), "init returned with the store still opening");
            run.log(Map.of("loss", 1.0));
            run.log(Map.of("loss", 0.5));
            assertTrue(Files.exists(new KeelHome(home).eventLog(id)), "the run is in its log already");
            opening.complete(StoreRegistry.get(new KeelHome(home)));
            name = run.name();
            assertTrue(name.endsWith("-1"), "numbered by the store once it is open: " + name);
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(name, info.name());
            assertEquals(RunState.FINISHED, info.state());
            MetricSeries loss = store.history(id, "loss");
            assertArrayEquals(new long[] {0, 1}, loss.steps());
            assertArrayEquals(new double[] {1.0, 0.5}, loss.values());
        }
    }

    @Test
    void aGivenNameIsKnownBeforeTheStoreOpens() {
        CompletableFuture<Store> opening = new CompletableFuture<>();
        RunFactory.storeOpening = (h, executor) -> opening;
        try (Run run = Keel.init(TestRuns.options(home).name("baseline").build())) {
            assertEquals("baseline", run.name());
            opening.complete(StoreRegistry.get(new KeelHome(home)));
        }
    }

    /**
     * The store refuses to open after init returned: log() and close() go on, the store's
     * message (naming the event log) is the run's problem and name() throws it; once the store
     * opens again, the next reader indexes the run with everything it logged, also after the
     * failure.
     */
    @Test
    void aStoreThatCannotBeOpenedNeverStopsLoggingAndLosesNothingLogged() throws Exception {
        Path other = home.resolve("newer");
        TestRuns.reader(other).close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("keel.db"));
                Statement s = c.createStatement()) {
            s.execute("INSERT INTO schema_version (version, applied_at) VALUES (999, 0)");
        }
        CompletableFuture<Store> opening = new CompletableFuture<>();
        RunFactory.storeOpening = (h, executor) -> opening;
        Run run = Keel.init(TestRuns.options(other).build());
        run.log(Map.of("loss", 1.0));
        try {
            opening.complete(Stores.open(new KeelHome(other).storeLocation()));
        } catch (RuntimeException e) {
            opening.completeExceptionally(e);
        }
        String expected = "has schema version 999, newer than this Keel knows";
        KeelException named = assertThrows(KeelException.class, run::name);
        assertTrue(named.getMessage().contains(expected), named.getMessage());
        run.log(Map.of("loss", 0.5));
        run.close();
        String eventLog = new KeelHome(other).eventLog(run.id()).toString();
        assertTrue(
                run.problems().stream().anyMatch(p -> p.contains(expected) && p.contains(eventLog)),
                run.problems().toString());

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + other.resolve("keel.db"));
                Statement s = c.createStatement()) {
            s.execute("DELETE FROM schema_version WHERE version = 999");
        }
        try (Store store = TestRuns.reader(other)) {
            Recovery.recoverCrashed(new KeelHome(other), store);
            RunInfo info = store.run(run.id()).orElseThrow();
            assertEquals(RunState.FINISHED, info.state());
            assertTrue(info.name().endsWith("-1"), info.name());
            assertArrayEquals(
                    new double[] {1.0, 0.5}, store.history(run.id(), "loss").values());
        }
    }

    @Test
    void aRunWhoseLogHasNoNameIsNamedWhenRecoveryIndexesIt() throws Exception {
        KeelHome keel = new KeelHome(home).ensureExists();
        TestRuns.reader(home).close();
        String unnamed = writeCreatedLog(keel, "aaaaaaa1", null);
        String named = writeCreatedLog(keel, "aaaaaaa2", "given-later");
        try (Store store = TestRuns.reader(home)) {
            assertEquals(
                    List.of(unnamed, named).stream().sorted().toList(),
                    Recovery.recoverCrashed(keel, store).stream().sorted().toList());
            assertFalse(store.run(unnamed).orElseThrow().name().isBlank());
            assertEquals("given-later", store.run(named).orElseThrow().name());
        }
    }

    /** A run folder whose log holds an unnamed CREATE record, and a META record naming it if {@code name}. */
    private static String writeCreatedLog(KeelHome keel, String id, String name) throws Exception {
        Files.createDirectories(keel.runDir(id));
        RunInfo info = new RunInfo(
                id,
                "test",
                RunRecords.UNNAMED,
                null,
                "someone",
                List.of(),
                null,
                RunState.RUNNING,
                1_000L,
                1_000L,
                0,
                0,
                null,
                "",
                1,
                Map.of(),
                Map.of());
        try (EventLogWriter log = EventLogWriter.open(keel.eventLog(id))) {
            log.add(EventType.CREATE, LogRecords.json(RunRecords.toMap(info)));
            if (name != null) {
                log.add(EventType.META, LogRecords.json(Map.of("name", name)));
            }
            log.commit();
        }
        return id;
    }
}
