package dev.keel.cli.sweep;

import java.util.List;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * An early-termination rule as the agent applies it: given the running trial's metric curve and
 * every other trial's, the reason to stop the trial now, if any. The step of the metric series is
 * the iteration (the epoch, for a training loop).
 */
@FunctionalInterface
public interface StopRule {
    Optional<String> check(Curve current, List<Curve> others);

    /** One trial's metric by step; {@code ended} once the trial has ended. */
    record Curve(int number, NavigableMap<Long, Double> metricByStep, boolean ended) {}
}
