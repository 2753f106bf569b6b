package dev.keel.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Asynchronous successive halving over Hyperband's rungs: no trial waits for a bracket to fill,
 * each is judged against the trials that reached its rung before it, the way W&amp;B's hyperband
 * stopping works.
 */
final class Hyperband implements EarlyStop {
    private final String metric;
    private final boolean minimize;
    private final long minIter;
    private final int eta;
    private final long maxIter;

    Hyperband(String metric, boolean minimize, long minIter, int eta, long maxIter) {
        this.metric = metric;
        this.minimize = minimize;
        this.minIter = minIter;
        this.eta = eta;
        this.maxIter = maxIter;
    }

    /** The highest rung at or below {@code step}, or -1 when the step is before the first. */
    long rungFor(long step) {
        if (step < minIter) {
            return -1;
        }
        long rung = minIter;
        while (rung <= step / eta && (maxIter == 0 || rung * eta < maxIter)) {
            rung *= eta;
        }
        // A rung at max_iter judges a trial that is already done.
        return maxIter != 0 && rung >= maxIter ? -1 : rung;
    }

    @Override
    public Optional<String> check(TrialCurve current, List<TrialCurve> others) {
        if (current.ended()) {
            return Optional.empty();
        }
        long rung = rungFor(current.lastStep());
        if (rung < 0) {
            return Optional.empty();
        }
        double value = current.bestUpTo(rung, minimize);
        if (Double.isNaN(value)) {
            return Optional.empty();
        }
        List<Double> reached = new ArrayList<>();
        reached.add(value);
        for (TrialCurve other : others) {
            if (other.number() != current.number() && other.lastStep() >= rung) {
                double v = other.bestUpTo(rung, minimize);
                if (!Double.isNaN(v)) {
                    reached.add(v);
                }
            }
        }
        reached.sort(minimize ? null : (a, b) -> Double.compare(b, a));
        int kept = (int) Math.ceil(reached.size() / (double) eta);
        double threshold = reached.get(kept - 1);
        boolean worse = minimize ? value > threshold : value < threshold;
        if (!worse) {
            return Optional.empty();
        }
        return Optional.of("hyperband: " + metric + " " + Shown.number(value) + " at iteration " + rung + " is "
                + (minimize ? "above " : "below ") + Shown.number(threshold) + ", the cut for the best 1/" + eta + " ("
                + kept + " of " + reached.size() + " trials at iteration " + rung + ")");
    }
}
