package dev.keel.internal.run;

import dev.keel.Checkpoint;
import dev.keel.Checkpoints;
import dev.keel.Keel;
import dev.keel.Run;
import dev.keel.SummaryMode;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checkpoints through a real run: recorded as run files, pruned in the store, listed again on resume. */
class RunCheckpointsTest {
    @TempDir
    Path home;

    @Test
    void prunedCheckpointsLeaveTheStoreAndAResumedRunListsTheKeptOnes() {
        String id;
        try (Run run = Keel.init(TestRuns.options(home).build())) {
            id = run.id();
            Checkpoints c = run.checkpoints().keepLast(1).keepBest("val_loss", SummaryMode.MIN);
            double[] valLoss = {0.9, 0.4, 0.6, 0.7};
            for (int e = 0; e < valLoss.length; e++) {
                String state = "weights after epoch " + e;
                Checkpoint saved = c.save(
                        e,
                        (e + 1) * 10L,
                        Map.of("val_loss", valLoss[e]),
                        out -> out.write(state.getBytes(StandardCharsets.UTF_8)));
                try (Store store = TestRuns.reader(home)) {
                    assertTrue(
                            store.files(id).stream().anyMatch(f -> f.name().equals(saved.name())),
                            "save() returns once the checkpoint is listed in the store");
                }
            }
            run.flush();
            try (Store store = TestRuns.reader(home)) {
                List<String> names = store.files(id).stream()
                        .filter(f -> f.kind().equals("checkpoint"))
                        .map(RunFile::name)
                        .toList();
                assertEquals(
                        List.of(
                                "checkpoints/epoch-00001-step-0000000020.ckpt",
                                "checkpoints/epoch-00003-step-0000000040.ckpt"),
                        names);
            }
            run.fail(new IllegalStateException("simulated failure"));
        }
        try (Store store = TestRuns.reader(home)) {
            RunInfo info = store.run(id).orElseThrow();
            assertEquals(RunState.FAILED, info.state());
        }
        try (Run again = Keel.init(TestRuns.options(home).resume(id).build())) {
            List<Checkpoint> kept = again.checkpoints().list();
            assertEquals(List.of(1L, 3L), kept.stream().map(Checkpoint::epoch).toList());
            String state = again.checkpoints()
                    .load("last", in -> new String(in.readAllBytes(), StandardCharsets.UTF_8))
                    .orElseThrow()
                    .state();
            assertEquals("weights after epoch 3", state);
            again.flush();
            try (Store store = TestRuns.reader(home)) {
                assertEquals(0, store.run(id).orElseThrow().endedAt(), "a resumed run has no end time while it runs");
            }
        }
        try (Store store = TestRuns.reader(home)) {
            assertTrue(store.run(id).orElseThrow().endedAt() > 0, "a finished resumed run has an end time again");
        }
    }
}
