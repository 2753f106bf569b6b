package dev.keel.internal.run;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;

import java.util.function.UnaryOperator;

/**
 * What {@code keel agent} tells a trial's program through its environment: {@code KEEL_RUN_ID},
 * the id it made for the trial's run, and {@code KEEL_SWEEP}, the sweep. {@code Keel.init} uses
 * them where the program set nothing itself, so any Keel program can be swept unchanged. {@code
 * KEEL_SWEEP_METRIC} names the sweep's metric, and {@code KEEL_SWEEP_PAUSE_AFTER} (Hyperband's
 * brackets) how many of its values the program logs before it stops at its rung (0: no pause).
 */
record TrialEnvironment(String runId, String sweep, String metric, long pauseAfter) {
    static final String RUN_ID = "KEEL_RUN_ID";
    static final String SWEEP = "KEEL_SWEEP";
    static final String METRIC = "KEEL_SWEEP_METRIC";
    static final String PAUSE_AFTER = "KEEL_SWEEP_PAUSE_AFTER";

    /** Reads the variables (blank counts as unset); a value of the wrong shape throws, naming it. */
    static TrialEnvironment read(UnaryOperator<String> env) {
        String metric = env.apply(METRIC);
        return new TrialEnvironment(
                id(env, RUN_ID, "run"),
                id(env, SWEEP, "sweep"),
                metric == null || metric.isBlank() ? null : metric.trim(),
                count(env.apply(PAUSE_AFTER)));
    }

    private static long count(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below, naming the variable
        }
        throw KeelException.invalid(
                PAUSE_AFTER + "='" + value + "' is not a count: it is set by 'keel agent' to how many"
                        + " values of the sweep's metric a trial logs before it pauses; unset it to run the program on its own");
    }

    private static String id(UnaryOperator<String> env, String name, String what) {
        String value = env.apply(name);
        if (value == null || value.isBlank()) {
            return null;
        }
        String id = value.trim();
        if (!Ids.isRunId(id)) {
            throw KeelException.invalid(name + "='" + value + "' is not a " + what + " id: " + what
                    + " ids are 8 characters of a-z and 0-9, e.g. 6v8m5w0s. It is set by 'keel agent' for a "
                    + "sweep's trial; unset it to run the program on its own");
        }
        return id;
    }
}
