package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepState;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import dev.keel.internal.log.EventLogReader;
import dev.keel.internal.log.EventType;
import dev.keel.internal.log.LogRecords;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sweep asks its trial to stop through the store; the trial's program sees it and its run ends stopped. */
class StopRequestTest {
    private static final String REASON = "hyperband: loss 0.52 at step 3 is above 0.45, the cut for the best 1/3";
    private static final List<String> FAST_CHECKS = List.of("-Dkeel.stopCheckIntervalMs=100");

    @TempDir
    Path home;

    @Test
    void aTrialProcessStopsAtItsNextEpochEndAndItsRunEndsStoppedWithTheReason() throws Exception {
        String runId = Ids.newRunId();
        try (Store store = TestRuns.reader(home)) {
            SweepStore sweeps = store.sweeps();
            Sweep sweep = sweeps.create("crash", "stop", "method: random", 1, "");
            Trial trial = claim(sweeps, sweep, runId);
            ChildProcesses.Child child = ChildProcesses.start(
                    ChildProcesses.currentJava(),
                    home,
                    "trial",
                    FAST_CHECKS,
                    Map.of("KEEL_RUN_ID", runId, "KEEL_SWEEP", sweep.id()));
            assertEquals("id " + runId, child.await("id ", 30_000));
            child.await("training", 30_000);
            sweeps.requestStop(sweep.id(), trial.number(), REASON);
            String stopping = child.await("stopping at epoch ", 60_000);
            assertTrue(stopping.endsWith(": " + REASON), stopping);
            assertTrue(child.process().waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, child.process().exitValue(), "output: " + child.all());

            RunInfo run = store.run(runId).orElseThrow();
            assertEquals(RunState.STOPPED, run.state());
            assertEquals(REASON, run.summary().get(RunState.STOP_REASON_KEY));
            assertEquals(sweep.id(), run.sweep());
            assertTrue(run.endedAt() > 0);
            assertFalse(child.all().contains("all epochs done"), "output: " + child.all());

            // what recovery and `keel sync` replay from the event log says the same
            WriteBatch replayed = new WriteBatch();
            try (EventLogReader r = EventLogReader.open(new KeelHome(home).eventLog(runId))) {
                for (EventLogReader.Entry e; (e = r.next()) != null; ) {
                    if (e.type() == EventType.STATE || e.type() == EventType.SUMMARY) {
                        LogRecords.applyTo(replayed, e.type(), e.payload());
                    }
                }
            }
            assertEquals(RunState.STOPPED, replayed.state);
            assertEquals(REASON, replayed.summary.get(RunState.STOP_REASON_KEY));
        }
    }

    @Test
    void aCanceledSweepStopsItsRunningTrials() throws Exception {
        try (Store store = TestRuns.reader(home)) {
            SweepStore sweeps = store.sweeps();
            Sweep sweep = sweeps.create("test", "cancel", "method: random", 1, "");
            Run run = Keel.init(TestRuns.options(home).sweep(sweep.id()).build());
            try (Run r = run) {
                claim(sweeps, sweep, r.id());
                StopCheck check = StopCheck.start(store, r.id(), ((RunImpl) r)::stopRequested, 10);
                assertFalse(r.shouldStop());
                sweeps.setState(sweep.id(), SweepState.CANCELED);
                assertTrue(check.awaitEnd(30_000), "the watch ends once it has seen the stop");
                assertEquals(
                        "sweep " + sweep.id() + " was canceled", r.stopReason().orElseThrow());
                assertTrue(r.shouldStop());
                r.log(Map.of("loss", 0.5)); // logging goes on as before
            }
            RunInfo info = store.run(run.id()).orElseThrow();
            assertEquals(RunState.STOPPED, info.state());
            assertEquals("sweep " + sweep.id() + " was canceled", info.summary().get(RunState.STOP_REASON_KEY));
            assertEquals(1, store.history(run.id(), "loss").size());
            KeelException resume = assertThrows(
                    KeelException.class,
                    () -> Keel.init(TestRuns.options(home).resume(run.id()).build()));
            assertEquals(
                    "cannot resume run " + run.id() + ": its sweep stopped it early (sweep " + sweep.id()
                            + " was canceled); start a new run instead",
                    resume.getMessage());
        }
    }

    @Test
    void aRunWithoutAStopRequestFinishesAsUsual() throws Exception {
        try (Store store = TestRuns.reader(home)) {
            SweepStore sweeps = store.sweeps();
            Sweep sweep = sweeps.create("test", "plain", "method: random", 1, "");
            Run run = Keel.init(TestRuns.options(home).sweep(sweep.id()).build());
            try (Run r = run) {
                claim(sweeps, sweep, r.id());
                r.log(Map.of("loss", 0.5));
                assertFalse(r.shouldStop());
            }
            RunInfo info = store.run(run.id()).orElseThrow();
            assertEquals(RunState.FINISHED, info.state());
            assertFalse(info.summary().containsKey(RunState.STOP_REASON_KEY));
        }
    }

    private static Trial claim(SweepStore sweeps, Sweep sweep, String runId) {
        Claim claim =
                sweeps.claim(sweep.id(), "agent-1", runId, 0, 600_000, (s, t) -> Proposal.next(Map.of("lr", 0.1)));
        assertTrue(claim instanceof Claim.Granted, "claim: " + claim);
        return ((Claim.Granted) claim).trial();
    }
}
