package dev.keel.server.ui;

import dev.keel.core.Json;
import dev.keel.core.RunInfo;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep page's data in one answer: the sweep, what its configuration says (method, metric,
 * goal, parameter scales), trial counts by state, the best trial, every trial with its run and
 * the best value so far at its number, and the parameters' importance for the metric.
 */
final class SweepView {
    private SweepView() {}

    /**
     * @param runs the runs carrying the trials, by id (a trial whose run is gone still shows)
     */
    static Map<String, Object> of(Sweep sweep, List<Trial> trials, Map<String, RunInfo> runs) {
        return of(sweep, trials, runs, SweepImportance::of);
    }

    /** Importance by way of {@code importance}, e.g. a cache of it. */
    static Map<String, Object> of(
            Sweep sweep, List<Trial> trials, Map<String, RunInfo> runs, SweepImportance.Compute importance) {
        SweepConfigView config = SweepConfigView.of(sweep.config());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("sweep", sweep(sweep));
        out.put("method", config.method());
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("name", config.metric());
        metric.put("goal", config.minimize() ? "minimize" : "maximize");
        out.put("metric", metric);
        out.put("run_cap", config.runCap());
        List<String> names = parameterNames(trials);
        out.put("parameters", parameters(config, names, trials));
        out.put("counts", counts(trials));
        out.put("total", trials.size());

        Trial best = null;
        Double bestSoFar = null;
        List<Object> rows = new ArrayList<>();
        for (Trial t : trials) {
            if (counts(t) && (best == null || better(t.metric(), best.metric(), config.minimize()))) {
                best = t;
                bestSoFar = t.metric();
            }
            RunInfo run = runs.get(t.runId());
            Map<String, Object> row = trial(t, run);
            if (t.state() == TrialState.RUNNING
                    && run != null
                    && !config.metric().isEmpty()) {
                // the value the program logged last, while the trial has no final one yet
                Object live = TableApi.lookup(run.summary(), config.metric());
                row.put("live_metric", live instanceof Number n ? Json.encodeNonFinite(n.doubleValue()) : null);
            }
            row.put("best_so_far", bestSoFar);
            rows.add(row);
        }
        out.put("best", best == null ? null : best(best, runs.get(best.runId())));
        out.put("trials", rows);
        out.put("importance", importance.of(config, names, trials));
        return out;
    }

    /** A sweep as the REST API shows it, with the store's times. */
    static Map<String, Object> sweep(Sweep s) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", s.id());
        out.put("project", s.project());
        out.put("name", s.name());
        out.put("config", s.config());
        out.put("seed", s.seed());
        out.put("state", s.state().label());
        out.put("created", s.createdMillis());
        out.put("updated", s.updatedMillis());
        out.put("owner", s.owner());
        return out;
    }

    /** One line of a project's sweep list: the sweep, its trial counts and its best value. */
    static Map<String, Object> listed(Sweep sweep, List<Trial> trials) {
        SweepConfigView config = SweepConfigView.of(sweep.config());
        Map<String, Object> out = sweep(sweep);
        out.remove("config");
        out.put("method", config.method());
        out.put("metric", Map.of("name", config.metric(), "goal", config.minimize() ? "minimize" : "maximize"));
        out.put("trials", trials.size());
        out.put("counts", counts(trials));
        Trial best = null;
        for (Trial t : trials) {
            if (counts(t) && (best == null || better(t.metric(), best.metric(), config.minimize()))) {
                best = t;
            }
        }
        out.put("best", best == null ? null : best(best, null));
        return out;
    }

    /** A trial that may be the sweep's best: ended well or stopped early, with a finite metric. */
    static boolean counts(Trial t) {
        return t.state().countsForBest() && t.metric() != null && Double.isFinite(t.metric());
    }

    static boolean better(double a, double b, boolean minimize) {
        return minimize ? a < b : a > b;
    }

    /** Every trial state with its count, zeros included, so the page's legend never shifts. */
    static Map<String, Integer> counts(List<Trial> trials) {
        Map<TrialState, Integer> byState = new EnumMap<>(TrialState.class);
        for (TrialState s : TrialState.values()) {
            byState.put(s, 0);
        }
        trials.forEach(t -> byState.merge(t.state(), 1, Integer::sum));
        Map<String, Integer> out = new LinkedHashMap<>();
        byState.forEach((s, n) -> out.put(s.label(), n));
        return out;
    }

    static List<String> parameterNames(List<Trial> trials) {
        Set<String> names = new LinkedHashSet<>();
        trials.forEach(t -> names.addAll(t.params().keySet().stream().sorted().toList()));
        return List.copyOf(names);
    }

    /** Per parameter: numeric or categorical (from the values the trials got) and its scale. */
    private static List<Object> parameters(SweepConfigView config, List<String> names, List<Trial> trials) {
        List<Object> out = new ArrayList<>();
        for (String name : names) {
            boolean numeric =
                    trials.stream().map(t -> t.params().get(name)).allMatch(v -> v == null || v instanceof Number);
            Map<String, Object> p = new LinkedHashMap<>();
            p.put("name", name);
            p.put("kind", numeric ? "numeric" : "categorical");
            boolean positive = trials.stream()
                    .map(t -> t.params().get(name))
                    .allMatch(v -> v == null || (v instanceof Number n && n.doubleValue() > 0));
            p.put("scale", numeric && positive && config.logScale(name) ? "log" : "linear");
            if (!numeric) {
                // the author's order first, then values the trials got that the configuration lacks
                Set<String> values = new LinkedHashSet<>();
                config.values(name).forEach(v -> values.add(String.valueOf(v)));
                trials.forEach(t -> {
                    Object v = t.params().get(name);
                    if (v != null) {
                        values.add(String.valueOf(v));
                    }
                });
                p.put("values", List.copyOf(values));
            }
            out.add(p);
        }
        return out;
    }

    private static Map<String, Object> trial(Trial t, RunInfo run) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", t.number());
        out.put("state", t.state().label());
        out.put("params", Json.encodeNonFinite(t.params()));
        out.put("metric", t.metric() == null ? null : Json.encodeNonFinite(t.metric()));
        out.put("run", t.runId());
        out.put("run_name", run == null ? null : run.name());
        out.put("run_state", run == null ? null : run.state().label());
        out.put("agent", t.agent());
        out.put("claimed", t.claimedMillis());
        out.put("heartbeat", t.heartbeatMillis());
        out.put("ended", t.endedMillis());
        out.put("reason", t.reason());
        return out;
    }

    private static Map<String, Object> best(Trial t, RunInfo run) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("number", t.number());
        out.put("run", t.runId());
        out.put("run_name", run == null ? null : run.name());
        out.put("metric", t.metric());
        out.put("params", Json.encodeNonFinite(t.params()));
        return out;
    }
}
