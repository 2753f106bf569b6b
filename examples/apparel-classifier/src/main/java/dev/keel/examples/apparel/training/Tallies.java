package dev.keel.examples.apparel.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.evaluator.Accuracy;
import ai.djl.training.evaluator.Evaluator;
import ai.djl.training.loss.Loss;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Epoch evaluators whose running totals can be read and put back, so that a checkpoint taken
 * mid-epoch resumes the epoch's {@code loss} and {@code accuracy} exactly.
 *
 * <p>Why: DJL's evaluators accumulate the running epoch totals in fields of their own (the loss
 * total is private), so a new process could only start the epoch's averages from zero. These
 * two keep the same totals with the same arithmetic (a float sum of per-batch losses over a batch
 * count; correct over seen examples), and expose them as a {@code long[]}.
 */
final class Tallies {
    private Tallies() {}

    /** An evaluator whose accumulator for a key can be saved and restored. */
    interface Tally {
        long[] tally(String key);

        void restoreTally(String key, long[] values);
    }

    /** The training config's evaluators, each made restorable (an evaluator that cannot be is refused). */
    static List<Evaluator> restorable(List<Evaluator> metrics) {
        List<Evaluator> out = new ArrayList<>();
        for (Evaluator e : metrics) {
            if (e instanceof Tally) {
                out.add(e);
            } else if (e.getClass() == Accuracy.class) {
                out.add(new TalliedAccuracy(e.getName()));
            } else {
                throw new IllegalArgumentException(
                        "metric " + e.getName() + " (" + e.getClass().getName()
                                + ") cannot be checkpointed mid-epoch: give it a Tallies.Tally implementation");
            }
        }
        return out;
    }

    /** A loss that delegates the computation and keeps restorable totals: {batches, float bits of the sum}. */
    static final class TalliedLoss extends Loss implements Tally {
        private final Loss inner;
        private final Map<String, Long> batches = new ConcurrentHashMap<>();
        private final Map<String, Float> sums = new ConcurrentHashMap<>();
        // the loss the training step computed for backward, read again by the evaluator listener of
        // the same batch (same lists): reusing it saves a second softmax and cross-entropy per batch
        private NDList lastLabels;
        private NDList lastPredictions;
        private NDArray last;

        TalliedLoss(Loss inner) {
            super(inner.getName());
            this.inner = inner;
        }

        @Override
        public NDArray evaluate(NDList labels, NDList predictions) {
            NDArray loss = inner.evaluate(labels, predictions);
            lastLabels = labels;
            lastPredictions = predictions;
            last = loss;
            return loss;
        }

        @Override
        public void addAccumulator(String key) {
            batches.put(key, 0L);
            sums.put(key, 0f);
        }

        @Override
        public void updateAccumulator(String key, NDList labels, NDList predictions) {
            updateAccumulators(new String[] {key}, labels, predictions);
        }

        @Override
        public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
            float update;
            NDArray cached = labels == lastLabels && predictions == lastPredictions ? last : null;
            lastLabels = null;
            lastPredictions = null;
            last = null;
            if (cached != null && !cached.isReleased() && cached.size() == 1) {
                // a mean loss is one value, its own sum: read it without another native sum
                update = cached.getFloat();
            } else if (cached != null && !cached.isReleased()) {
                try (NDArray sum = cached.sum()) {
                    update = sum.getFloat();
                }
            } else {
                try (NDArray loss = inner.evaluate(labels, predictions);
                        NDArray sum = loss.sum()) {
                    update = sum.getFloat();
                }
            }
            for (String key : keys) {
                batches.merge(key, 1L, Long::sum);
                sums.merge(key, update, Float::sum);
            }
        }

        @Override
        public void resetAccumulator(String key) {
            batches.put(key, 0L);
            sums.put(key, 0f);
        }

        @Override
        public float getAccumulator(String key) {
            Long n = batches.get(key);
            if (n == null) {
                throw new IllegalArgumentException("no loss accumulated under '" + key + "'");
            }
            return n == 0 ? Float.NaN : sums.get(key) / n;
        }

        @Override
        public long[] tally(String key) {
            return new long[] {batches.getOrDefault(key, 0L), Float.floatToRawIntBits(sums.getOrDefault(key, 0f))};
        }

        @Override
        public void restoreTally(String key, long[] values) {
            batches.put(key, values[0]);
            sums.put(key, Float.intBitsToFloat((int) values[1]));
        }
    }

    /** DJL's accuracy with its totals exposed: {examples seen, examples right}. */
    static final class TalliedAccuracy extends Accuracy implements Tally {
        TalliedAccuracy(String name) {
            super(name);
        }

        /**
         * Counts the examples whose highest score is their label, as DJL's accuracy does, in four
         * native calls instead of about ten (DJL also reshapes, converts both sides to int64 and
         * counts non-zeros before summing): it runs after every training batch. Class-index
         * labels against a (batch, classes) score matrix only; anything else goes to DJL's.
         */
        @Override
        public void updateAccumulators(String[] keys, NDList labels, NDList predictions) {
            NDArray label = labels.head();
            NDArray prediction = predictions.head();
            if (axis != 1
                    || label.getDataType() != DataType.INT64
                    || label.getShape().dimension() != 1
                    || prediction.getShape().dimension() != 2
                    || prediction.getShape().get(0) != label.size()) {
                super.updateAccumulators(keys, labels, predictions);
                return;
            }
            long total = label.size();
            long correct;
            try (NDArray predicted = prediction.argMax(1);
                    NDArray right = predicted.eq(label);
                    NDArray sum = right.sum()) {
                correct = sum.getLong();
            }
            for (String key : keys) {
                totalInstances.merge(key, total, Long::sum);
                correctInstances.merge(key, correct, Long::sum);
            }
        }

        @Override
        public long[] tally(String key) {
            return new long[] {totalInstances.getOrDefault(key, 0L), correctInstances.getOrDefault(key, 0L)};
        }

        @Override
        public void restoreTally(String key, long[] values) {
            totalInstances.put(key, values[0]);
            correctInstances.put(key, values[1]);
        }
    }
}
