package dev.keel;

import java.util.Map;

/**
 * A run's summary: one value per metric, shown as columns of the runs table and used to sort
 * and filter runs. Metrics logged with {@link Run#log} update it by their {@link SummaryMode}
 * (the last value unless defined otherwise); {@link #put} sets any value directly (a user value
 * wins over the automatic one until that metric is logged again).
 *
 * <pre>{@code
 * run.summary().define("val_loss", SummaryMode.MIN);
 * run.summary().put("test_accuracy", 0.889);
 * }</pre>
 */
public interface Summary {

    /**
     * Sets a value: a number, string, boolean, or a JSON-like map or list. A key or value over
     * Keel's limits (keys 1-250 characters, strings up to 1 MiB, 100 levels of nesting) is left
     * out and named in {@code run.problems()}; with {@code RunOptions.strict} it throws
     * {@link IllegalArgumentException} instead.
     */
    Summary put(String key, Object value);

    /** Chooses how a metric's summary is derived; applies to values logged from now on. */
    Summary define(String metric, SummaryMode mode);

    /** The current value, or null. */
    Object get(String key);

    /** A snapshot of every value. */
    Map<String, Object> asMap();
}
