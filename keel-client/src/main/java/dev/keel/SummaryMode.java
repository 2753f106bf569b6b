package dev.keel;

/**
 * How a metric's summary value is derived from its logged values, like W&amp;B's
 * {@code define_metric(summary=…)}. The default is {@link #LAST}.
 */
public enum SummaryMode {
    /** The most recent value. */
    LAST,
    /** The smallest value seen (NaN ignored). */
    MIN,
    /** The largest value seen (NaN ignored). */
    MAX,
    /** The arithmetic mean of every finite value logged. */
    MEAN
}
