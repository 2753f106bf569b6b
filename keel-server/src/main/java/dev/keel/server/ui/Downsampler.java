package dev.keel.server.ui;

import dev.keel.core.MetricSeries;

import java.util.Arrays;

/**
 * Shrinks a metric series for a chart without hiding what matters: the steps are cut into equal
 * buckets and each bucket keeps its first, lowest, highest and last point (in step order). A
 * single spike among a million points therefore survives, which averaging or LTTB's area rule
 * can lose; a line drawn through the kept points covers the same vertical range per pixel
 * column as the full series.
 */
public final class Downsampler {
    private Downsampler() {}

    /** The series itself when it has at most {@code maxPoints} points, else at most that many kept points. */
    public static MetricSeries downsample(MetricSeries s, int maxPoints) {
        int n = s.size();
        if (maxPoints < 4) {
            throw new IllegalArgumentException("points must be at least 4, got " + maxPoints);
        }
        if (n <= maxPoints) {
            return s;
        }
        int buckets = maxPoints / 4;
        int[] keep = new int[buckets * 4];
        int kept = 0;
        double[] v = s.values();
        for (int b = 0; b < buckets; b++) {
            int from = (int) ((long) b * n / buckets);
            int to = (int) ((long) (b + 1) * n / buckets);
            if (from >= to) {
                continue;
            }
            int lo = -1;
            int hi = -1;
            for (int i = from; i < to; i++) {
                double x = v[i];
                if (Double.isNaN(x)) {
                    continue;
                }
                if (lo < 0 || x < v[lo]) {
                    lo = i;
                }
                if (hi < 0 || x > v[hi]) {
                    hi = i;
                }
            }
            int[] four =
                    lo < 0 ? new int[] {from, to - 1} : new int[] {from, Math.min(lo, hi), Math.max(lo, hi), to - 1};
            for (int i : four) {
                if (kept == 0 || keep[kept - 1] != i) {
                    keep[kept++] = i;
                }
            }
        }
        keep = Arrays.copyOf(keep, kept);
        long[] steps = new long[kept];
        double[] values = new double[kept];
        long[] times = new long[kept];
        for (int i = 0; i < kept; i++) {
            steps[i] = s.steps()[keep[i]];
            values[i] = v[keep[i]];
            times[i] = s.timestamps()[keep[i]];
        }
        return new MetricSeries(s.key(), steps, values, times);
    }
}
