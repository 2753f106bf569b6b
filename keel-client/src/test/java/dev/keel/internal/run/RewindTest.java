package dev.keel.internal.run;

import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.core.KeelHome;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.internal.log.LogReplayer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** {@link Run#rewind}: a resumed run drops what the attempt before it logged past its checkpoint. */
class RewindTest {
    @TempDir
    Path home;

    @TempDir
    Path elsewhere;

    @Test
    void aResumedRunThatRewindsStoresEveryStepOnceAndAReplayOfItsLogAgrees() throws Exception {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            for (int s = 0; s < 10; s++) {
                run.log(Map.of("loss", 10.0 + s, "acc", s / 10.0));
            }
            run.fail(new RuntimeException("killed after its checkpoint at step 4"));
        }
        try (Run again = Keel.init(TestRuns.options(home).resume(id).build())) {
            assertEquals(10, again.step());
            again.rewind(4);
            assertEquals(5, again.step());
            for (int s = 5; s < 8; s++) {
                again.log(Map.of("loss", 20.0 + s));
            }
        }
        try (Store store = TestRuns.reader(home)) {
            MetricSeries loss = store.history(id, "loss");
            assertArrayEquals(new long[] {0, 1, 2, 3, 4, 5, 6, 7}, loss.steps());
            assertArrayEquals(new double[] {10, 11, 12, 13, 14, 25, 26, 27}, loss.values());
            assertArrayEquals(
                    new long[] {0, 1, 2, 3, 4}, store.history(id, "acc").steps());

            // the event log alone rebuilds the same history: the rewind is one of its records
            RunInfo info = store.run(id).orElseThrow();
            try (Store fresh = Stores.open(new KeelHome(elsewhere).storeLocation())) {
                fresh.createRun(info, Map.of());
                LogReplayer.replay(new KeelHome(home).eventLog(id), fresh, id, null, 0);
                for (String key : new String[] {"loss", "acc"}) {
                    assertArrayEquals(
                            store.history(id, key).steps(),
                            fresh.history(id, key).steps(),
                            key);
                    assertArrayEquals(
                            store.history(id, key).values(),
                            fresh.history(id, key).values(),
                            key);
                }
            }
        }
    }

    @Test
    void pointsLoggedBeforeARewindInTheSameCycleAreDroppedAndThoseAfterKept() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            run.log(Map.of("loss", 1.0), 1);
            run.flush();
            run.log(Map.of("loss", 2.0), 2);
            run.log(Map.of("loss", 3.0), 3);
            run.rewind(1); // same writer cycle as steps 2 and 3
            run.log(Map.of("loss", 2.5)); // step 2 again
            run.log(Map.of("loss", 9.0), 9);
        }
        try (Store store = TestRuns.reader(home)) {
            MetricSeries loss = store.history(id, "loss");
            assertArrayEquals(new long[] {1, 2, 9}, loss.steps());
            assertArrayEquals(new double[] {1.0, 2.5, 9.0}, loss.values());
        }
    }
}
