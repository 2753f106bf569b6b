package dev.keel.sweep;

import java.util.Collections;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * One trial's sweep metric by iteration, as an early-termination rule reads it. {@code keel
 * agent} counts iterations as W&B does: the n-th value of the metric logged is iteration n (an
 * epoch for the reference project), whatever step the program logged it at. {@code ended} says
 * the trial will log nothing more.
 */
public record TrialCurve(int number, NavigableMap<Long, Double> metricByStep, boolean ended) {
    public TrialCurve {
        metricByStep = Collections.unmodifiableNavigableMap(new TreeMap<>(metricByStep));
    }

    /** The last step logged, or -1 when none. */
    public long lastStep() {
        return metricByStep.isEmpty() ? -1 : metricByStep.lastKey();
    }

    /** The best finite value logged at or before {@code step}, or NaN when none. */
    double bestUpTo(long step, boolean minimize) {
        double best = Double.NaN;
        for (double v : metricByStep.headMap(step, true).values()) {
            if (Double.isFinite(v) && (Double.isNaN(best) || (minimize ? v < best : v > best))) {
                best = v;
            }
        }
        return best;
    }

    /** The value logged at {@code step}, else the last one before it; NaN when none. */
    double valueAt(long step) {
        var entry = metricByStep.floorEntry(step);
        return entry == null ? Double.NaN : entry.getValue();
    }
}
