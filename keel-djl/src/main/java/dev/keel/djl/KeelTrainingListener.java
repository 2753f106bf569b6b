package dev.keel.djl;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.EasyTrain;
import ai.djl.training.Trainer;
import ai.djl.training.TrainingResult;
import ai.djl.training.dataset.Dataset;
import ai.djl.training.listener.TrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import ai.djl.translate.TranslateException;
import dev.keel.Run;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A DJL {@link TrainingListener} that logs training to a Keel {@link Run}: the batch loss every
 * N batches ({@code batch_loss}), and per epoch {@code loss}, {@code val_loss}, every evaluator
 * ({@code accuracy}, {@code val_accuracy}…), {@code epoch} and {@code epoch_time_s}.
 *
 * <p>Steps count training batches, so batch and epoch points share one axis. Epoch metrics come
 * from DJL's {@code EvaluatorTrainingListener} (part of {@code TrainingListener.Defaults}),
 * which must run before this listener: add this one with
 * {@code config.addTrainingListeners(...)} after the defaults. Evaluator names are lower-cased;
 * the trainer's loss is always logged as {@code loss}.
 *
 * <p>Logging never breaks training: {@link Run#log} does no I/O on this thread, and a failure
 * while reading a metric is recorded once in the run's summary ({@code keel_djl_error}) rather
 * than thrown into the loop.
 *
 * <pre>{@code
 * DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss("loss"))
 *         .addEvaluator(new Accuracy("accuracy"))
 *         .addTrainingListeners(TrainingListener.Defaults.basic())
 *         .addTrainingListeners(new KeelTrainingListener(run, 50));
 * }</pre>
 *
 * <p><b>Stopping a sweep's trial.</b> When the run's sweep asks it to stop
 * ({@link Run#shouldStop()}), training should end at the next epoch boundary. DJL's
 * {@code EasyTrain.fit} has no way to be told, so train through {@link #fit} instead: it runs
 * {@code EasyTrain.fit} and ends it cleanly after the epoch in which the stop was seen (that
 * epoch's metrics logged), returning false. A loop of its own checks {@link #shouldStop()} at
 * each epoch end. Either way, save a checkpoint and close the run: it ends {@code stopped}.
 *
 * <pre>{@code
 * boolean complete = tracking.fit(trainer, epochs, train, validation);
 * model.save(dir, "mlp"); // also after a stop: the epochs trained so far
 * }</pre>
 */
public final class KeelTrainingListener extends TrainingListenerAdapter {
    private final Run run;
    private final int logEvery;
    private long step;
    private int epoch;
    private long epochStartNanos;
    private boolean errorRecorded;
    /** True while {@link #fit} runs: only then does a stop request end the epoch loop. */
    private boolean stopsFit;

    /** Logs to {@code run}, the batch loss every {@code logEvery} batches (0 turns batch logging off). */
    public KeelTrainingListener(Run run, int logEvery) {
        if (run == null) {
            throw new IllegalArgumentException("run must not be null");
        }
        if (logEvery < 0) {
            throw new IllegalArgumentException("logEvery must be >= 0, got " + logEvery);
        }
        this.run = run;
        this.logEvery = logEvery;
    }

    /**
     * Continues counting from a restored position (used when training resumes from a checkpoint),
     * so that metrics continue at the right step.
     */
    public void restore(long step, int epoch) {
        this.step = step;
        this.epoch = epoch;
    }

    /** Training batches seen so far, the step of the next batch point. */
    public long step() {
        return step;
    }

    /**
     * True once the run's sweep asks it to stop ({@link Run#shouldStop()}): for training loops
     * of their own, to check at each epoch end. Never blocks, never throws.
     */
    public boolean shouldStop() {
        return run.shouldStop();
    }

    /**
     * {@code EasyTrain.fit(trainer, numEpoch, train, validate)}, ended early and cleanly when the
     * run's sweep asks it to stop: after the epoch in which the request was seen, once every
     * listener has had that epoch (add this listener last). Returns true when all
     * {@code numEpoch} epochs ran, false when it stopped early ({@link Run#stopReason()} says
     * why). The trainer stays usable: save the model, then close the run.
     *
     * @throws IOException as {@code EasyTrain.fit} does, when the data cannot be read
     * @throws TranslateException as {@code EasyTrain.fit} does
     */
    public boolean fit(Trainer trainer, int numEpoch, Dataset train, Dataset validate)
            throws IOException, TranslateException {
        stopsFit = true;
        try {
            EasyTrain.fit(trainer, numEpoch, train, validate);
            return true;
        } catch (StopAtEpochEnd stop) {
            return false;
        } finally {
            stopsFit = false;
        }
    }

    @Override
    public void onTrainingBegin(Trainer trainer) {
        epochStartNanos = System.nanoTime();
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        step++;
        if (logEvery > 0 && step % logEvery == 0) {
            try {
                run.log(Map.of("batch_loss", batchLoss(trainer, batchData)), step);
            } catch (RuntimeException e) {
                recordError(e);
            }
        }
    }

    @Override
    public void onEpoch(Trainer trainer) {
        long now = System.nanoTime();
        epoch++;
        try {
            Map<String, Number> metrics = epochMetrics(trainer);
            metrics.put("epoch", epoch);
            metrics.put("epoch_time_s", (now - epochStartNanos) / 1e9);
            run.log(metrics, step);
        } catch (RuntimeException e) {
            recordError(e);
        }
        epochStartNanos = System.nanoTime();
        if (stopsFit && run.shouldStop()) {
            // EasyTrain has no stop hook: leave its epoch loop; fit() catches this, nobody else sees it
            throw new StopAtEpochEnd();
        }
    }

    /** Ends {@code EasyTrain.fit}'s loop from inside a listener; never escapes {@link #fit}. */
    private static final class StopAtEpochEnd extends RuntimeException {
        StopAtEpochEnd() {
            super("the run's sweep asked it to stop", null, false, false);
        }
    }

    /** The mean loss of one batch, over every device's share of it. */
    static float batchLoss(Trainer trainer, BatchData batchData) {
        float sum = 0;
        int parts = 0;
        for (var device : batchData.getLabels().keySet()) {
            NDList labels = batchData.getLabels().get(device);
            NDList predictions = batchData.getPredictions().get(device);
            try (NDArray loss = trainer.getLoss().evaluate(labels, predictions)) {
                sum += loss.getFloat();
            }
            parts++;
        }
        return parts == 0 ? Float.NaN : sum / parts;
    }

    /** Renames DJL's {@code train_X} / {@code validate_X} evaluations to Keel's {@code x} / {@code val_x}. */
    static Map<String, Number> epochMetrics(Trainer trainer) {
        TrainingResult result = trainer.getTrainingResult();
        Map<String, Number> metrics = new LinkedHashMap<>();
        String lossName = trainer.getLoss().getName();
        for (Map.Entry<String, Float> e : result.getEvaluations().entrySet()) {
            String key = e.getKey();
            String prefix;
            String name;
            if (key.startsWith("train_")) {
                prefix = "";
                name = key.substring("train_".length());
            } else if (key.startsWith("validate_")) {
                prefix = "val_";
                name = key.substring("validate_".length());
            } else {
                continue;
            }
            name = name.equals(lossName) ? "loss" : name.toLowerCase(Locale.ROOT);
            metrics.put(prefix + name, e.getValue());
        }
        return metrics;
    }

    private void recordError(RuntimeException e) {
        if (!errorRecorded) {
            errorRecorded = true;
            try {
                run.summary().put("keel_djl_error", String.valueOf(e));
            } catch (RuntimeException ignored) {
                // the run itself is failing; training goes on regardless
            }
        }
    }
}
