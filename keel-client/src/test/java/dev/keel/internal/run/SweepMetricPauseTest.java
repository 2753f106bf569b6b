package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.KeelException;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A Hyperband bracket's pause: the run stops in the very log call that logs the rung's value of
 * the sweep's metric, before the program's next iteration, without asking any store.
 */
class SweepMetricPauseTest {
    @TempDir
    Path home;

    @Test
    void theRunStopsRightAfterTheNthValueOfTheWatchedMetricAndOtherMetricsDoNotCount() {
        AtomicInteger looks = new AtomicInteger();
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            ((RunImpl) run).watchSweepMetric("val_accuracy", 2, looks::incrementAndGet);
            run.log(Map.of("loss", 0.9), 0);
            run.log(Map.of("loss", 0.8, "val_accuracy", 0.5), 1);
            assertFalse(run.shouldStop(), "one value of two");
            run.log(Map.of("loss", 0.7), 2);
            assertFalse(run.shouldStop());
            run.log(Map.of("val_accuracy", 0.6), 3);
            assertTrue(run.shouldStop(), "stopped in the log call of the second value");
            assertTrue(run.stopReason().orElseThrow().startsWith("hyperband: paused after val_accuracy value 2"));
            assertEquals(2, looks.get(), "the stop check is told of each value");
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.STOPPED, info.state());
        }
    }

    @Test
    void aFailingListenerNeverReachesTheTrainingLoop() {
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            ((RunImpl) run).watchSweepMetric("acc", 0, () -> {
                throw new IllegalStateException("store gone");
            });
            run.log(Map.of("acc", 0.5));
            assertFalse(run.shouldStop(), "no pause asked: 0 means none");
        }
    }

    @Test
    void theAgentsVariablesAreReadAndABadCountIsNamed() {
        TrialEnvironment env = TrialEnvironment.read(
                Map.of("KEEL_SWEEP_METRIC", " val_accuracy ", "KEEL_SWEEP_PAUSE_AFTER", "3")::get);
        assertEquals("val_accuracy", env.metric());
        assertEquals(3, env.pauseAfter());
        assertEquals(0, TrialEnvironment.read(Map.<String, String>of()::get).pauseAfter());
        KeelException e = assertThrows(
                KeelException.class, () -> TrialEnvironment.read(Map.of("KEEL_SWEEP_PAUSE_AFTER", "-1")::get));
        assertTrue(e.getMessage().startsWith("KEEL_SWEEP_PAUSE_AFTER='-1' is not a count"), e.getMessage());
    }
}
