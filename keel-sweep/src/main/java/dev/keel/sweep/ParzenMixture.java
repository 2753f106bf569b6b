package dev.keel.sweep;

import dev.keel.sweep.SearchSpace.Numeric;
import dev.keel.sweep.SearchSpace.Point;

import java.util.List;
import java.util.SplittableRandom;

/**
 * A density over the search space made of one kernel per observed point plus one broad prior
 * kernel: a product of truncated Gaussians over the numeric coordinates and smoothed one-hot
 * distributions over the categories. Kernels span every coordinate at once, so the density keeps
 * what goes together (a learning rate that works only with a batch size).
 */
final class ParzenMixture {
    private static final double PRIOR_WEIGHT = 1.0;

    private final SearchSpace space;
    private final int components;
    private final double[][] centers;
    private final int[][] categories;
    private final double[] sigma;
    private final double[][] logNorm;
    private final double[] logWeight;
    private final double[][] categoryLogP;
    private final double[] cumulativeWeight;

    /** Kernels at {@code points} and a prior; the prior is the last component. */
    ParzenMixture(SearchSpace space, List<Point> points) {
        this.space = space;
        int n = points.size();
        this.components = n + 1;
        int dn = space.numericCount();
        int dc = space.categoricalCount();
        centers = new double[components][dn];
        categories = new int[components][dc];
        sigma = new double[dn];
        // Scott's rule shape: kernels narrow as points accumulate, more slowly in more dimensions.
        double shrink = 0.2 * StrictMath.pow(Math.max(n, 1), -1.0 / (space.dimensions() + 4));
        for (int d = 0; d < dn; d++) {
            Numeric num = space.numeric.get(d);
            double floor = num.width() / Math.min(100.0, 1.0 + n);
            sigma[d] = Math.max(shrink * num.width(), floor);
        }
        logNorm = new double[components][dn];
        for (int i = 0; i < components; i++) {
            for (int d = 0; d < dn; d++) {
                Numeric num = space.numeric.get(d);
                double mu = i < n ? points.get(i).x()[d] : num.priorMu();
                double s = i < n ? sigma[d] : num.priorSigma();
                centers[i][d] = mu;
                logNorm[i][d] = -StrictMath.log(s) - Normal.logMass((num.low() - mu) / s, (num.high() - mu) / s);
            }
            for (int d = 0; d < dc; d++) {
                categories[i][d] = i < n ? points.get(i).c()[d] : -1;
            }
        }
        // A kernel keeps half its mass on its own category (more with few categories), spreading the rest.
        categoryLogP = new double[dc][2];
        for (int d = 0; d < dc; d++) {
            int k = space.categorical.get(d).size();
            double own = (1.0 + PRIOR_WEIGHT / k) / (1.0 + PRIOR_WEIGHT);
            categoryLogP[d][0] = StrictMath.log(own);
            categoryLogP[d][1] = StrictMath.log((1.0 - own) / (k - 1));
        }
        logWeight = new double[components];
        cumulativeWeight = new double[components];
        double total = n + PRIOR_WEIGHT;
        double running = 0;
        for (int i = 0; i < components; i++) {
            double w = (i < n ? 1.0 : PRIOR_WEIGHT) / total;
            logWeight[i] = StrictMath.log(w);
            running += w;
            cumulativeWeight[i] = running;
        }
    }

    /** A point drawn from the mixture. */
    Point sample(SplittableRandom random) {
        double u = random.nextDouble() * cumulativeWeight[components - 1];
        int i = 0;
        while (i < components - 1 && cumulativeWeight[i] < u) {
            i++;
        }
        boolean prior = i == components - 1;
        double[] x = new double[space.numericCount()];
        for (int d = 0; d < x.length; d++) {
            Numeric num = space.numeric.get(d);
            double s = prior ? num.priorSigma() : sigma[d];
            x[d] = Normal.truncated(random, centers[i][d], s, num.low(), num.high());
        }
        int[] c = new int[space.categoricalCount()];
        for (int d = 0; d < c.length; d++) {
            int k = space.categorical.get(d).size();
            if (prior || random.nextDouble() >= StrictMath.exp(categoryLogP[d][0])) {
                // The prior is uniform; a kernel's spread mass is uniform over the other categories.
                int other = random.nextInt(prior ? k : k - 1);
                c[d] = prior || other < categories[i][d] ? other : other + 1;
            } else {
                c[d] = categories[i][d];
            }
        }
        return new Point(x, c);
    }

    /** The log of the mixture's density at {@code p}. */
    double logDensity(Point p) {
        double max = Double.NEGATIVE_INFINITY;
        double[] terms = new double[components];
        for (int i = 0; i < components; i++) {
            boolean prior = i == components - 1;
            double t = logWeight[i];
            for (int d = 0; d < centers[i].length; d++) {
                double s = prior ? space.numeric.get(d).priorSigma() : sigma[d];
                double z = (p.x()[d] - centers[i][d]) / s;
                t += logNorm[i][d] - 0.5 * z * z - Normal.LOG_SQRT_2PI;
            }
            for (int d = 0; d < categories[i].length; d++) {
                t += prior
                        ? -StrictMath.log(space.categorical.get(d).size())
                        : categoryLogP[d][p.c()[d] == categories[i][d] ? 0 : 1];
            }
            terms[i] = t;
            max = Math.max(max, t);
        }
        double sum = 0;
        for (double t : terms) {
            sum += StrictMath.exp(t - max);
        }
        return max + StrictMath.log(sum);
    }
}
