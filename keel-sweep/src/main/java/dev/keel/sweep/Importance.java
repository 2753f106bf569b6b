package dev.keel.sweep;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How much each parameter seems to matter to the sweep's metric, the two ways W&amp;B shows it:
 * <ul>
 *   <li>{@code correlation}: Pearson's r between the parameter and the metric, from -1 to 1. A
 *       categorical parameter is read as the mean metric of its value, which makes r the
 *       correlation ratio η: from 0 to 1, unsigned.</li>
 *   <li>{@code importance}: the share of the metric's variance a random forest (regression trees
 *       on bootstrap samples, seeded) removes by splitting on the parameter; the shares of all
 *       parameters sum to 1. Categorical values enter the forest one-hot, their shares summed.
 *       Unlike r it sees effects that are not straight lines (a best learning rate in the middle).</li>
 * </ul>
 * <pre>
 * for (Importance i : Importance.of(trialParams, trialMetrics)) { … i.parameter(), i.importance() … }
 * </pre>
 * Rows whose metric is null or not finite are left out, and so are parameters with a single
 * value (they explain nothing).
 */
public record Importance(String parameter, double correlation, double importance) {
    private static final long SEED = 0x5EEDL;

    /** Importance with the default seed, most important first. */
    public static List<Importance> of(List<Map<String, Object>> params, List<Double> metric) {
        return of(params, metric, SEED);
    }

    /**
     * Importance of each parameter, most important first.
     *
     * @param params one map per trial (dotted names as trials carry them)
     * @param metric the metric of the same trials, in the same order (null when none)
     * @param seed seeds the forest's bootstrap samples and feature choices
     */
    public static List<Importance> of(List<Map<String, Object>> params, List<Double> metric, long seed) {
        if (params.size() != metric.size()) {
            throw new IllegalArgumentException(
                    params.size() + " parameter rows but " + metric.size() + " metric values");
        }
        List<Map<String, Object>> rows = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (int i = 0; i < params.size(); i++) {
            Double y = metric.get(i);
            if (y != null && Double.isFinite(y)) {
                rows.add(params.get(i));
                ys.add(y);
            }
        }
        double[] y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        Set<String> names = new LinkedHashSet<>();
        rows.forEach(r -> names.addAll(r.keySet()));
        List<String> kept = new ArrayList<>();
        List<double[]> columns = new ArrayList<>();
        List<Integer> owner = new ArrayList<>();
        Map<String, Double> correlation = new HashMap<>();
        for (String name : names) {
            List<Object> values = rows.stream().map(r -> r.get(name)).toList();
            if (values.stream().map(Values::key).distinct().count() < 2 || y.length < 2) {
                continue;
            }
            int index = kept.size();
            kept.add(name);
            if (values.stream().allMatch(v -> v instanceof Number || v instanceof Boolean)) {
                double[] x = numeric(values);
                correlation.put(name, pearson(x, y));
                columns.add(x);
                owner.add(index);
            } else {
                correlation.put(name, pearson(meanMetric(values, y), y));
                for (double[] oneHot : oneHot(values)) {
                    columns.add(oneHot);
                    owner.add(index);
                }
            }
        }
        double[] share = new double[kept.size()];
        if (!columns.isEmpty()) {
            double[] byColumn = new RandomForest(seed).importance(columns.toArray(new double[0][]), y);
            for (int c = 0; c < byColumn.length; c++) {
                share[owner.get(c)] += byColumn[c];
            }
        }
        List<Importance> out = new ArrayList<>();
        for (int i = 0; i < kept.size(); i++) {
            out.add(new Importance(kept.get(i), correlation.get(kept.get(i)), share[i]));
        }
        out.sort(Comparator.comparingDouble(Importance::importance).reversed().thenComparing(Importance::parameter));
        return out;
    }

    private static double[] numeric(List<Object> values) {
        double[] x = new double[values.size()];
        double sum = 0;
        int present = 0;
        for (int i = 0; i < x.length; i++) {
            Object v = values.get(i);
            x[i] = v instanceof Boolean b ? (b ? 1 : 0) : v instanceof Number n ? n.doubleValue() : Double.NaN;
            if (Double.isFinite(x[i])) {
                sum += x[i];
                present++;
            }
        }
        // A trial without the parameter (the configuration changed) reads as its average.
        double mean = present == 0 ? 0 : sum / present;
        for (int i = 0; i < x.length; i++) {
            if (!Double.isFinite(x[i])) {
                x[i] = mean;
            }
        }
        return x;
    }

    private static double[] meanMetric(List<Object> values, double[] y) {
        Map<String, double[]> sums = new HashMap<>();
        for (int i = 0; i < y.length; i++) {
            double[] s = sums.computeIfAbsent(Values.key(values.get(i)), k -> new double[2]);
            s[0] += y[i];
            s[1]++;
        }
        double[] x = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            double[] s = sums.get(Values.key(values.get(i)));
            x[i] = s[0] / s[1];
        }
        return x;
    }

    private static List<double[]> oneHot(List<Object> values) {
        Map<String, double[]> byValue = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            byValue.computeIfAbsent(Values.key(values.get(i)), k -> new double[values.size()])[i] = 1;
        }
        return new ArrayList<>(byValue.values());
    }

    /** Pearson's r; 0 when either side does not vary. */
    static double pearson(double[] x, double[] y) {
        int n = x.length;
        double mx = 0;
        double my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i] / n;
            my += y[i] / n;
        }
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (int i = 0; i < n; i++) {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
            syy += (y[i] - my) * (y[i] - my);
        }
        return sxx <= 0 || syy <= 0 ? 0 : Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
    }
}
