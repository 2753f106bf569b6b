package dev.keel.core;

/**
 * One metric's history, in step order: parallel arrays, so that a million points are three
 * primitive arrays rather than a million objects.
 */
public record MetricSeries(String key, long[] steps, double[] values, long[] timestamps) {

    public int size() {
        return steps.length;
    }
}
