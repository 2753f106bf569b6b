package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.KeelException;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.liveness.Liveness;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ResumeTest {
    @TempDir
    Path home;

    @Test
    void aFailedRunResumesWithItsIdStepsSummaryAndConfig() {
        String id;
        try (Run run =
                Keel.init(TestRuns.options(home).config(Map.of("epochs", 3)).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0));
            run.log(Map.of("loss", 0.8));
            run.summary().put("best_epoch", 1);
            run.fail(new RuntimeException("out of memory"));
        }
        try (Store store = TestRuns.reader(home)) {
            assertEquals(RunState.FAILED, store.run(id).orElseThrow().state());
        }
        try (Run again =
                Keel.init(TestRuns.options(home).resume(id).override("epochs=5").build())) {
            assertEquals(id, again.id());
            assertEquals(2, again.step());
            assertEquals(5L, again.config().get("epochs"));
            assertEquals(1L, again.summary().get("best_epoch"));
            again.flush();
            try (Store store = TestRuns.reader(home)) {
                assertEquals(RunState.RUNNING, store.run(id).orElseThrow().state());
                assertEquals(
                        RunState.RUNNING,
                        Liveness.effectiveState(
                                new KeelHome(home), store.run(id).orElseThrow()),
                        "the resumed run's lock is held");
            }
            again.log(Map.of("loss", 0.6));
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.FINISHED, info.state());
            assertEquals(5L, info.config().get("epochs"));
            assertEquals(1L, info.summary().get("best_epoch"));
            assertEquals(0.6, info.summary().get("loss"));
            MetricSeries loss = store.history(id, "loss");
            assertArrayEquals(new long[] {0, 1, 2}, loss.steps());
        }
    }

    @Test
    void aCrashedRunIsRecoveredThenResumed() throws Exception {
        String id = killedWhileLogging();
        long stepsBefore;
        try (Run run = Keel.init(TestRuns.options(home).resume(id).build())) {
            stepsBefore = run.step();
            assertTrue(stepsBefore > 0);
            run.log(Map.of("loss", -1.0));
        }
        try (Store store = TestRuns.reader(home)) {
            MetricSeries loss = store.history(id, "loss");
            assertEquals(stepsBefore + 1, loss.size(), "every step once, the resumed one last");
            assertEquals(stepsBefore, loss.steps()[loss.size() - 1]);
            assertEquals(RunState.FINISHED, store.run(id).orElseThrow().state());
        }
    }

    @Test
    void aRunKilledBeforeItsFirstStoreWriteIsResumedFromItsEventLog(@TempDir Path other) throws Exception {
        String id = killedWhileLogging();
        // the run as a process killed before its writer reached the store leaves it: in its log only
        Path log = new KeelHome(other).eventLog(id);
        Files.createDirectories(log.getParent());
        Files.copy(new KeelHome(home).eventLog(id), log);
        long stepsBefore;
        try (Run run = Keel.init(TestRuns.options(other).resume(id).build())) {
            stepsBefore = run.step();
            assertTrue(stepsBefore > 0);
            run.log(Map.of("loss", -1.0));
        }
        try (Store store = TestRuns.reader(other)) {
            MetricSeries loss = store.history(id, "loss");
            assertEquals(stepsBefore + 1, loss.size(), "every logged step once, the resumed one last");
            assertEquals(RunState.FINISHED, store.run(id).orElseThrow().state());
        }
    }

    /** A child's run, killed with SIGKILL 1.5 s after it started logging; its id. */
    private String killedWhileLogging() throws Exception {
        ChildProcesses.Child child = ChildProcesses.start(ChildProcesses.currentJava(), home, "log");
        String id = child.await("id ", 30_000).substring(3).trim();
        child.await("at ", 30_000);
        Thread.sleep(1_500);
        child.process().destroyForcibly();
        assertTrue(child.process().waitFor(30, TimeUnit.SECONDS));
        return id;
    }

    @Test
    void resumingAFinishedOrUnknownRunIsRefusedClearly() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
        }
        KeelException finished = assertThrows(
                KeelException.class,
                () -> Keel.init(TestRuns.options(home).resume(id).build()));
        assertEquals("cannot resume run " + id + ": it finished; start a new run instead", finished.getMessage());
        KeelException unknown = assertThrows(
                KeelException.class,
                () -> Keel.init(TestRuns.options(home).resume("zzzzzzzz").build()));
        assertTrue(unknown.getMessage().startsWith("cannot resume run 'zzzzzzzz': no such run in "));
    }

    @Test
    void aLiveRunCannotBeResumed() {
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            run.flush();
            KeelException e = assertThrows(
                    KeelException.class,
                    () -> Keel.init(TestRuns.options(home).resume(run.id()).build()));
            assertTrue(
                    e.getMessage().startsWith("cannot resume run " + run.id() + ": it is still running (pid "),
                    e.getMessage());
        }
    }
}
