package dev.keel.core.sweep;

import java.util.Locale;

/**
 * What became of one trial. Only {@link #FINISHED} and {@link #STOPPED} (ended early by the
 * sweep's early-termination rule) trials with a metric value can be a sweep's best.
 * {@link #CRASHED} means its agent went silent (killed, machine lost); its slot is offered again.
 * {@link #NO_METRIC} means the program ended well but never logged the sweep's metric.
 * {@link #PAUSED} is not an end: Hyperband's synchronous halving stopped the trial's program at
 * a rung, its checkpoint saved, until its bracket decides; promoted, it runs again under the same
 * run ({@link SweepStore#resumeTrial}), else it ends {@link #STOPPED}. A paused trial holds no
 * process and no heartbeat.
 */
public enum TrialState {
    RUNNING,
    FINISHED,
    STOPPED,
    FAILED,
    KILLED,
    CRASHED,
    NO_METRIC,
    PAUSED;

    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public boolean isTerminal() {
        return this != RUNNING && this != PAUSED;
    }

    /**
     * True when a trial in this state, with a metric value, may be the sweep's best (a paused
     * trial's value at its rung is a value it reached).
     */
    public boolean countsForBest() {
        return this == FINISHED || this == STOPPED || this == PAUSED;
    }

    public static TrialState parse(String text) {
        String t = text.trim().replace('-', '_');
        for (TrialState s : values()) {
            if (s.name().equalsIgnoreCase(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown trial state '" + text
                + "': use one of running, finished, stopped, failed, killed, crashed, no-metric, paused");
    }
}
