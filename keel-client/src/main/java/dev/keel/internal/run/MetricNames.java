package dev.keel.internal.run;

import dev.keel.core.ValueLimits;

/** The rules for metric and summary names: 1–250 characters, no control characters. */
final class MetricNames {
    static final int MAX_LENGTH = ValueLimits.MAX_KEY;

    private MetricNames() {}

    /** Null when the name is valid, else why not (for a message that also names the key). */
    static String problem(String name) {
        if (name == null) {
            return "the name is null";
        }
        int len = name.length();
        if (len == 0) {
            return "the name is empty";
        }
        if (len > MAX_LENGTH) {
            return "the name has " + len + " characters, more than " + MAX_LENGTH;
        }
        for (int i = 0; i < len; i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "the name holds a control character (U+" + String.format("%04X", (int) name.charAt(i)) + ")";
            }
        }
        return null;
    }

    /** How a key is shown in a message: quoted, shortened, control characters escaped. */
    static String show(String name) {
        if (name == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("'");
        for (int i = 0; i < Math.min(name.length(), 60); i++) {
            char c = name.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.append(name.length() > 60 ? "…'" : "'").toString();
    }
}
