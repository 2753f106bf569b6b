package dev.keel.internal.run;

import dev.keel.SummaryMode;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * Derives summary values from logged points on the writer thread, by each metric's
 * {@link SummaryMode}, and hands out only what changed since the last write cycle. A user
 * value ({@code put}) wins until the metric is logged again. {@code system/…} metrics are not
 * summarised, like W&B's system charts.
 */
final class SummaryTracker {
    private final Map<String, Stat> stats = new HashMap<>();
    private final Map<String, SummaryMode> modes = new HashMap<>();
    private final Map<String, Object> userValues = new HashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();

    void point(String key, double v) {
        if (key.startsWith("system/")) {
            return;
        }
        Stat s = stats.get(key);
        if (s == null) {
            s = new Stat(modes.getOrDefault(key, SummaryMode.LAST));
            stats.put(key, s);
        }
        s.add(v);
        if (!userValues.isEmpty()) {
            userValues.remove(key);
        }
        changed.add(key);
    }

    void put(String key, Object value) {
        userValues.put(key, value);
        changed.add(key);
    }

    void define(String metric, SummaryMode mode) {
        modes.put(metric, mode);
        Stat s = stats.get(metric);
        if (s != null && s.mode != mode) {
            // applies to values logged from now on, starting from the current summary value
            Stat fresh = new Stat(mode);
            if (s.has) {
                fresh.add(s.value());
            }
            stats.put(metric, fresh);
        }
    }

    /** Values changed since the last call (null for a removed key), in first-change order. */
    Map<String, Object> drainChanged() {
        if (changed.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        for (String k : changed) {
            if (userValues.containsKey(k)) {
                out.put(k, userValues.get(k));
            } else {
                Stat s = stats.get(k);
                if (s != null && s.has) {
                    out.put(k, s.value());
                }
            }
        }
        changed.clear();
        return out;
    }

    /** Running statistics of one metric. */
    private static final class Stat {
        final SummaryMode mode;
        boolean has;
        double last;
        double best;
        double sum;
        long count;

        Stat(SummaryMode mode) {
            this.mode = mode;
        }

        void add(double v) {
            switch (mode) {
                case LAST -> {
                    last = v;
                    has = true;
                }
                case MIN -> {
                    if (!Double.isNaN(v) && (!has || v < best)) {
                        best = v;
                        has = true;
                    }
                }
                case MAX -> {
                    if (!Double.isNaN(v) && (!has || v > best)) {
                        best = v;
                        has = true;
                    }
                }
                case MEAN -> {
                    if (Double.isFinite(v)) {
                        sum += v;
                        count++;
                        has = true;
                    }
                }
            }
        }

        double value() {
            return switch (mode) {
                case LAST -> last;
                case MIN, MAX -> best;
                case MEAN -> sum / count;
            };
        }
    }
}
