package dev.keel.cli.view;

import dev.keel.core.MetricSeries;

import java.util.Optional;

/**
 * Says where a summary value came from when it is not the metric's last logged value, so that
 * {@code val_accuracy 0.8933} is not read as the last epoch's: {@code (max of 5 values logged;
 * last 0.8922)}. The SDK does not store the summary mode, so it is read off the history: the
 * value is the series' maximum, its minimum, or was set some other way.
 */
public final class SummaryNotes {
    private SummaryNotes() {}

    /** The note for {@code value} given its metric's history; empty when it is the last value logged. */
    public static Optional<String> of(Object value, MetricSeries series) {
        if (!(value instanceof Number number) || series == null || series.size() == 0) {
            return Optional.empty();
        }
        double v = number.doubleValue();
        double[] values = series.values();
        double last = values[values.length - 1];
        if (same(v, last)) {
            return Optional.empty();
        }
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double x : values) {
            if (!Double.isNaN(x)) {
                min = Math.min(min, x);
                max = Math.max(max, x);
            }
        }
        String lastText = "last " + Values.asLogged(last);
        String of = " of " + values.length + " values logged; ";
        if (same(v, max)) {
            return Optional.of("(max" + of + lastText + ")");
        }
        if (same(v, min)) {
            return Optional.of("(min" + of + lastText + ")");
        }
        return Optional.of("(set in the summary; " + lastText + " logged)");
    }

    private static boolean same(double a, double b) {
        return Double.compare(a, b) == 0;
    }
}
