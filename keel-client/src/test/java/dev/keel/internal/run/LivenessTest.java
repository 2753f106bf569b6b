package dev.keel.internal.run;

import dev.keel.core.KeelHome;
import dev.keel.core.MetricBatch;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Hosts;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.liveness.RunEnd;
import dev.keel.core.store.Store;
import dev.keel.internal.log.EventLogWriter;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import dev.keel.internal.log.MetricCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LivenessTest {
    @TempDir
    Path root;

    @Test
    void aRunThatDiedBeforeItsFirstStoreWriteIsCreatedFromItsLogThenMarkedCrashed() throws Exception {
        KeelHome home = new KeelHome(root);
        String id = "abcd1234";
        RunInfo info = new RunInfo(
                id,
                "p",
                "calm-otter-1",
                "",
                "ada",
                List.of("t"),
                "",
                RunState.RUNNING,
                1_000,
                1_000,
                0,
                0,
                "",
                Hosts.name(),
                1,
                Map.of("lr", 0.1),
                Map.of());
        Files.createDirectories(home.runDir(id));
        Files.createFile(home.lockFile(id));
        try (EventLogWriter log = EventLogWriter.open(home.eventLog(id))) {
            log.add(EventType.CREATE, LogRecords.json(RunRecords.toMap(info)));
            MetricBatch points = new MetricBatch();
            points.add("loss", 0, 1_500, 0.5);
            points.add("loss", 1, 1_600, 0.4);
            log.add(EventType.METRICS, MetricCodec.encode(points, 0, 2).payload());
            log.add(EventType.HEARTBEAT, LogRecords.json(Map.of("at", 2_000L, "runtimeMs", 1_000L)));
            log.commit();
        }
        try (Store store = TestRuns.reader(root)) {
            assertEquals(List.of(id), Recovery.recoverCrashed(home, store));
            RunInfo got = store.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, got.state());
            assertEquals("calm-otter-1", got.name());
            assertEquals(Map.of("lr", 0.1), got.config());
            assertEquals(2_000, got.endedAt());
            assertEquals(2, store.history(id, "loss").size());
            assertEquals(List.of(), Recovery.recoverCrashed(home, store));
        }
    }

    /** The writer put the end in the log, but the store (on a full disk) never took it. */
    @Test
    void aLogThatEndsWithTheRunsEndIsRecoveredAsThatEndNotAsCrashed() throws Exception {
        KeelHome home = new KeelHome(root);
        String id = "abcd1235";
        RunInfo info = new RunInfo(
                id,
                "p",
                "calm-otter-2",
                "",
                "ada",
                List.of(),
                "",
                RunState.RUNNING,
                1_000,
                1_000,
                0,
                0,
                "",
                Hosts.name(),
                1,
                Map.of(),
                Map.of());
        Files.createDirectories(home.runDir(id));
        Files.createFile(home.lockFile(id));
        try (EventLogWriter log = EventLogWriter.open(home.eventLog(id))) {
            log.add(EventType.CREATE, LogRecords.json(RunRecords.toMap(info)));
            log.add(EventType.HEARTBEAT, LogRecords.json(Map.of("at", 2_000L, "runtimeMs", 1_000L)));
            log.add(
                    EventType.STATE,
                    LogRecords.json(Map.of(
                            "state",
                            "finished",
                            "endedAt",
                            2_500L,
                            "runtimeMs",
                            1_500L,
                            "problems",
                            List.of("cannot index into the store"))));
            log.commit();
        }
        try (Store store = TestRuns.reader(root)) {
            Recovery.recoverCrashed(home, store);
            RunInfo got = store.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, got.state());
            assertEquals(2_500, got.endedAt());
            assertEquals(List.of("cannot index into the store"), got.problems());
        }
    }

    /** Neither the log nor the store took the end: the reserved end file has it, for readers and recovery. */
    @Test
    void anEndRecordedBesideTheLogIsShownAndThenStored() throws Exception {
        KeelHome home = new KeelHome(root);
        String id = "abcd1236";
        RunInfo info = new RunInfo(
                id,
                "p",
                "calm-otter-3",
                "",
                "ada",
                List.of(),
                "",
                RunState.RUNNING,
                1_000,
                1_000,
                0,
                0,
                "",
                Hosts.name(),
                1,
                Map.of(),
                Map.of());
        Files.createDirectories(home.runDir(id));
        Files.createFile(home.lockFile(id));
        assertTrue(RunEnd.reserve(home, id));
        assertEquals(RunEnd.RESERVED, Files.size(RunEnd.path(home, id)));
        try (Store store = TestRuns.reader(root)) {
            store.createRun(info, Map.of());
            RunInfo stored = store.run(id).orElseThrow();
            assertEquals(RunState.CRASHED, Liveness.effective(home, stored).state(), "blanks record no end");
            List<String> problems = List.of("x".repeat(5_000), "7 metric points not stored: disk full");
            assertTrue(RunEnd.record(home, id, new RunEnd.Ended(RunState.FINISHED, 3_000, 2_000, problems)));
            assertEquals(RunEnd.RESERVED, Files.size(RunEnd.path(home, id)), "written in place, no new space");

            RunInfo shown = Liveness.effective(home, stored);
            assertEquals(RunState.FINISHED, shown.state());
            assertEquals(3_000, shown.endedAt());
            assertEquals(
                    "7 metric points not stored: disk full", shown.problems().get(1));
            assertTrue(shown.problems().get(0).length() < 1_100, "a long line is cut to fit the reserved space");

            Recovery.recoverCrashed(home, store);
            RunInfo recovered = store.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, recovered.state());
            assertEquals(shown.problems(), recovered.problems());
            assertEquals(3_000, recovered.endedAt());
        }
        assertTrue(RunEnd.reserve(home, id));
        assertTrue(RunEnd.read(home, id).isEmpty(), "a new session clears the end of the last one");
    }

    @Test
    void aRunOfAnotherHostIsJudgedByItsHeartbeat() {
        KeelHome home = new KeelHome(root);
        long now = System.currentTimeMillis();
        RunInfo recent = new RunInfo(
                "zzzz0000",
                "p",
                "n",
                "",
                "",
                List.of(),
                "",
                RunState.RUNNING,
                now,
                now,
                0,
                0,
                "",
                "some-other-host",
                1,
                Map.of(),
                Map.of());
        assertEquals(RunState.RUNNING, Liveness.effectiveState(home, recent));
        RunInfo silent = new RunInfo(
                "zzzz0000",
                "p",
                "n",
                "",
                "",
                List.of(),
                "",
                RunState.RUNNING,
                now,
                now - Liveness.FOREIGN_HEARTBEAT_TIMEOUT_MS - 1,
                0,
                0,
                "",
                "some-other-host",
                1,
                Map.of(),
                Map.of());
        assertEquals(RunState.CRASHED, Liveness.effectiveState(home, silent));
    }

    @Test
    void aRunOfThisHostWithNoLockFileIsCrashedAndFinishedRunsStayAsTheyAre() {
        KeelHome home = new KeelHome(root);
        RunInfo r = new RunInfo(
                "yyyy0000",
                "p",
                "n",
                "",
                "",
                List.of(),
                "",
                RunState.RUNNING,
                1,
                1,
                0,
                0,
                "",
                Hosts.name(),
                1,
                Map.of(),
                Map.of());
        assertEquals(RunState.CRASHED, Liveness.effectiveState(home, r));
        assertEquals(RunState.FINISHED, Liveness.effectiveState(home, r.withState(RunState.FINISHED)));
    }
}
