package dev.keel.serve.internal;

import java.util.Arrays;

/**
 * An interval's latencies (microseconds) for percentiles. Past its capacity it keeps a uniform
 * sample (reservoir sampling), so a busy interval costs bounded memory and its percentiles stay
 * unbiased.
 */
final class LatencySample {
    private final long[] values;
    private long seen;
    private long state = 0x9E3779B97F4A7C15L;

    LatencySample(int capacity) {
        this.values = new long[capacity];
    }

    synchronized void add(long micros) {
        if (seen < values.length) {
            values[(int) seen] = micros;
        } else {
            state ^= state << 13;
            state ^= state >>> 7;
            state ^= state << 17;
            long slot = Math.floorMod(state, seen + 1);
            if (slot < values.length) {
                values[(int) slot] = micros;
            }
        }
        seen++;
    }

    /** The given percentiles (0–100) in milliseconds; empty when nothing was seen. */
    synchronized double[] percentilesMs(double... ps) {
        int n = (int) Math.min(seen, values.length);
        if (n == 0) {
            return new double[0];
        }
        long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        double[] out = new double[ps.length];
        for (int i = 0; i < ps.length; i++) {
            int rank = (int) Math.ceil(ps[i] / 100 * n) - 1;
            out[i] = sorted[Math.max(0, Math.min(n - 1, rank))] / 1000.0;
        }
        return out;
    }
}
