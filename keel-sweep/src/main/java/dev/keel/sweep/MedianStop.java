package dev.keel.sweep;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The median stopping rule: a trial whose best so far is worse than what half the other trials
 * had at the same step is unlikely to end up best. Other trials are read at the step (or their
 * last value before it) only when they got that far.
 */
final class MedianStop implements EarlyStop {
    private final String metric;
    private final boolean minimize;
    private final long minIter;
    private final int minTrials;

    MedianStop(String metric, boolean minimize, long minIter, int minTrials) {
        this.metric = metric;
        this.minimize = minimize;
        this.minIter = minIter;
        this.minTrials = minTrials;
    }

    @Override
    public Optional<String> check(TrialCurve current, List<TrialCurve> others) {
        long step = current.lastStep();
        if (current.ended() || step < minIter) {
            return Optional.empty();
        }
        double best = current.bestUpTo(step, minimize);
        if (Double.isNaN(best)) {
            return Optional.empty();
        }
        List<Double> atStep = new ArrayList<>();
        for (TrialCurve other : others) {
            if (other.number() != current.number() && other.lastStep() >= step) {
                double v = other.valueAt(step);
                if (Double.isFinite(v)) {
                    atStep.add(v);
                }
            }
        }
        if (atStep.size() < minTrials) {
            return Optional.empty();
        }
        double median = median(atStep);
        boolean worse = minimize ? best > median : best < median;
        if (!worse) {
            return Optional.empty();
        }
        return Optional.of("median: " + metric + " " + Shown.number(best) + " (best by iteration " + step + ") is "
                + (minimize ? "above " : "below ") + "the median " + Shown.number(median) + " of " + atStep.size()
                + " other trials at iteration " + step);
    }

    static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
