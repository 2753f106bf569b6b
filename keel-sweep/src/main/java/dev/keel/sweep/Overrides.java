package dev.keel.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A trial's parameters as the {@code key=value} arguments its program receives, sorted by key so
 * the same parameters always make the same command line:
 * <pre>
 * Overrides.args(Map.of("optimizer.lr", 0.001, "hidden", 64L))  →  [hidden=64, optimizer.lr=0.001]
 * </pre>
 * Numbers print so that a Java program reads back exactly the value proposed: whole numbers as
 * digits, doubles with {@link Double#toString(double)} (shortest text that round-trips, e.g.
 * {@code 1.0E-4}), which {@link Double#parseDouble} turns back into the same double.
 */
public final class Overrides {
    private Overrides() {}

    /** The {@code key=value} arguments, in key order. */
    public static List<String> args(Map<String, Object> params) {
        List<String> out = new ArrayList<>(params.size());
        for (Map.Entry<String, Object> e : new TreeMap<>(params).entrySet()) {
            out.add(e.getKey() + "=" + format(e.getValue()));
        }
        return out;
    }

    /** The arguments joined by spaces, for messages and tables. */
    public static String line(Map<String, Object> params) {
        return String.join(" ", args(params));
    }

    /** One value as its argument text. */
    public static String format(Object value) {
        if (value instanceof Double d) {
            return Double.toString(d);
        }
        if (value instanceof Float f) {
            return Double.toString(f.doubleValue());
        }
        return String.valueOf(value);
    }
}
