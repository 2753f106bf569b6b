package dev.keel.examples.apparel.training;

import ai.djl.training.Trainer;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.listener.EvaluatorTrainingListener;
import ai.djl.training.listener.TrainingListenerAdapter;
import dev.keel.examples.apparel.console.ProgressBar;

import java.util.Locale;

/**
 * Draws one {@link ProgressBar} per epoch with the running loss and accuracy of the epoch.
 * Reads DJL's epoch accumulators, so it must come after {@code EvaluatorTrainingListener}.
 */
final class ProgressListener extends TrainingListenerAdapter {
    private ProgressBar bar;
    private long batches;

    /** Starts counting a new epoch at batch {@code from} (0, or where a resumed epoch continues), drawing on {@code bar} (null draws nothing). */
    void startEpoch(ProgressBar bar, long from) {
        this.bar = bar;
        batches = from;
    }

    @Override
    public void onTrainingBatch(Trainer trainer, BatchData batchData) {
        batches++;
        if (bar != null) {
            bar.updateLazily(batches, () -> running(trainer));
        }
    }

    void finishEpoch(String suffix) {
        if (bar != null) {
            bar.finish(suffix);
        }
    }

    static String running(Trainer trainer) {
        StringBuilder s = new StringBuilder();
        for (Evaluator e : trainer.getEvaluators()) {
            float v = e.getAccumulator(EvaluatorTrainingListener.TRAIN_EPOCH);
            String name = e == trainer.getLoss() ? "loss" : e.getName();
            s.append(s.length() == 0 ? "" : " ").append(String.format(Locale.ROOT, "%s %.4f", name, v));
        }
        return s.toString();
    }
}
