package dev.keel.internal.run;

import dev.keel.core.KeelException;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code keel reproduce} tells the program it re-runs, through its environment, so that any
 * Keel program can be reproduced unchanged:
 *
 * <ul>
 *   <li>{@code KEEL_REPRODUCE_STEPS=N}: once the run logs a point at step N or later,
 *       {@code run.shouldStop()} turns true (a quick check of the first steps);
 *   <li>{@code KEEL_REPRODUCE_DATASETS=name:v3,other:v1}: {@code run.useDataset} of any reference
 *       to {@code name} ({@code name:latest}, {@code name:prod}…) gets version 3, the one the
 *       original run used, even where the reference has moved since.
 * </ul>
 */
record ReproduceSettings(long stopAfterStep, Map<String, String> pins) {
    static final String STEPS = "KEEL_REPRODUCE_STEPS";
    static final String DATASETS = "KEEL_REPRODUCE_DATASETS";
    private static volatile ReproduceSettings current;

    private static final Pattern PIN = Pattern.compile("([^:@,\\s]+):v(\\d+)");

    /** This process's settings, read once; {@code Keel.init} calls it first, so a bad value fails there. */
    static ReproduceSettings current() {
        ReproduceSettings s = current;
        if (s == null) {
            s = read(System::getenv);
            current = s;
        }
        return s;
    }

    /** Reads both variables (blank counts as unset); a value of the wrong shape throws, naming it. */
    static ReproduceSettings read(UnaryOperator<String> env) {
        long steps = Long.MAX_VALUE;
        String s = env.apply(STEPS);
        if (s != null && !s.isBlank()) {
            try {
                steps = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                steps = -1;
            }
            if (steps < 0) {
                throw KeelException.invalid(STEPS + "='" + s + "' is not a step number (0 or more); it is set by "
                        + "'keel reproduce --steps N': unset it to run the program in full");
            }
        }
        Map<String, String> pins = new LinkedHashMap<>();
        String d = env.apply(DATASETS);
        if (d != null && !d.isBlank()) {
            for (String part : d.split(",")) {
                Matcher m = PIN.matcher(part.trim());
                if (!m.matches()) {
                    throw KeelException.invalid(DATASETS + "='" + d + "': '" + part.trim()
                            + "' is not a dataset version such as fashion-mnist:v3; it is set by 'keel reproduce': "
                            + "unset it to use the references the program names");
                }
                pins.put(m.group(1), m.group(1) + ":v" + m.group(2));
            }
        }
        return new ReproduceSettings(steps, Map.copyOf(pins));
    }

    /** The pinned version for a reference to a pinned dataset, else the reference itself. */
    String pin(String ref) {
        int end = 0;
        while (end < ref.length() && ref.charAt(end) != ':' && ref.charAt(end) != '@') {
            end++;
        }
        return pins.getOrDefault(ref.substring(0, end), ref);
    }

    boolean stopsAt(long step) {
        return step >= stopAfterStep;
    }
}
