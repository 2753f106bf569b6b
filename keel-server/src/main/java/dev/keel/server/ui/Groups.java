package dev.keel.server.ui;

import dev.keel.core.Json;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Field;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Group-by aggregates of the runs table: count, states and min/mean/max of chosen metrics per group. */
final class Groups {
    private Groups() {}

    static Map<String, Object> aggregate(List<RunInfo> runs, Field by, List<Field> metrics) {
        Map<String, List<RunInfo>> groups = new TreeMap<>();
        for (RunInfo r : runs) {
            Object v = TableApi.value(r, by);
            String key = v == null || "".equals(v) ? "" : String.valueOf(Json.encodeNonFinite(v));
            groups.computeIfAbsent(key, k -> new ArrayList<>()).add(r);
        }
        List<Object> out = new ArrayList<>();
        for (Map.Entry<String, List<RunInfo>> g : groups.entrySet()) {
            Map<String, Object> group = new LinkedHashMap<>();
            group.put("value", g.getKey());
            group.put("count", g.getValue().size());
            Map<String, Integer> states = new TreeMap<>();
            g.getValue().forEach(r -> states.merge(r.state().label(), 1, Integer::sum));
            group.put("states", states);
            group.put("runs", g.getValue().stream().map(RunInfo::id).limit(1000).toList());
            Map<String, Object> stats = new LinkedHashMap<>();
            for (Field m : metrics) {
                double min = Double.POSITIVE_INFINITY;
                double max = Double.NEGATIVE_INFINITY;
                double sum = 0;
                int n = 0;
                for (RunInfo r : g.getValue()) {
                    if (TableApi.value(r, m) instanceof Number num && Double.isFinite(num.doubleValue())) {
                        double d = num.doubleValue();
                        min = Math.min(min, d);
                        max = Math.max(max, d);
                        sum += d;
                        n++;
                    }
                }
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("count", n);
                s.put("min", n == 0 ? null : min);
                s.put("mean", n == 0 ? null : sum / n);
                s.put("max", n == 0 ? null : max);
                stats.put(m.toString(), s);
            }
            group.put("metrics", stats);
            out.add(group);
        }
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("by", by.toString());
        result.put("groups", out);
        result.put("total", runs.size());
        return result;
    }

    /** Adds each group's {@code label} where {@code labels} names its value (a sweep's name for its id). */
    @SuppressWarnings("unchecked")
    static void label(Map<String, Object> aggregate, Map<String, String> labels) {
        for (Object g : (List<Object>) aggregate.get("groups")) {
            Map<String, Object> group = (Map<String, Object>) g;
            String label = labels.get(String.valueOf(group.get("value")));
            if (label != null) {
                group.put("label", label);
            }
        }
    }
}
