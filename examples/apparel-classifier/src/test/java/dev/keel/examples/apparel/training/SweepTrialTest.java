package dev.keel.examples.apparel.training;

import dev.keel.core.Ids;
import dev.keel.core.KeelHome;
import dev.keel.core.RunFile;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Store;
import dev.keel.core.store.Stores;
import dev.keel.core.sweep.Claim;
import dev.keel.core.sweep.Proposal;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.SweepStore;
import dev.keel.core.sweep.Trial;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * RunExperiment as a sweep's trial, in a child JVM started the way {@code keel agent} starts it
 * ({@code KEEL_RUN_ID}, {@code KEEL_SWEEP}, key=value overrides): a stop request mid-training
 * ends it after the epoch in which it was seen, with that epoch's checkpoint saved, and the run
 * reads {@code stopped} with the reason.
 */
class SweepTrialTest {
    private static final String REASON =
            "hyperband: val_accuracy 0.41 at step 10 is below 0.52, the cut for the best 1/3 (1 of 3 trials at step 10)";
    private static final Pattern CHECKPOINT =
            Pattern.compile("checkpoint: \\S+ \\(epoch (\\d+), batch 0, step \\d+\\)");

    @TempDir
    Path tmp;

    @Test
    void aStopRequestMidTrainingEndsTheRunStoppedAfterItsEpochsCheckpoint() throws Exception {
        Path dir = tmp.resolve("trial");
        KeelHome home = new KeelHome(dir.resolve(".keel")).ensureExists();
        String runId = Ids.newRunId();
        try (Store store = Stores.open(home.storeLocation())) {
            SweepStore sweeps = store.sweeps();
            Sweep sweep = sweeps.create(
                    "apparel-classifier",
                    "mlp-width",
                    Files.readString(Path.of("training/sweeps/mlp-width.yaml")),
                    1,
                    "");
            Claim claim = sweeps.claim(
                    sweep.id(), "agent-test", runId, 0, 600_000, (s, t) -> Proposal.next(Map.of("layers", 32L)));
            Trial trial = ((Claim.Granted) claim).trial();
            // 640 images in batches of 64: 10 batches an epoch; 40 epochs leave the stop plenty of time to arrive
            TrainerProcess child = TrainerProcess.start(
                    dir,
                    List.of(
                            "layers=32",
                            "epochs=40",
                            "train_limit=640",
                            "validation_size=500",
                            "batch_size=64",
                            "log_every=5",
                            "seed=7"),
                    Map.of("KEEL_RUN_ID", runId, "KEEL_SWEEP", sweep.id()),
                    "-Dkeel.stopCheckIntervalMs=100");
            child.awaitLine(l -> CHECKPOINT.matcher(l).find());
            sweeps.requestStop(sweep.id(), trial.number(), REASON);
            assertEquals(0, child.waitFor(), () -> "the trial failed: " + child.lines());

            String stopped = line(child.lines(), l -> l.startsWith("stopped after epoch "));
            Matcher m =
                    Pattern.compile("stopped after epoch (\\d+) of 40: (.*)").matcher(stopped);
            assertTrue(m.matches(), stopped);
            int epochs = Integer.parseInt(m.group(1));
            assertTrue(epochs < 40, stopped);
            assertEquals(REASON, m.group(2));
            String lastCheckpoint =
                    lastLine(child.lines(), l -> CHECKPOINT.matcher(l).find());
            Matcher c = CHECKPOINT.matcher(lastCheckpoint);
            assertTrue(c.find());
            assertEquals(epochs, Integer.parseInt(c.group(1)), "the last epoch trained was checkpointed");

            RunInfo run = store.run(runId).orElseThrow();
            assertEquals(RunState.STOPPED, run.state());
            assertEquals(REASON, run.summary().get(RunState.STOP_REASON_KEY));
            assertEquals(sweep.id(), run.sweep());
            assertEquals(
                    List.of(32L),
                    ((List<?>) run.config().get("layers"))
                            .stream().map(v -> ((Number) v).longValue()).toList());
            assertEquals(epochs, store.history(runId, "val_accuracy").size(), "one val_accuracy per epoch trained");
            List<RunFile> checkpoints = store.files(runId).stream()
                    .filter(f -> f.name().startsWith("checkpoints/"))
                    .toList();
            assertTrue(!checkpoints.isEmpty(), "checkpoints kept with the run: " + store.files(runId));
            assertTrue(
                    store.files(runId).stream().anyMatch(f -> f.name().startsWith("model")),
                    "the weights are saved as after a full training");
        }
    }

    private static String line(List<String> lines, Predicate<String> p) {
        synchronized (lines) {
            return lines.stream()
                    .filter(p)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no such line in " + lines));
        }
    }

    private static String lastLine(List<String> lines, Predicate<String> p) {
        synchronized (lines) {
            return lines.stream()
                    .filter(p)
                    .reduce((a, b) -> b)
                    .orElseThrow(() -> new AssertionError("no such line in " + lines));
        }
    }
}
