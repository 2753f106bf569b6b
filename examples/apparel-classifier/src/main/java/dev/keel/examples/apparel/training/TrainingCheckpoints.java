package dev.keel.examples.apparel.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.keel.Checkpoint;
import dev.keel.Checkpoints;
import dev.keel.Run;
import dev.keel.core.KeelException;

import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the loop's {@link TrainingCheckpoint}s as a Keel run's checkpoints, and finds the one to
 * resume from.
 *
 * <p>Naming: a checkpoint's Keel {@code epoch} is the number of complete epochs and its
 * {@code step} the number of batches trained in all, so {@code find("3")} is the latest
 * checkpoint taken after epoch 3 (its end, or a step inside epoch 4). Epoch-end checkpoints carry
 * the epoch's metrics, so {@code keepBest("val_accuracy", MAX)} keeps the best epoch.
 *
 * <p>Every save waits until the checkpoint is listed with the run ({@link Run#flush()}), so a
 * checkpoint reported on the console is one a resume will find.
 *
 * <p>A failed save is reported on the console and training goes on: losing the safety net is
 * worth a warning, not the run.
 */
final class TrainingCheckpoints implements TrainingLoop.CheckpointSink {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Run run;
    private final Checkpoints checkpoints;
    private final PrintStream out;

    TrainingCheckpoints(Run run, Checkpoints checkpoints, PrintStream out) {
        this.run = run;
        this.checkpoints = checkpoints;
        this.out = out;
    }

    @Override
    public void save(TrainingCheckpoint c, Map<String, Double> metrics) {
        try {
            Checkpoint saved = checkpoints.save(c.epochsDone(), c.step(), metrics, c::writeTo);
            // save() makes the bytes durable, but the run's file list is written by the run's
            // background writer: without this, a kill right after the save could leave the
            // checkpoint unlisted and a resume would start from the one before
            run.flush();
            out.printf(
                    Locale.ROOT,
                    "checkpoint: %s (epoch %d, batch %d, step %d)%n",
                    saved.name(),
                    c.epochsDone() + (c.batch() > 0 ? 1 : 0),
                    c.batch(),
                    c.step());
        } catch (KeelException e) {
            out.println("checkpoint: not saved, training goes on: " + e.getMessage());
        }
    }

    /**
     * The last good checkpoint of a resumed run, or null when the run has none (a new run, or one
     * that stopped before its first checkpoint): damaged checkpoints are skipped with a message.
     * A checkpoint made with a different training config is refused, since continuing from it
     * could not reproduce either run.
     */
    static Checkpoints.Loaded<TrainingCheckpoint> resume(
            Checkpoints checkpoints, ExperimentConfig config, PrintStream out) {
        if (checkpoints.list().isEmpty()) {
            return null;
        }
        Optional<Checkpoints.Loaded<TrainingCheckpoint>> loaded =
                checkpoints.load("last", in -> TrainingCheckpoint.read(in, "training checkpoint"));
        if (loaded.isEmpty()) {
            out.println("resume: none of the run's " + checkpoints.list().size()
                    + " checkpoints is usable; training starts again from the beginning");
            return null;
        }
        Checkpoints.Loaded<TrainingCheckpoint> l = loaded.get();
        for (String skipped : l.skipped()) {
            out.println("resume: skipped a damaged checkpoint: " + skipped);
        }
        TrainingCheckpoint c = l.state();
        String saved = json(c.config());
        String now = json(config.trainingMap());
        if (!saved.equals(now)) {
            throw new IllegalArgumentException("checkpoint " + l.checkpoint().name()
                    + " was saved with the training config " + saved + " but this run has " + now
                    + "; resume with the experiment and overrides the run was started with");
        }
        out.printf(
                Locale.ROOT,
                "resume: from %s (%d epochs done, then %d batches; step %d)%n",
                l.checkpoint().name(),
                c.epochsDone(),
                c.batch(),
                c.step());
        return l;
    }

    private static String json(Map<String, Object> m) {
        try {
            return JSON.writeValueAsString(m);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
