package dev.keel.sweep;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A random forest of regression trees, grown only to measure importance: each tree is grown on a
 * bootstrap sample and every split credits its feature with the squared error it removes (mean
 * decrease in impurity). Each split considers every feature, the choice scikit-learn makes for
 * regression: sweeps have few parameters, and splits forced onto a random subset of them credit
 * noise parameters with the variance the driving one would have removed.
 *
 * <p>Each tree sorts its sample once per feature and splits keep those orders (partitioning them
 * stably), so a level of the tree costs one pass over the sample per feature.
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
        int[][] rowOrder = new int[columns.length][];
        for (int f = 0; f < columns.length; f++) {
            double[] col = columns[f];
            rowOrder[f] = IntStream.range(0, n)
                    .boxed()
                    .sorted((a, b) -> Double.compare(col[a], col[b]))
                    .mapToInt(Integer::intValue)
                    .toArray();
        }
        for (int t = 0; t < TREES; t++) {
            int[] rows = bootstrap(n, random);
            Tree tree = new Tree(columns, y, rows, credit);
            tree.grow(sampleOrder(rowOrder, rows, n), 0);
        }
        double total = Arrays.stream(credit).sum();
        if (total > 0) {
            for (int f = 0; f < credit.length; f++) {
                credit[f] /= total;
            }
        }
        return credit;
    }

    /**
     * The sample's positions in each feature's order, derived from the rows' order without
     * sorting again: every position of a row follows where the row stands.
     */
    private static int[][] sampleOrder(int[][] rowOrder, int[] rows, int n) {
        int[] count = new int[n + 1];
        for (int r : rows) {
            count[r + 1]++;
        }
        for (int r = 0; r < n; r++) {
            count[r + 1] += count[r];
        }
        int[] positionsByRow = new int[rows.length];
        int[] next = Arrays.copyOf(count, n);
        for (int p = 0; p < rows.length; p++) {
            positionsByRow[next[rows[p]]++] = p;
        }
        int[][] order = new int[rowOrder.length][rows.length];
        for (int f = 0; f < rowOrder.length; f++) {
            int i = 0;
            for (int r : rowOrder[f]) {
                for (int k = count[r]; k < count[r + 1]; k++) {
                    order[f][i++] = positionsByRow[k];
                }
            }
        }
        return order;
    }

    private static int[] bootstrap(int n, SplittableRandom random) {
        int[] rows = new int[n];
        for (int i = 0; i < n; i++) {
            rows[i] = random.nextInt(n);
        }
        return rows;
    }

    /** One tree over a bootstrap sample; nodes are lists of sample positions, one per feature order. */
    private static final class Tree {
        private final double[][] x;
        private final double[] y;
        private final double[] credit;
        private final boolean[] goesLeft;

        Tree(double[][] columns, double[] target, int[] rows, double[] credit) {
            int n = rows.length;
            this.x = new double[columns.length][n];
            this.y = new double[n];
            for (int p = 0; p < n; p++) {
                y[p] = target[rows[p]];
                for (int f = 0; f < columns.length; f++) {
                    x[f][p] = columns[f][rows[p]];
                }
            }
            this.credit = credit;
            this.goesLeft = new boolean[n];
        }

        void grow(int[][] order, int depth) {
            int m = order[0].length;
            if (m < MIN_SPLIT || depth >= MAX_DEPTH) {
                return;
            }
            double total = 0;
            double totalSq = 0;
            for (int p : order[0]) {
                total += y[p];
                totalSq += y[p] * y[p];
            }
            double parentError = totalSq - total * total / m;
            if (parentError <= 1e-12 * Math.max(1, totalSq)) {
                return;
            }
            int bestFeature = -1;
            int bestCut = -1;
            double bestGain = 0;
            for (int f = 0; f < x.length; f++) {
                int[] o = order[f];
                double[] col = x[f];
                double left = 0;
                double leftSq = 0;
                for (int i = 0; i < m - 1; i++) {
                    double v = y[o[i]];
                    left += v;
                    leftSq += v * v;
                    if (col[o[i]] == col[o[i + 1]]) {
                        continue;
                    }
                    int nl = i + 1;
                    double right = total - left;
                    double error = (leftSq - left * left / nl) + (totalSq - leftSq - right * right / (m - nl));
                    double gain = parentError - error;
                    if (gain > bestGain) {
                        bestGain = gain;
                        bestFeature = f;
                        bestCut = i;
                    }
                }
            }
            if (bestFeature < 0) {
                return;
            }
            credit[bestFeature] += bestGain;
            int[] chosen = order[bestFeature];
            for (int i = 0; i < m; i++) {
                goesLeft[chosen[i]] = i <= bestCut;
            }
            int nl = bestCut + 1;
            int[][] leftOrder = new int[x.length][nl];
            int[][] rightOrder = new int[x.length][m - nl];
            for (int f = 0; f < x.length; f++) {
                int l = 0;
                int r = 0;
                for (int p : order[f]) {
                    if (goesLeft[p]) {
                        leftOrder[f][l++] = p;
                    } else {
                        rightOrder[f][r++] = p;
                    }
                }
            }
            grow(leftOrder, depth + 1);
            grow(rightOrder, depth + 1);
        }
    }
}
