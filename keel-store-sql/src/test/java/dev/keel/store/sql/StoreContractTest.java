package dev.keel.store.sql;

import dev.keel.core.ConsoleLine;
import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.ProjectInfo;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.blob.Hashes;
import dev.keel.core.flow.ProjectFlow;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What every {@link Store} must do, written once: each back end runs it through a subclass
 * that says how to make an empty store.
 */
public abstract class StoreContractTest {
    protected Store store;

    /** A new, empty store. */
    protected abstract Store newStore() throws Exception;

    /**
     * Whether the store can be made to hold JSON that its own readers refuse (what an older Keel
     * wrote straight into its database). A store behind a server cannot: the server refuses such
     * a request, and the contract checks that refusal instead.
     */
    protected boolean acceptsJsonItsReadersRefuse() {
        return true;
    }

    /**
     * Whether the store records which projects hold which run-file contents (what a server
     * checks before a run may name a content hash). A client of a server does not: the
     * server keeps that record, and the client's store says so when asked.
     */
    protected boolean recordsContentHolders() {
        return true;
    }

    /**
     * The address of a run file whose bytes are {@code text}, usable by run {@code runId}: a store
     * that lists only addresses needs nothing more; one behind a server is sent the bytes first,
     * as the SDK does before a batch lists the file.
     */
    protected String content(String runId, String text) throws Exception {
        return Hashes.of(text.getBytes(StandardCharsets.UTF_8));
    }

    @BeforeEach
    void open() throws Exception {
        store = newStore();
    }

    @AfterEach
    void closeStore() {
        store.close();
    }

    static RunInfo run(String id, String project, long createdAt, Map<String, Object> config) {
        return new RunInfo(
                id,
                project,
                "name-" + id,
                "",
                "ada",
                List.of(),
                "",
                RunState.RUNNING,
                createdAt,
                createdAt,
                0,
                0,
                "",
                "host1",
                42,
                config,
                Map.of());
    }

    static WriteBatch batch() {
        return new WriteBatch();
    }

    // ---- create and read

    @Test
    void createdRunReadsBackWithEveryFieldAndExactConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("layers", 64L);
        config.put("lr", 0.001);
        config.put("one_point_oh", 1.0);
        config.put("big", 9007199254740993L);
        config.put("name", "résumé ✓ 学习");
        config.put("flag", true);
        config.put("nothing", null);
        config.put("optimizer", new LinkedHashMap<>(Map.of("kind", "adam", "betas", List.of(0.9, 0.999))));
        config.put("nested", List.of(Map.of("a", List.of(1L, "x")), List.of()));
        // a heartbeat of now, so a store that shows liveness (a server) still shows it running
        long now = System.currentTimeMillis();
        RunInfo in = new RunInfo(
                "abc12345",
                "proj",
                "brave-otter-1",
                "grp",
                "ada",
                List.of("mlp", "baseline"),
                "first try",
                RunState.RUNNING,
                now - 500,
                now,
                0,
                0,
                "sw1",
                "host1",
                4242,
                config,
                Map.of("seed_loss", 1.5));
        store.createRun(in, Map.of("git", Map.of("commit", "deadbeef"), "jvm", "17"));

        RunInfo out = store.run("abc12345").orElseThrow();
        assertEquals(in, out);
        assertEquals(Long.class, out.config().get("layers").getClass());
        assertEquals(Double.class, out.config().get("one_point_oh").getClass());
        assertTrue(out.config().containsKey("nothing"));
        assertEquals(Map.of("git", Map.of("commit", "deadbeef"), "jvm", "17"), store.provenance("abc12345"));
        assertEquals(Map.of(), store.provenance("nope0000"));
        assertTrue(store.run("nope0000").isEmpty());
    }

    @Test
    void problemsAreStoredWithTheEndAndKeptByLaterBatches() {
        store.createRun(run("pr000001", "p", 1, Map.of()), Map.of());
        assertEquals(List.of(), store.run("pr000001").orElseThrow().problems());
        WriteBatch end = batch();
        end.state = RunState.FINISHED;
        end.endedAt = 5;
        end.problems = List.of(
                "12345 metric points not stored: the event log and the store could not be written"
                        + " (No space left on device)",
                "résumé ✓ \"quoted\"");
        store.apply("pr000001", end);
        RunInfo stored = store.run("pr000001").orElseThrow();
        assertEquals(RunState.FINISHED, stored.state());
        assertEquals(end.problems, stored.problems());
        WriteBatch later = batch();
        later.notes = "looked at it";
        store.apply("pr000001", later);
        assertEquals(
                end.problems, store.run("pr000001").orElseThrow().problems(), "a batch without problems keeps them");
        assertEquals(end.problems, store.searchRuns(RunQuery.all()).get(0).problems());
    }

    @Test
    void creatingARunTwiceFailsAndCountsOnce() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        KeelException e =
                assertThrows(KeelException.class, () -> store.createRun(run("run00001", "p", 2, Map.of()), Map.of()));
        assertEquals(KeelException.ErrorCode.RESOURCE_ALREADY_EXISTS, e.code());
        assertTrue(e.getMessage().contains("run00001"), e.getMessage());
        assertEquals(2, store.nextRunOrdinal("p"));
    }

    // ---- apply

    @Test
    void applyMergesSummaryAndConfigKeyByKeyAndNullRemoves() {
        store.createRun(run("run00001", "p", 1, Map.of("a", 1L, "b", "x")), Map.of());
        WriteBatch b = batch();
        b.summary.put("loss", 0.5);
        b.summary.put("acc", 0.8);
        b.config.put("c", List.of(1L, 2L));
        store.apply("run00001", b);
        WriteBatch b2 = batch();
        b2.summary.put("loss", 0.25);
        b2.summary.put("acc", null);
        b2.config.put("a", 2L);
        store.apply("run00001", b2);

        RunInfo r = store.run("run00001").orElseThrow();
        assertEquals(Map.of("loss", 0.25), r.summary());
        assertEquals(Map.of("a", 2L, "b", "x", "c", List.of(1L, 2L)), r.config());
    }

    @Test
    void applyChangesStateTimesNotesTagsAndName() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        b.heartbeatAt = 500;
        b.runtimeMs = 400;
        store.apply("run00001", b);
        WriteBatch end = batch();
        end.state = RunState.FINISHED;
        end.endedAt = 900;
        end.notes = "done";
        end.tags = List.of("t1");
        end.name = "renamed";
        store.apply("run00001", end);

        RunInfo r = store.run("run00001").orElseThrow();
        assertEquals(RunState.FINISHED, r.state());
        assertEquals(900, r.endedAt());
        assertEquals(500, r.heartbeatAt());
        assertEquals(400, r.runtimeMs());
        assertEquals("done", r.notes());
        assertEquals(List.of("t1"), r.tags());
        assertEquals("renamed", r.name());
    }

    @Test
    void aResumingProcessReplacesHostAndPidAndOtherBatchesLeaveThem() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch resumed = batch();
        resumed.state = RunState.RUNNING;
        resumed.host = "other-box";
        resumed.pid = 777;
        store.apply("run00001", resumed);
        WriteBatch later = batch();
        later.heartbeatAt = 600;
        store.apply("run00001", later);

        RunInfo r = store.run("run00001").orElseThrow();
        assertEquals("other-box", r.host());
        assertEquals(777, r.pid());
    }

    @Test
    void applyToAMissingRunFailsWithNotFound() {
        WriteBatch b = batch();
        b.summary.put("x", 1.0);
        KeelException e = assertThrows(KeelException.class, () -> store.apply("ghost123", b));
        assertEquals(KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code());
        assertTrue(e.getMessage().contains("ghost123"), e.getMessage());
    }

    // ---- metrics

    @Test
    void historyIsInStepOrderAndKeepsLoggingOrderForEqualSteps() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b1 = batch();
        for (int s = 10; s < 20; s++) {
            b1.metrics.add("loss", s, 1000 + s, s * 0.1);
            b1.metrics.add("acc", s, 1000 + s, 1 - s * 0.01);
        }
        store.apply("run00001", b1);
        WriteBatch b2 = batch();
        b2.metrics.add("loss", 5, 2000, -1.0); // an earlier step logged late
        b2.metrics.add("loss", 12, 2001, 99.0); // a second value for step 12
        b2.metrics.add("loss", -3, 2002, 7.0);
        store.apply("run00001", b2);

        MetricSeries loss = store.history("run00001", "loss");
        assertArrayEquals(new long[] {-3, 5, 10, 11, 12, 12, 13, 14, 15, 16, 17, 18, 19}, loss.steps());
        assertEquals(99.0, loss.values()[5]);
        assertEquals(1.2, loss.values()[4], 1e-12);
        assertEquals(2002, loss.timestamps()[0]);
        assertEquals(1012, loss.timestamps()[4]);
        assertEquals(10, store.history("run00001", "acc").size());
    }

    @Test
    void nonFiniteValuesSurviveInHistoryAndSummary() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        double[] values = {
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -0.0,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            1e-300
        };
        for (int i = 0; i < values.length; i++) {
            b.metrics.add("v", i, 0, values[i]);
        }
        b.summary.put("nan", Double.NaN);
        b.summary.put("inf", Double.POSITIVE_INFINITY);
        b.summary.put("ninf", Double.NEGATIVE_INFINITY);
        b.summary.put("nested", Map.of("x", Double.NaN));
        store.apply("run00001", b);

        MetricSeries v = store.history("run00001", "v");
        for (int i = 0; i < values.length; i++) {
            assertEquals(
                    Double.doubleToRawLongBits(values[i]), Double.doubleToRawLongBits(v.values()[i]), "point " + i);
        }
        Map<String, Object> summary = store.run("run00001").orElseThrow().summary();
        assertEquals(Double.NaN, summary.get("nan"));
        assertEquals(Double.POSITIVE_INFINITY, summary.get("inf"));
        assertEquals(Double.NEGATIVE_INFINITY, summary.get("ninf"));
        assertEquals(Map.of("x", Double.NaN), summary.get("nested"));
    }

    @Test
    void metricKeysAreSortedAndUnknownSeriesAreEmpty() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        b.metrics.add("val_loss", 0, 0, 1);
        b.metrics.add("system/cpu", 0, 0, 1);
        b.metrics.add("acc", 0, 0, 1);
        store.apply("run00001", b);
        assertEquals(List.of("acc", "system/cpu", "val_loss"), store.metricKeys("run00001"));
        assertEquals(0, store.history("run00001", "missing").size());
        assertEquals(0, store.history("nope", "acc").size());
    }

    // ---- console and files

    @Test
    void consolePagesBySequence() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        for (int i = 0; i < 10; i++) {
            b.console.add(new ConsoleLine(i, 100 + i, i % 2 == 0 ? "out" : "err", "line " + i + " ✓"));
        }
        store.apply("run00001", b);
        assertEquals(10, store.console("run00001", 0, 0).size());
        List<ConsoleLine> page = store.console("run00001", 3, 4);
        assertEquals(
                List.of(
                        new ConsoleLine(3, 103, "err", "line 3 ✓"),
                        new ConsoleLine(4, 104, "out", "line 4 ✓"),
                        new ConsoleLine(5, 105, "err", "line 5 ✓"),
                        new ConsoleLine(6, 106, "out", "line 6 ✓")),
                page);
        assertEquals(
                List.of(9L),
                store.console("run00001", 9, 100).stream().map(ConsoleLine::seq).toList());
    }

    @Test
    void filesAreListedByNameAndReplacedByName() throws Exception {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        String model = content("run00001", "b".repeat(10));
        String first = content("run00001", "aaa");
        String second = content("run00001", "cccc");
        WriteBatch b = batch();
        b.files.add(new RunFile("model/b.bin", model, 10, "artifact", 5));
        b.files.add(new RunFile("a.txt", first, 3, "file", 4));
        store.apply("run00001", b);
        WriteBatch b2 = batch();
        b2.files.add(new RunFile("a.txt", second, 4, "file", 6));
        store.apply("run00001", b2);
        assertEquals(
                List.of(
                        new RunFile("a.txt", second, 4, "file", 6),
                        new RunFile("model/b.bin", model, 10, "artifact", 5)),
                store.files("run00001"));
    }

    @Test
    void aProjectHoldsWhatItsRunsListAndWhatWasSentIntoIt() {
        String listed = "sha256:" + "d".repeat(64);
        String sent = "sha256:" + "e".repeat(64);
        String elsewhere = "sha256:" + "f".repeat(64);
        if (!recordsContentHolders()) {
            UnsupportedOperationException e =
                    assertThrows(UnsupportedOperationException.class, () -> store.heldBlobs("p", List.of(listed)));
            assertTrue(
                    e.getMessage().endsWith("keeps no record of which projects hold which contents"), e.getMessage());
            assertThrows(UnsupportedOperationException.class, () -> store.holdBlobs("p", List.of(sent)));
            assertThrows(UnsupportedOperationException.class, () -> store.blobHolders(listed));
            return;
        }
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        store.createRun(run("run00002", "q", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        b.files.add(new RunFile("model.bin", listed, 10, "artifact", 5));
        store.apply("run00001", b);
        store.holdBlobs("p", List.of(sent, sent));
        store.holdBlobs("q", List.of(elsewhere));
        assertEquals(Set.of(listed, sent), store.heldBlobs("p", List.of(listed, sent, elsewhere)));
        assertEquals(Set.of(elsewhere), store.heldBlobs("q", List.of(listed, sent, elsewhere)));
        assertEquals(List.of("p"), store.blobHolders(listed));
        assertEquals(List.of("q"), store.blobHolders(elsewhere));
        store.holdBlobs("q", List.of(listed));
        assertEquals(List.of("p", "q"), store.blobHolders(listed));
        store.deleteRun("run00001");
        assertEquals(List.of("p", "q"), store.blobHolders(listed), "a deleted run's project did hold the bytes");
        assertEquals(List.of(), store.blobHolders("sha256:" + "0".repeat(64)));
    }

    @Test
    void removedFilesLeaveTheListAndAnAddInTheSameBatchWinsOverAnEarlierRemoval() throws Exception {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        String third = content("run00001", "3");
        WriteBatch b = batch();
        b.addFile(new RunFile("ckpt/1", content("run00001", "1"), 1, "checkpoint", 1));
        b.addFile(new RunFile("ckpt/2", content("run00001", "2"), 1, "checkpoint", 2));
        store.apply("run00001", b);
        WriteBatch b2 = batch();
        b2.removeFile("ckpt/1");
        b2.removeFile("ckpt/2");
        b2.addFile(new RunFile("ckpt/2", third, 1, "checkpoint", 3));
        store.apply("run00001", b2);
        assertEquals(List.of(new RunFile("ckpt/2", third, 1, "checkpoint", 3)), store.files("run00001"));
    }

    @Test
    void provenanceUpdatesMergeByTopLevelKeyAndNullRemoves() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of("jvm", Map.of("version", "17"), "error", "slow"));
        WriteBatch b = batch();
        b.provenance.put("seeds", List.of(1L, 2L));
        b.provenance.put("error", null);
        store.apply("run00001", b);
        assertEquals(Map.of("jvm", Map.of("version", "17"), "seeds", List.of(1L, 2L)), store.provenance("run00001"));
    }

    // ---- exactly-once

    @Test
    void batchesAtOrBelowTheAppliedLogOffsetAreIgnored() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        assertEquals(0, store.logOffset("run00001"));
        WriteBatch b = batch();
        b.logOffset = 100;
        b.metrics.add("loss", 0, 0, 1.0);
        b.console.add(new ConsoleLine(0, 0, "out", "hello"));
        b.summary.put("loss", 1.0);
        store.apply("run00001", b);
        store.apply("run00001", b); // replayed after a crash
        WriteBatch older = batch();
        older.logOffset = 60;
        older.metrics.add("loss", 1, 0, 2.0);
        store.apply("run00001", older);
        WriteBatch next = batch();
        next.logOffset = 180;
        next.metrics.add("loss", 1, 0, 3.0);
        store.apply("run00001", next);
        WriteBatch untracked = batch(); // not from a log: always applied
        untracked.metrics.add("loss", 2, 0, 4.0);
        store.apply("run00001", untracked);

        assertArrayEquals(
                new double[] {1.0, 3.0, 4.0}, store.history("run00001", "loss").values());
        assertEquals(180, store.logOffset("run00001"));
        assertEquals(1, store.console("run00001", 0, 0).size());
    }

    // ---- rewind (truncateAfterStep)

    @Test
    void truncateAfterStepDeletesLaterPointsOfEveryKeyBeforeAddingTheBatchsOwn() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        store.createRun(run("run00002", "p", 1, Map.of()), Map.of());
        for (int s = 0; s < 30; s++) { // one point per batch: merged blocks
            WriteBatch b = batch();
            b.metrics.add("loss", s, s, s);
            if (s % 10 == 0) {
                b.metrics.add("val", s, s, -s);
            }
            if (s >= 25) {
                b.metrics.add("late", s, s, s); // only after the rewind point: must vanish
            }
            b.metrics.add("loss", s, s, s); // and a key whose other run must stay untouched
            store.apply("run00002", b);
            WriteBatch one = batch();
            one.metrics.add("loss", s, s, s);
            if (s % 10 == 0) {
                one.metrics.add("val", s, s, -s);
            }
            if (s >= 25) {
                one.metrics.add("late", s, s, s);
            }
            store.apply("run00001", one);
        }
        WriteBatch big = batch(); // one block straddling the rewind point
        for (int s = 30; s < 40; s++) {
            big.metrics.add("loss", s, s, s);
        }
        store.apply("run00001", big);

        WriteBatch rewind = batch();
        rewind.truncateAfterStep = 12;
        rewind.metrics.add("loss", 13, 99, 13.5); // the resumed attempt's first point
        store.apply("run00001", rewind);

        MetricSeries loss = store.history("run00001", "loss");
        long[] expected = new long[14];
        for (int s = 0; s <= 13; s++) {
            expected[s] = s;
        }
        assertArrayEquals(expected, loss.steps());
        assertEquals(13.5, loss.values()[13]);
        assertArrayEquals(new long[] {0, 10}, store.history("run00001", "val").steps());
        assertEquals(List.of("loss", "val"), store.metricKeys("run00001"));
        assertEquals(0, store.history("run00001", "late").size());
        assertEquals(60, store.history("run00002", "loss").size(), "another run keeps its history");

        WriteBatch more = batch(); // counts stay right: later appends read back whole
        more.metrics.add("loss", 14, 100, 14.0);
        more.metrics.add("late", 14, 100, 1.0);
        store.apply("run00001", more);
        assertEquals(15, store.history("run00001", "loss").size());
        assertArrayEquals(new long[] {14}, store.history("run00001", "late").steps());
    }

    @Test
    void rewindToDropsTheBatchsEarlierPointsPastTheStepButKeepsLaterOnes() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch b = batch();
        b.metrics.add("loss", 5, 0, 5.0);
        b.metrics.add("loss", 8, 0, 8.0); // logged by the attempt that crashed
        b.rewindTo(6);
        b.rewindTo(7); // a later, higher rewind brings nothing back
        b.metrics.add("loss", 7, 0, 7.0); // logged after the rewind
        assertFalse(b.isEmpty());
        store.apply("run00001", b);
        assertArrayEquals(new long[] {5, 7}, store.history("run00001", "loss").steps());
        assertEquals(6, b.truncateAfterStep);
        WriteBatch all = batch();
        all.rewindTo(Long.MIN_VALUE);
        store.apply("run00001", all);
        assertEquals(List.of(), store.metricKeys("run00001"));
    }

    @Test
    void aTruncationReplayedAtAnAppliedLogOffsetIsIgnored() {
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        WriteBatch first = batch();
        first.logOffset = 10;
        for (int s = 0; s < 10; s++) {
            first.metrics.add("loss", s, 0, s);
        }
        store.apply("run00001", first);
        WriteBatch rewind = batch();
        rewind.logOffset = 20;
        rewind.truncateAfterStep = 4;
        rewind.metrics.add("loss", 5, 0, 50.0);
        store.apply("run00001", rewind);
        WriteBatch after = batch();
        after.logOffset = 30;
        after.metrics.add("loss", 6, 0, 60.0);
        store.apply("run00001", after);
        store.apply("run00001", rewind); // replayed after a crash: must not drop step 6
        assertArrayEquals(
                new long[] {0, 1, 2, 3, 4, 5, 6},
                store.history("run00001", "loss").steps());
        assertArrayEquals(
                new double[] {0, 1, 2, 3, 4, 50, 60},
                store.history("run00001", "loss").values());
    }

    // ---- delete, projects, ordinals

    @Test
    void deleteRemovesEveryRowOfTheRunAndOnlyThatRun() throws Exception {
        for (String id : List.of("run00001", "run00002")) {
            store.createRun(run(id, "p", 1, Map.of("a", 1L)), Map.of("git", "x"));
            WriteBatch b = batch();
            b.metrics.add("loss", 0, 0, 1.0);
            b.console.add(new ConsoleLine(0, 0, "out", "hi"));
            b.files.add(new RunFile("f", content(id, "a"), 1, "file", 1));
            b.logOffset = 10;
            store.apply(id, b);
        }
        store.deleteRun("run00001");

        assertTrue(store.run("run00001").isEmpty());
        assertEquals(0, store.history("run00001", "loss").size());
        assertEquals(List.of(), store.metricKeys("run00001"));
        assertEquals(List.of(), store.console("run00001", 0, 0));
        assertEquals(List.of(), store.files("run00001"));
        assertEquals(Map.of(), store.provenance("run00001"));
        assertEquals(0, store.logOffset("run00001"));
        assertEquals(1, store.history("run00002", "loss").size());
        assertEquals(1, store.countRuns(RunQuery.all()));
        assertEquals(3, store.nextRunOrdinal("p"), "deleting never lowers the ordinal");
        KeelException e = assertThrows(KeelException.class, () -> store.deleteRun("run00001"));
        assertEquals(KeelException.ErrorCode.RESOURCE_DOES_NOT_EXIST, e.code());

        // the id is free again, and the new run starts empty
        store.createRun(run("run00001", "p", 2, Map.of()), Map.of());
        assertEquals(0, store.history("run00001", "loss").size());
    }

    @Test
    void projectsCountRunsAndTrackLastActivity() throws InterruptedException {
        long before = System.currentTimeMillis();
        store.createRun(run("alpha001", "alpha", 1_000, Map.of()), Map.of());
        store.createRun(run("alpha002", "alpha", 2_000, Map.of()), Map.of());
        store.createRun(run("beta0001", "beta", 3_000, Map.of()), Map.of());
        List<ProjectInfo> projects = store.projects();
        assertEquals(
                List.of("alpha", "beta"),
                projects.stream().map(ProjectInfo::name).toList());
        assertEquals(2, projects.get(0).runCount());
        assertEquals(1, projects.get(1).runCount());
        long activity = projects.get(1).lastActivityAt();
        assertTrue(activity >= before, "last activity " + activity + " is when the store last wrote the run");

        Thread.sleep(5);
        WriteBatch b = batch();
        b.summary.put("x", 1.0);
        store.apply("beta0001", b);
        assertTrue(store.projects().get(1).lastActivityAt() > activity);
    }

    @Test
    void nextRunOrdinalCountsEveryRunTheProjectEverHad() {
        assertEquals(1, store.nextRunOrdinal("p"));
        store.createRun(run("run00001", "p", 1, Map.of()), Map.of());
        store.createRun(run("run00002", "p", 1, Map.of()), Map.of());
        assertEquals(3, store.nextRunOrdinal("p"));
        assertEquals(1, store.nextRunOrdinal("other"));
    }

    @Test
    void manyThreadsWritingOneStoreLoseNothing() throws Exception {
        int threads = 6;
        int batches = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                String id = "thread0" + t;
                done.add(pool.submit(() -> {
                    store.createRun(run(id, "p", 1, Map.of()), Map.of());
                    for (int i = 0; i < batches; i++) {
                        WriteBatch b = batch();
                        for (int k = 0; k < 25; k++) {
                            b.metrics.add("m", i * 25L + k, 0, i * 25 + k);
                        }
                        b.summary.put("last", (double) i);
                        b.logOffset = i + 1;
                        store.apply(id, b);
                        store.history(id, "m");
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        for (int t = 0; t < threads; t++) {
            MetricSeries m = store.history("thread0" + t, "m");
            long[] expected = new long[batches * 25];
            Arrays.setAll(expected, i -> i);
            assertArrayEquals(expected, m.steps());
            assertEquals(
                    (double) batches - 1,
                    store.run("thread0" + t).orElseThrow().summary().get("last"));
        }
        assertEquals(threads + 1, store.nextRunOrdinal("p"));
        assertFalse(store.projects().isEmpty());
    }

    // ---- one unreadable run never breaks reading the rest

    /** Runs {@code body} with stderr captured; returns what it printed. */
    static String stderrOf(Runnable body) {
        PrintStream old = System.err;
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } finally {
            System.setErr(old);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aRunWhoseStoredJsonCannotBeReadIsListedWithoutItWithAWarningAndCanBeRemoved() {
        // what an older Keel stored for a config key longer than JSON readers accept (50,000 characters)
        String longKey = "x".repeat(60_000);
        Map<String, Object> config = new LinkedHashMap<>();
        config.put(longKey, 1L);
        RunInfo bad = new RunInfo(
                "bad00001",
                "p",
                "broken",
                "",
                "ada",
                List.of("t"),
                "",
                RunState.FINISHED,
                1_000,
                1_000,
                2_000,
                1_000,
                "",
                "host1",
                42,
                config,
                Map.of(longKey, 1.0));
        if (!acceptsJsonItsReadersRefuse()) {
            KeelException refused = assertThrows(KeelException.class, () -> store.createRun(bad, Map.of()));
            assertTrue(
                    Set.of(KeelException.ErrorCode.INVALID_PARAMETER_VALUE, KeelException.ErrorCode.BAD_REQUEST)
                            .contains(refused.code()),
                    refused.code().toString());
            assertTrue(
                    refused.getMessage().contains("Name length (60000) exceeds the maximum allowed"),
                    refused.getMessage());
            assertTrue(store.run("bad00001").isEmpty());
            return;
        }
        store.createRun(bad, Map.of(longKey, "x"));
        store.createRun(run("good0001", "p", 2_000, Map.of("lr", 0.1)), Map.of());

        String err = stderrOf(() -> {
            List<RunInfo> listed = store.searchRuns(RunQuery.project("p"));
            assertEquals(
                    List.of("good0001", "bad00001"),
                    listed.stream().map(RunInfo::id).toList());
            assertEquals(Map.of("lr", 0.1), listed.get(0).config());
            RunInfo shown = listed.get(1);
            assertEquals(Map.of(), shown.config());
            assertEquals(Map.of(), shown.summary());
            assertEquals("broken", shown.name());
            assertEquals(RunState.FINISHED, shown.state());
            assertEquals(List.of("t"), shown.tags());
            assertEquals(2, store.countRuns(RunQuery.project("p")));
            assertEquals(Map.of(), store.run("bad00001").orElseThrow().config());
            assertEquals(Map.of(), store.provenance("bad00001"));
            store.searchRuns(RunQuery.all());
        });
        String why = "(Name length (60000) exceeds the maximum allowed (50000, from"
                + " `StreamReadConstraints.getMaxNameLength()`)); the run is shown without it."
                + " `keel run rm bad00001` removes the run.";
        assertTrue(err.contains("keel: warning: run bad00001: its stored config cannot be read " + why), err);
        assertTrue(err.contains("keel: warning: run bad00001: its stored summary cannot be read " + why), err);
        assertTrue(err.contains("keel: warning: run bad00001: its stored provenance cannot be read " + why), err);
        assertEquals(3, err.lines().count(), "each warning once, however often the run is read: " + err);

        WriteBatch update = batch();
        update.config.put("lr", 0.2);
        KeelException refused = assertThrows(KeelException.class, () -> store.apply("bad00001", update));
        assertTrue(
                refused.getMessage()
                        .startsWith("run bad00001's stored config cannot be read, so it cannot be"
                                + " updated (stored JSON cannot be read: Name length (60000)"),
                refused.getMessage());
        assertTrue(
                refused.getMessage().endsWith("): remove the run with `keel run rm bad00001`"), refused.getMessage());
        WriteBatch notes = batch();
        notes.notes = "still writable where nothing stored must be read";
        store.apply("bad00001", notes);
        assertEquals(notes.notes, store.run("bad00001").orElseThrow().notes());

        store.deleteRun("bad00001");
        assertTrue(store.run("bad00001").isEmpty());
        assertEquals(
                List.of("good0001"),
                store.searchRuns(RunQuery.all()).stream().map(RunInfo::id).toList());
    }

    @Test
    void aProjectsFlowIsRecordedWholeReplacedAndKeptApartFromOtherProjects() {
        assertTrue(store.flow("apparel").isEmpty(), "no flow before one is recorded");
        ProjectFlow flow = new ProjectFlow(
                "apparel",
                List.of(
                        new ProjectFlow.Stage(
                                "prepare",
                                null,
                                "./run prepare",
                                List.of("data/raw.csv"),
                                List.of("data/train.csv"),
                                null),
                        new ProjectFlow.Stage(
                                "train",
                                "model",
                                "./run train",
                                List.of("data/train.csv", "params:training/experiments/default.yaml:epochs"),
                                List.of("weights/"),
                                "6v8m5w0s")),
                List.of(new ProjectFlow.Edge("prepare", "train", "data/train.csv")),
                1_000L);
        store.saveFlow(flow);
        store.saveFlow(new ProjectFlow("other", List.of(), List.of(), 5L));
        assertEquals(flow, store.flow("apparel").orElseThrow());

        ProjectFlow next = flow.withLastRun("prepare", "a1b2c3d4");
        store.saveFlow(new ProjectFlow("apparel", next.stages(), next.edges(), 2_000L));
        ProjectFlow read = store.flow("apparel").orElseThrow();
        assertEquals("a1b2c3d4", read.stage("prepare").lastRun());
        assertEquals("6v8m5w0s", read.stage("train").lastRun());
        assertEquals(2_000L, read.recordedAt());
        assertEquals(List.of(), store.flow("other").orElseThrow().stages());
    }
}
