package dev.keel.examples.apparel.datasets;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;

/**
 * The batches of one epoch over an {@link ImageSet}, as arrays of image indices. With shuffling,
 * the order of epoch {@code e} is {@code Shuffles.permutation(size, seed, e)}: the same for the
 * same seed and epoch, different across epochs, and resumable from any batch
 * ({@link #batches(int, int)}) without stored generator state. The last batch may be smaller.
 *
 * <pre>{@code
 * BatchSequence seq = new BatchSequence(train.size(), 128, 42, true);
 * for (int[] indices : seq.epoch(0)) { ... }
 * }</pre>
 */
public final class BatchSequence {
    private final int size;
    private final int batchSize;
    private final long seed;
    private final boolean shuffle;

    public BatchSequence(int size, int batchSize, long seed, boolean shuffle) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
        this.size = size;
        this.batchSize = batchSize;
        this.seed = seed;
        this.shuffle = shuffle;
    }

    public int batchesPerEpoch() {
        return (size + batchSize - 1) / batchSize;
    }

    public int size() {
        return size;
    }

    /** The batches of one epoch. */
    public Iterable<int[]> epoch(int epoch) {
        return batches(epoch, 0);
    }

    /** The batches of one epoch starting at batch {@code fromBatch} (to resume mid-epoch). */
    public Iterable<int[]> batches(int epoch, int fromBatch) {
        int[] order = order(epoch);
        return () -> new Iterator<>() {
            private int next = fromBatch;

            @Override
            public boolean hasNext() {
                return next < batchesPerEpoch();
            }

            @Override
            public int[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int from = next * batchSize;
                next++;
                return Arrays.copyOfRange(order, from, Math.min(size, from + batchSize));
            }
        };
    }

    /** The order of the items in {@code epoch}. */
    public int[] order(int epoch) {
        if (shuffle) {
            return Shuffles.permutation(size, seed, epoch);
        }
        int[] identity = new int[size];
        Arrays.setAll(identity, i -> i);
        return identity;
    }
}
