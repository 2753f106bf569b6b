package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.server.http.Request;
import dev.keel.server.mlflow.MlflowViews.Point;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;

/**
 * {@code metrics/get-history-bulk-interval}: one metric of several runs for MLflow's charts, thinned
 * to at most {@code max_results} steps. The steps kept are chosen over the union of every run's
 * steps, evenly spaced, so that all runs are sampled at the same steps; each run's first and last
 * step in the range are always kept, so no run's curve is cut short.
 */
final class MetricSampling {
    static final int MAX_RUNS = 100;
    static final int MAX_RESULTS_PER_RUN = 2500;

    private MetricSampling() {}

    /**
     * @param history a run's points of a key; empty for a run that does not exist or is hidden
     */
    static List<Object> bulkInterval(Request request, BiFunction<String, String, List<Point>> history) {
        Map<String, List<String>> query = repeated(request.exchange().rawQuery());
        List<String> runIds = new ArrayList<>(new LinkedHashSet<>(query.getOrDefault("run_ids", List.of())));
        runIds.removeIf(String::isEmpty);
        if (runIds.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter 'run_ids'."
                    + " Name each run: ?run_ids=<id>&run_ids=<id>&metric_key=<key>");
        }
        if (runIds.size() > MAX_RUNS) {
            throw KeelException.invalid("GetMetricHistoryBulkInterval request must specify at most " + MAX_RUNS
                    + " run_ids. Received " + runIds.size() + " run_ids.");
        }
        String key = first(query, "metric_key");
        if (key == null || key.isEmpty()) {
            throw KeelException.invalid("Missing value for required parameter 'metric_key'.");
        }
        int max = MAX_RESULTS_PER_RUN;
        String maxText = first(query, "max_results");
        if (maxText != null && !maxText.isEmpty()) {
            long n = whole("max_results", maxText);
            if (n < 1 || n > MAX_RESULTS_PER_RUN) {
                throw KeelException.invalid("max_results must be between 1 and " + MAX_RESULTS_PER_RUN + ".");
            }
            max = (int) n;
        }
        String startText = first(query, "start_step");
        String endText = first(query, "end_step");
        Long start = startText == null || startText.isEmpty() ? null : whole("start_step", startText);
        Long end = endText == null || endText.isEmpty() ? null : whole("end_step", endText);
        if ((start == null) != (end == null)) {
            throw KeelException.invalid("If either start step or end step are specified, both must be specified.");
        }
        if (start != null && start > end) {
            throw KeelException.invalid("end_step must be greater than start_step. Found start_step=" + start
                    + " and end_step=" + end + ".");
        }

        Map<String, List<Point>> byRun = new LinkedHashMap<>();
        TreeSet<Long> allSteps = new TreeSet<>();
        for (String id : runIds) {
            List<Point> points = history.apply(id, key);
            byRun.put(id, points);
            points.forEach(p -> allSteps.add(p.step()));
        }
        long from = start == null ? 0 : start;
        long to = end == null ? (allSteps.isEmpty() ? 0 : allSteps.last()) : end;
        Set<Long> keep = sample(new ArrayList<>(allSteps.subSet(from, true, to, true)), max);
        for (List<Point> points : byRun.values()) {
            TreeSet<Long> own = new TreeSet<>();
            points.forEach(p -> own.add(p.step()));
            if (!own.isEmpty()) {
                for (long edge : new long[] {own.first(), own.last()}) {
                    if (edge >= from && edge <= to) {
                        keep.add(edge);
                    }
                }
            }
        }

        List<Object> out = new ArrayList<>();
        byRun.forEach((id, points) -> {
            List<Point> kept = new ArrayList<>();
            for (Point p : points) {
                if (keep.contains(p.step())) {
                    kept.add(p);
                }
            }
            kept.sort((a, b) -> a.step() != b.step()
                    ? Long.compare(a.step(), b.step())
                    : Long.compare(a.timestamp(), b.timestamp()));
            for (Point p : kept) {
                Map<String, Object> m = MlflowViews.point(p);
                m.put("run_id", id);
                out.add(m);
            }
        });
        return out;
    }

    /** At most {@code max} (+1: the last) of the sorted steps, evenly spaced, always the first and the last. */
    static Set<Long> sample(List<Long> steps, int max) {
        Set<Long> out = new TreeSet<>();
        if (steps.size() <= max) {
            out.addAll(steps);
            return out;
        }
        double interval = (double) steps.size() / max;
        for (int i = 0; i < max; i++) {
            out.add(steps.get((int) (i * interval)));
        }
        out.add(steps.get(steps.size() - 1));
        return out;
    }

    private static long whole(String name, String text) {
        try {
            return Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            throw KeelException.invalid(
                    "Invalid value '" + text + "' for parameter '" + name + "': it must be a whole number");
        }
    }

    private static String first(Map<String, List<String>> query, String name) {
        List<String> v = query.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw KeelException.invalid("malformed percent-encoding in '" + s + "'");
        }
    }

    /** The query's parameters with every value of a repeated one, as MLflow's clients send lists. */
    static Map<String, List<String>> repeated(String raw) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = decode(eq < 0 ? "" : pair.substring(eq + 1));
            out.computeIfAbsent(k, x -> new ArrayList<>()).add(v);
        }
        return out;
    }
}
