package dev.keel.sweep;

import java.util.List;
import java.util.Optional;

/**
 * A sweep's early-termination rule, asked by the agent while a trial runs:
 * <pre>
 * Optional&lt;EarlyStop&gt; rule = EarlyStop.of(config);
 * rule.flatMap(r -&gt; r.check(current, others)).ifPresent(reason -&gt; store.sweeps().requestStop(id, n, reason));
 * </pre>
 * Two rules exist. {@code hyperband} judges a trial at rungs min_iter·eta^k (below max_iter
 * when given): one whose best value by the rung is not among the best 1/eta of the trials that
 * reached that rung is stopped. {@code median} stops a trial, from min_iter on, once its best
 * value so far is worse than the median of the other trials' values at the same step (when at
 * least min_trials others reached it). Both respect the metric's goal, and a stop's reason is a
 * sentence naming the metric, the value, the step and the threshold.
 */
public interface EarlyStop {

    /** The rule the configuration asks for, or empty when it has no {@code early_terminate}. */
    static Optional<EarlyStop> of(SweepConfig config) {
        return config.earlyTerminate().map(e -> switch (e.type()) {
            case HYPERBAND -> new Hyperband(config.metricName(), config.minimize(), e.minIter(), e.eta(), e.maxIter());
            case MEDIAN -> new MedianStop(config.metricName(), config.minimize(), e.minIter(), e.minTrials());
        });
    }

    /**
     * Whether {@code current} should stop now.
     *
     * @param others every other trial of the sweep, running or ended (the current one may be
     *     among them; it is skipped by number)
     * @return the reason to stop, or empty to let it go on
     */
    Optional<String> check(TrialCurve current, List<TrialCurve> others);
}
