package dev.keel.core;

import java.util.Arrays;

/**
 * A batch of metric points in columnar form: point {@code i} is
 * ({@code keys[i]}, {@code steps[i]}, {@code timestamps[i]}, {@code values[i]}).
 * The arrays may be longer than {@link #size()}; only the first {@code size} entries count.
 *
 * <p>Writers fill one with {@link #add}; it grows as needed. Not thread-safe.
 */
public final class MetricBatch {
    private String[] keys;
    private long[] steps;
    private long[] timestamps;
    private double[] values;
    private int size;

    public MetricBatch() {
        this(256);
    }

    public MetricBatch(int capacity) {
        int c = Math.max(1, capacity);
        keys = new String[c];
        steps = new long[c];
        timestamps = new long[c];
        values = new double[c];
    }

    public void add(String key, long step, long timestamp, double value) {
        if (size == keys.length) {
            grow(size * 2);
        }
        keys[size] = key;
        steps[size] = step;
        timestamps[size] = timestamp;
        values[size] = value;
        size++;
    }

    /** Makes room for {@code more} points beyond {@link #size()} at once, so that a known count grows it once. */
    public void ensureCapacity(int more) {
        if (more > keys.length - size) {
            grow(Math.max(size + more, size * 2));
        }
    }

    private void grow(int c) {
        keys = Arrays.copyOf(keys, c);
        steps = Arrays.copyOf(steps, c);
        timestamps = Arrays.copyOf(timestamps, c);
        values = Arrays.copyOf(values, c);
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    public String key(int i) {
        return keys[i];
    }

    public long step(int i) {
        return steps[i];
    }

    public long timestamp(int i) {
        return timestamps[i];
    }

    public double value(int i) {
        return values[i];
    }

    /**
     * Drops the points logged at a step after {@code step}, keeping the others in their order;
     * returns how many were dropped.
     */
    public int retainStepsUpTo(long step) {
        int kept = 0;
        for (int i = 0; i < size; i++) {
            if (steps[i] <= step) {
                keys[kept] = keys[i];
                steps[kept] = steps[i];
                timestamps[kept] = timestamps[i];
                values[kept] = values[i];
                kept++;
            }
        }
        int dropped = size - kept;
        Arrays.fill(keys, kept, size, null);
        size = kept;
        return dropped;
    }

    public void clear() {
        Arrays.fill(keys, 0, size, null);
        size = 0;
    }
}
