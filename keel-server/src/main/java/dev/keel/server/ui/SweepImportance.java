package dev.keel.server.ui;

import dev.keel.core.sweep.Trial;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much each parameter matters for the sweep's metric, over the trials that may be best
 * (ended well or stopped early, with a finite metric): the linear correlation of the parameter
 * (its logarithm when it is searched on a log scale) with the metric, as W&B shows it.
 */
final class SweepImportance {
    /** Fewer trials than this say nothing about a parameter. */
    static final int MIN_TRIALS = 3;

    private SweepImportance() {}

    static Map<String, Object> of(SweepConfigView config, List<String> names, List<Trial> trials) {
        List<Trial> scored = trials.stream().filter(SweepView::counts).toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("metric", config.metric());
        out.put("trials", scored.size());
        List<Object> params = new ArrayList<>();
        for (String name : names) {
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", name);
            p.put("correlation", scored.size() < MIN_TRIALS ? null : correlation(scored, name, config.logScale(name)));
            params.add(p);
        }
        out.put("params", params);
        return out;
    }

    /** Pearson's r of the parameter and the metric; null when either does not vary or is not numeric. */
    static Double correlation(List<Trial> trials, String name, boolean log) {
        List<double[]> pairs = new ArrayList<>();
        for (Trial t : trials) {
            Object v = t.params().get(name);
            if (v == null) {
                continue;
            }
            double x;
            if (v instanceof Number n) {
                x = n.doubleValue();
            } else if (v instanceof Boolean b) {
                x = b ? 1 : 0;
            } else {
                return null;
            }
            if (log) {
                if (x <= 0) {
                    return null;
                }
                x = Math.log10(x);
            }
            if (Double.isFinite(x)) {
                pairs.add(new double[] {x, t.metric()});
            }
        }
        int n = pairs.size();
        if (n < MIN_TRIALS) {
            return null;
        }
        double mx = 0;
        double my = 0;
        for (double[] p : pairs) {
            mx += p[0] / n;
            my += p[1] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (double[] p : pairs) {
            sxy += (p[0] - mx) * (p[1] - my);
            sxx += (p[0] - mx) * (p[0] - mx);
            syy += (p[1] - my) * (p[1] - my);
        }
        if (sxx <= 0 || syy <= 0) {
            return null;
        }
        double r = sxy / Math.sqrt(sxx * syy);
        return Math.max(-1, Math.min(1, r));
    }
}
