package dev.keel.server.ui;

import dev.keel.core.sweep.Trial;
import dev.keel.sweep.Importance;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each parameter matters for the sweep's metric, over the trials that may be best
 * (ended well or stopped early, with a finite metric), as W&B shows it: the correlation of the
 * parameter with the metric and its random-forest importance ({@link Importance}). A parameter
 * searched on a log scale enters as its logarithm, so that a learning rate's correlation is
 * read per decade, as it was searched.
 */
final class SweepImportance {
    /** Fewer trials than this say nothing about a parameter. */
    static final int MIN_TRIALS = 3;

    private SweepImportance() {}

    /** How a sweep's importance is found: computed, or remembered. */
    @FunctionalInterface
    interface Compute {
        Map<String, Object> of(SweepConfigView config, List<String> names, List<Trial> trials);
    }

    /**
     * Remembers the importance of the last few sweeps while their ended trials stay the same: a
     * live page asks again at every change of a running trial, and the forest takes a while.
     */
    static final class Cache implements Compute {
        private final Map<String, Map<String, Object>> recent;

        Cache(int sweeps) {
            this.recent = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, Map<String, Object>> eldest) {
                    return size() > sweeps;
                }
            });
        }

        @Override
        public Map<String, Object> of(SweepConfigView config, List<String> names, List<Trial> trials) {
            StringBuilder key = new StringBuilder(config.metric()).append('|').append(names);
            for (Trial t : trials) {
                if (SweepView.counts(t)) {
                    key.append('|')
                            .append(t.sweepId())
                            .append(':')
                            .append(t.number())
                            .append('=')
                            .append(t.metric());
                }
            }
            String k = key.toString();
            Map<String, Object> have = recent.get(k);
            if (have == null) {
                have = SweepImportance.of(config, names, trials);
                recent.put(k, have);
            }
            return have;
        }
    }

    static Map<String, Object> of(SweepConfigView config, List<String> names, List<Trial> trials) {
        List<Trial> scored = trials.stream().filter(SweepView::counts).toList();
        Map<String, Importance> byName = new HashMap<>();
        if (scored.size() >= MIN_TRIALS) {
            List<Map<String, Object>> rows = new ArrayList<>();
            List<Double> metric = new ArrayList<>();
            for (Trial t : scored) {
                Map<String, Object> row = new LinkedHashMap<>();
                t.params().forEach((k, v) -> row.put(k, onScale(config, k, v)));
                rows.add(row);
                metric.add(t.metric());
            }
            Importance.of(rows, metric).forEach(i -> byName.put(i.parameter(), i));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", config.metric());
        out.put("trials", scored.size());
        List<Object> params = new ArrayList<>();
        for (String name : names) {
            Importance i = byName.get(name);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", name);
            p.put("correlation", i == null ? null : finite(i.correlation()));
            p.put("importance", i == null ? null : finite(i.importance()));
            params.add(p);
        }
        out.put("params", params);
        return out;
    }

    /** A parameter's value as it was searched: its logarithm on a log scale. */
    static Object onScale(SweepConfigView config, String name, Object value) {
        if (value instanceof Number n && n.doubleValue() > 0 && config.logScale(name)) {
            return Math.log10(n.doubleValue());
        }
        return value;
    }

    private static Double finite(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
