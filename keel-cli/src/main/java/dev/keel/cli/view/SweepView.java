package dev.keel.cli.view;

import dev.keel.cli.table.Table;
import dev.keel.core.KeelException;
import dev.keel.core.sweep.Sweep;
import dev.keel.core.sweep.Trial;
import dev.keel.core.sweep.TrialState;
import dev.keel.sweep.SweepConfig;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

/**
 * A sweep as {@code keel sweep ls} and {@code show} print it. The trials table is sorted the way
 * the sweep ranks them: trials that may be best (finished or stopped, with a metric value) by the
 * metric, best first; then every other trial (running, failed, killed, crashed, no metric) by
 * number, so a failed trial's metric is shown but never ranked.
 */
public final class SweepView {
    private final Sweep sweep;
    private final SweepConfig config;
    private final List<Trial> trials;
    private final Map<String, String> runNames;

    /**
     * @param runNames the run name of each trial's run id, where known
     */
    public SweepView(Sweep sweep, List<Trial> trials, Map<String, String> runNames) {
        this.sweep = sweep;
        this.config = parse(sweep);
        this.trials = List.copyOf(trials);
        this.runNames = Map.copyOf(runNames);
    }

    private static SweepConfig parse(Sweep sweep) {
        try {
            return SweepConfig.parse(sweep.config(), sweep.id());
        } catch (KeelException e) {
            return null; // stored by another version of Keel: shown without method and metric
        }
    }

    public Sweep sweep() {
        return sweep;
    }

    public String method() {
        return config == null ? "" : config.method().label();
    }

    public String metricName() {
        return config == null ? "" : config.metricName();
    }

    public boolean minimize() {
        return config == null || config.minimize();
    }

    /** The best trial so far: finished or stopped with a metric value, best by the sweep's goal. */
    public Optional<Trial> best() {
        return ranked().stream().findFirst();
    }

    /** Trials that may be best, best first. */
    private List<Trial> ranked() {
        Comparator<Trial> byMetric = Comparator.comparingDouble(t -> t.metric());
        if (!minimize()) {
            byMetric = byMetric.reversed();
        }
        return trials.stream()
                .filter(SweepView::rankable)
                .sorted(byMetric.thenComparingInt(Trial::number))
                .toList();
    }

    private static boolean rankable(Trial t) {
        return t.state().countsForBest() && t.metric() != null && !t.metric().isNaN();
    }

    /** Ranked trials first, then the rest by number. */
    public List<Trial> sorted() {
        List<Trial> out = new ArrayList<>(ranked());
        trials.stream()
                .filter(t -> !rankable(t))
                .sorted(Comparator.comparingInt(Trial::number))
                .forEach(out::add);
        return out;
    }

    /** How many trials are in each state, in the enum's order, states with none left out. */
    public Map<TrialState, Integer> counts() {
        Map<TrialState, Integer> counts = new EnumMap<>(TrialState.class);
        for (Trial t : trials) {
            counts.merge(t.state(), 1, Integer::sum);
        }
        return counts;
    }

    public String countsText() {
        List<String> parts = new ArrayList<>();
        counts().forEach((state, n) -> parts.add(n + " " + state.label()));
        return parts.isEmpty() ? "none yet" : String.join(", ", parts);
    }

    /** The parameter names, as the configuration lists them, then any others the trials carry. */
    public List<String> parameterNames() {
        List<String> names = new ArrayList<>(config == null ? List.of() : config.parameterNames());
        TreeSet<String> extra = new TreeSet<>();
        for (Trial t : trials) {
            extra.addAll(t.params().keySet());
        }
        extra.removeAll(names);
        names.addAll(extra);
        return names;
    }

    /** The lines above {@code show}'s table. */
    public String header() {
        StringBuilder b = new StringBuilder();
        line(b, "Sweep", sweep.id() + "  " + sweep.name());
        line(b, "Project", sweep.project());
        line(b, "State", sweep.state().label());
        line(b, "Method", method());
        line(b, "Metric", metricName() + (config == null ? "" : minimize() ? " (minimize)" : " (maximize)"));
        line(
                b,
                "Best",
                best().map(t -> Values.brief(t.metric()) + "  trial " + t.number() + ", run " + runLabel(t))
                        .orElse("none yet"));
        line(b, "Trials", countsText());
        line(b, "Created", Values.time(sweep.createdMillis()));
        return b.toString();
    }

    private static void line(StringBuilder b, String key, String value) {
        b.append(String.format("%-9s %s%n", key + ":", value));
    }

    private String runLabel(Trial t) {
        String name = t.runId() == null ? null : runNames.get(t.runId());
        return name == null || name.isEmpty() ? String.valueOf(t.runId()) : name + " (" + t.runId() + ")";
    }

    /** The trials table, sorted as {@link #sorted}. */
    public Table trialsTable(long now) {
        List<String> params = parameterNames();
        Table table = new Table()
                .column("number", "#", null, true, false, 0)
                .column("state", "State", null, false, false, 0)
                .column("run", "Run", null, false);
        for (String p : params) {
            table.column(
                    "params." + p,
                    p,
                    "params",
                    trials.stream().allMatch(t -> numberOrAbsent(t.params().get(p))));
        }
        table.column("metric", metricName().isEmpty() ? "metric" : metricName(), null, true, false, 0)
                .column("runtime", "Runtime", null, true)
                .column("reason", "Reason", null, false);
        for (Trial t : sorted()) {
            List<String> row = new ArrayList<>();
            row.add(Integer.toString(t.number()));
            row.add(t.state().label());
            row.add(runLabel(t));
            for (String p : params) {
                Object v = t.params().get(p);
                row.add(v == null ? "" : Values.brief(v));
            }
            row.add(t.metric() == null ? "" : Values.brief(t.metric()));
            row.add(Values.duration(runtimeMs(t, now)));
            row.add(t.reason());
            table.row(row);
        }
        return table;
    }

    private static boolean numberOrAbsent(Object v) {
        return v == null || v instanceof Number;
    }

    static long runtimeMs(Trial t, long now) {
        if (t.claimedMillis() <= 0) {
            return -1;
        }
        long end = t.state() == TrialState.RUNNING ? now : t.endedMillis() > 0 ? t.endedMillis() : t.heartbeatMillis();
        return Math.max(0, end - t.claimedMillis());
    }

    /** {@code show --format json}: the sweep, its standing and its trials in table order. */
    public Map<String, Object> json(long now) {
        Map<String, Object> m = summaryJson();
        List<Map<String, Object>> rows = new ArrayList<>();
        for (Trial t : sorted()) {
            rows.add(trialJson(t, now));
        }
        m.put("trials", rows);
        return m;
    }

    /** {@code ls --format json}: one sweep with its standing, without the trials. */
    public Map<String, Object> summaryJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", sweep.id());
        m.put("project", sweep.project());
        m.put("name", sweep.name());
        m.put("state", sweep.state().label());
        m.put("method", method());
        Map<String, Object> metric = new LinkedHashMap<>();
        metric.put("name", metricName());
        metric.put("goal", minimize() ? "minimize" : "maximize");
        m.put("metric", metric);
        m.put("seed", sweep.seed());
        m.put("created", Values.isoTime(sweep.createdMillis()));
        m.put("updated", Values.isoTime(sweep.updatedMillis()));
        m.put("owner", sweep.owner());
        m.put(
                "best",
                best().map(t -> {
                            Map<String, Object> b = new LinkedHashMap<>();
                            b.put("trial", t.number());
                            b.put("run", t.runId());
                            b.put("metric", t.metric());
                            return b;
                        })
                        .orElse(null));
        Map<String, Integer> counts = new LinkedHashMap<>();
        counts().forEach((state, n) -> counts.put(state.label(), n));
        m.put("counts", counts);
        m.put("config", sweep.config());
        return m;
    }

    private Map<String, Object> trialJson(Trial t, long now) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("sweep", t.sweepId());
        m.put("number", t.number());
        m.put("params", t.params());
        m.put("state", t.state().label());
        m.put("agent", t.agent());
        m.put("run", t.runId());
        m.put("run_name", t.runId() == null ? null : runNames.get(t.runId()));
        m.put("claimed", Values.isoTime(t.claimedMillis()));
        m.put("heartbeat", Values.isoTime(t.heartbeatMillis()));
        m.put("ended", Values.isoTime(t.endedMillis()));
        m.put("runtime_s", runtimeMs(t, now) < 0 ? null : runtimeMs(t, now) / 1000.0);
        m.put("metric", t.metric());
        m.put("reason", t.reason());
        return m;
    }

    /** {@code keel sweep ls}'s table. */
    public static Table listTable(List<SweepView> sweeps) {
        Table table = new Table()
                .column("id", "ID", null, false, false, 0)
                .column("name", "Name", null, false)
                .column("project", "Project", null, false)
                .column("state", "State", null, false)
                .column("method", "Method", null, false)
                .column("metric", "Metric", null, false)
                .column("best", "Best", null, true)
                .column("trials", "Trials", null, false)
                .column("created", "Created", null, false);
        for (SweepView v : sweeps) {
            table.row(List.of(
                    v.sweep.id(),
                    v.sweep.name(),
                    v.sweep.project(),
                    v.sweep.state().label(),
                    v.method(),
                    v.metricName(),
                    v.best().map(t -> Values.brief(t.metric())).orElse(""),
                    v.countsText(),
                    Values.time(v.sweep.createdMillis())));
        }
        return table;
    }
}
