package dev.keel.sweep;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * A random forest of regression trees, grown only to measure importance: each tree is grown on a
 * bootstrap sample and every split credits its feature with the squared error it removes (mean
 * decrease in impurity). Each split considers every feature, the choice scikit-learn makes for
 * regression: sweeps have few parameters, and splits forced onto a random subset of them credit
 * noise parameters with the variance the driving one would have removed.
 */
final class RandomForest {
    private static final int TREES = 100;
    private static final int MAX_DEPTH = 12;
    private static final int MIN_SPLIT = 4;

    private final long seed;

    RandomForest(long seed) {
        this.seed = seed;
    }

    /**
     * Each feature's share of the squared error removed over the forest, summing to 1 (all 0
     * when no split removed any).
     *
     * @param columns one array per feature, each as long as {@code y}
     */
    double[] importance(double[][] columns, double[] y) {
        double[] credit = new double[columns.length];
        SplittableRandom random = new SplittableRandom(seed);
        int n = y.length;
        int tries = columns.length;
        for (int t = 0; t < TREES; t++) {
            int[] sample = new int[n];
            for (int i = 0; i < n; i++) {
                sample[i] = random.nextInt(n);
            }
            grow(columns, y, sample, 0, random.split(), tries, credit);
        }
        double total = Arrays.stream(credit).sum();
        if (total > 0) {
            for (int f = 0; f < credit.length; f++) {
                credit[f] /= total;
            }
        }
        return credit;
    }

    private void grow(
            double[][] x, double[] y, int[] rows, int depth, SplittableRandom random, int tries, double[] credit) {
        if (rows.length < MIN_SPLIT || depth >= MAX_DEPTH) {
            return;
        }
        int[] features = pick(x.length, tries, random);
        int bestFeature = -1;
        double bestGain = 1e-12;
        double bestThreshold = 0;
        double parentError = squaredError(y, rows);
        if (parentError <= 0) {
            return;
        }
        for (int f : features) {
            Integer[] order = new Integer[rows.length];
            for (int i = 0; i < rows.length; i++) {
                order[i] = rows[i];
            }
            double[] col = x[f];
            Arrays.sort(order, (a, b) -> Double.compare(col[a], col[b]));
            double total = 0;
            double totalSq = 0;
            for (int r : rows) {
                total += y[r];
                totalSq += y[r] * y[r];
            }
            double left = 0;
            double leftSq = 0;
            for (int i = 0; i < order.length - 1; i++) {
                double v = y[order[i]];
                left += v;
                leftSq += v * v;
                if (col[order[i]] == col[order[i + 1]]) {
                    continue;
                }
                int nl = i + 1;
                int nr = order.length - nl;
                double right = total - left;
                double rightSq = totalSq - leftSq;
                double error = (leftSq - left * left / nl) + (rightSq - right * right / nr);
                double gain = parentError - error;
                if (gain > bestGain) {
                    bestGain = gain;
                    bestFeature = f;
                    bestThreshold = (col[order[i]] + col[order[i + 1]]) / 2;
                }
            }
        }
        if (bestFeature < 0) {
            return;
        }
        credit[bestFeature] += bestGain;
        double[] col = x[bestFeature];
        double threshold = bestThreshold;
        int[] left = Arrays.stream(rows).filter(r -> col[r] <= threshold).toArray();
        int[] right = Arrays.stream(rows).filter(r -> col[r] > threshold).toArray();
        grow(x, y, left, depth + 1, random, tries, credit);
        grow(x, y, right, depth + 1, random, tries, credit);
    }

    private static double squaredError(double[] y, int[] rows) {
        double sum = 0;
        double sq = 0;
        for (int r : rows) {
            sum += y[r];
            sq += y[r] * y[r];
        }
        return sq - sum * sum / rows.length;
    }

    /** {@code k} distinct features of {@code count}, by a partial Fisher–Yates shuffle. */
    private static int[] pick(int count, int k, SplittableRandom random) {
        int[] all = new int[count];
        for (int i = 0; i < count; i++) {
            all[i] = i;
        }
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(count - i);
            int tmp = all[i];
            all[i] = all[j];
            all[j] = tmp;
        }
        return Arrays.copyOf(all, k);
    }
}
