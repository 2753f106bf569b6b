package dev.keel.sweep;

/** Comparing parameter values that may have crossed JSON or a database on their way back. */
final class Values {
    private Values() {}

    /**
     * A key equal for values that mean the same: a Long 32 and a Double 32.0 (numbers may come
     * back either way), but not the text "32".
     */
    static String key(Object value) {
        if (value instanceof Number n) {
            double d = n.doubleValue();
            return "n:" + (d == 0.0 ? 0.0 : d);
        }
        if (value instanceof Boolean b) {
            return "b:" + b;
        }
        return "s:" + value;
    }

    /** The number a parameter value stands for, or NaN when it is not one. */
    static double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }
}
