package dev.keel.server.mlflow;

import dev.keel.core.Ids;
import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.Names;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;
import dev.keel.core.store.Experiment;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.core.store.WriteBatch;
import dev.keel.server.ServerContext;
import dev.keel.server.api.RunIdentity;
import dev.keel.server.auth.Principal;
import dev.keel.server.mlflow.MlflowViews.Point;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * MLflow's run calls over the Keel store. Every change is one {@link WriteBatch} applied with
 * {@link Store#apply}, so a run logged through MLflow is stored like any other Keel run (see
 * {@link RunMapping} for where each MLflow field goes). Access is checked by the caller.
 */
final class Runs {
    /** A param, metric or tag of a logging call, validated. */
    record Param(String key, String value) {}

    record Tag(String key, String value) {}

    /** What MLflow's Python client sends as {@code user_id} when it knows no user. */
    static final String UNKNOWN_USER = "unknown";

    /** How many runs' latest points {@link #latest} remembers. */
    private static final int LATEST_RUNS = 4096;

    private final ServerContext ctx;
    private final Store store;
    private final Experiments experiments;
    /**
     * Per run recently logged to, per metric key, the point MLflow calls its latest (greatest step,
     * then timestamp, then value), so that a logging call keeps the run's summary equal to it
     * without reading the key's whole history each time. Filled from the stored history the first
     * time this process logs the key. Access-ordered: the least recently logged run is dropped.
     * A run is logged by one client at a time, so a server that has not seen another server's
     * writes to it since reading is not a case MLflow's clients create.
     */
    private final Map<String, Map<String, Point>> latest = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, Point>> eldest) {
            return size() > LATEST_RUNS;
        }
    };

    Runs(ServerContext ctx, Experiments experiments) {
        this.ctx = ctx;
        this.store = ctx.store();
        this.experiments = experiments;
    }

    RunInfo get(String id) {
        return store.run(id).orElseThrow(() -> KeelException.notFound("Run with id=" + id + " not found"));
    }

    /** Creates a RUNNING run in the experiment's project; returns it as stored. */
    /**
     * A new run. Its user: on a team server the signed-in caller (what the client claims,
     * {@code user_id} or the tag {@code mlflow.user}, is kept in the provenance as a label); on
     * {@code keel ui} the tag, else {@code user_id} (MLflow's client sends "unknown" when it knows
     * no user), else the local user.
     */
    RunInfo create(Experiment e, String runName, String userId, Principal caller, long startTime, List<Tag> tags) {
        if (!e.active()) {
            throw KeelException.invalid("The experiment " + e.id() + " must be in the 'active' state."
                    + " Current state is " + e.lifecycleStage() + ".");
        }
        String tagName = null;
        String claimed = userId == null || userId.isEmpty() || userId.equals(UNKNOWN_USER) ? null : userId;
        String notes = "";
        List<String> keelTags = new ArrayList<>();
        Map<String, Object> provenance = new LinkedHashMap<>();
        for (Tag t : tags) {
            switch (t.key()) {
                case RunMapping.RUN_NAME -> tagName = t.value();
                case RunMapping.USER -> claimed = t.value().isEmpty() ? claimed : t.value();
                case RunMapping.NOTE -> notes = t.value();
                default -> {
                    if (RunMapping.isSystemTag(t.key())) {
                        provenance.put(t.key(), t.value());
                        if (t.key().equals(RunMapping.PARENT)) {
                            provenance.put(RunMapping.KEEL_PARENT, t.value());
                        }
                    } else {
                        keelTags.removeIf(k -> k.equals(t.key()) || k.startsWith(t.key() + "="));
                        keelTags.add(RunMapping.keelTag(t.key(), t.value()));
                    }
                }
            }
        }
        String name = runName == null || runName.isEmpty() ? tagName : runName;
        if (runName != null && !runName.isEmpty() && tagName != null && !tagName.equals(runName)) {
            throw KeelException.invalid("Both 'run_name' argument and 'mlflow.runName' tag are specified, but with"
                    + " different values (run_name='" + runName + "', mlflow.runName='" + tagName + "').");
        }
        if (name == null || name.isEmpty()) {
            name = Names.friendly(store.nextRunOrdinal(e.project()));
        }
        long now = System.currentTimeMillis();
        long start = startTime > 0 ? startTime : now;
        String id = Ids.newRunId();
        String user = claimed != null ? claimed : caller.anonymous() ? UNKNOWN_USER : caller.user();
        RunInfo run = new RunInfo(
                id,
                e.project(),
                name,
                "",
                user,
                keelTags,
                notes,
                RunState.RUNNING,
                start,
                now,
                0,
                0,
                "",
                RunMapping.HOST,
                0,
                Map.of(),
                Map.of());
        run = RunIdentity.decide(ctx, caller, run, provenance);
        store.createRun(run, provenance);
        return get(id);
    }

    /** runs/update: the fields given change, the others stay. */
    RunInfo update(RunInfo run, String status, long endTime, String runName) {
        requireActive(run);
        WriteBatch b = new WriteBatch();
        b.heartbeatAt = System.currentTimeMillis();
        if (status != null) {
            b.state = RunMapping.state(status);
            if (b.state.isTerminal()) {
                b.endedAt = endTime > 0 ? endTime : run.endedAt() > 0 ? run.endedAt() : System.currentTimeMillis();
                b.runtimeMs = Math.max(0, b.endedAt - run.createdAt());
            }
        } else if (endTime > 0 && run.state().isTerminal()) {
            b.state = run.state();
            b.endedAt = endTime;
            b.runtimeMs = Math.max(0, endTime - run.createdAt());
        }
        if (runName != null && !runName.isEmpty()) {
            b.name = runName;
        }
        store.apply(run.id(), b);
        return get(run.id());
    }

    void setDeleted(RunInfo run, boolean deleted) {
        if (RunMapping.deleted(run) == deleted) {
            return;
        }
        WriteBatch b = new WriteBatch();
        b.tags = RunMapping.withDeleted(run, deleted);
        store.apply(run.id(), b);
    }

    /** Marks every run of a project deleted or active (one write per run that changes). */
    void setDeletedAll(String project, boolean deleted) {
        for (RunInfo run : store.searchRuns(RunQuery.project(project))) {
            setDeleted(run, deleted);
        }
    }

    /** log-batch, and through it log-metric, log-parameter and set-tag: one write for all. */
    void log(RunInfo run, List<Point> metrics, List<Param> params, List<Tag> tags) {
        requireActive(run);
        WriteBatch b = new WriteBatch();
        b.heartbeatAt = System.currentTimeMillis();
        for (Point p : metrics) {
            b.metrics.add(p.key(), p.step(), p.timestamp(), p.value());
        }
        if (metrics.isEmpty()) {
            finishLog(run, b, params, tags);
            return;
        }
        // the summary is what search filters and sorts on: MLflow's latest point, not the last logged
        Map<String, Point> known;
        synchronized (latest) {
            known = latest.computeIfAbsent(run.id(), id -> new HashMap<>());
        }
        synchronized (known) {
            Map<String, Point> changed = new HashMap<>();
            for (Point p : metrics) {
                Point best = changed.containsKey(p.key()) ? changed.get(p.key()) : storedLatest(run, p.key(), known);
                if (best == null || later(p, best)) {
                    changed.put(p.key(), p);
                }
            }
            changed.forEach((k, p) -> b.summary.put(k, p.value()));
            finishLog(run, b, params, tags);
            known.putAll(changed);
        }
    }

    /** The stored latest point of the key, remembered in {@code known} once read. */
    private Point storedLatest(RunInfo run, String key, Map<String, Point> known) {
        if (!known.containsKey(key)) {
            Point best = null;
            for (Point p : history(run, key)) {
                if (best == null || later(p, best)) {
                    best = p;
                }
            }
            known.put(key, best);
        }
        return known.get(key);
    }

    private void finishLog(RunInfo run, WriteBatch b, List<Param> params, List<Tag> tags) {
        if (!params.isEmpty()) {
            Map<String, String> stored = RunMapping.params(run);
            Map<String, String> seen = new LinkedHashMap<>();
            for (Param p : params) {
                if (seen.containsKey(p.key())) {
                    throw KeelException.invalid("Duplicate parameter keys have been submitted: ['" + p.key()
                            + "']. Please ensure the request contains only one param value per param key.");
                }
                seen.put(p.key(), p.value());
                String old = stored.get(p.key());
                if (old != null && !old.equals(p.value())) {
                    throw KeelException.invalid("Changing param values is not allowed. Param with key='" + p.key()
                            + "' was already logged with value='" + old + "' for run ID='" + run.id()
                            + "'. Attempted logging new value '" + p.value() + "'.");
                }
                if (old == null) {
                    b.config.put(p.key(), p.value());
                }
            }
        }
        List<String> keelTags = null;
        for (Tag t : tags) {
            switch (t.key()) {
                case RunMapping.RUN_NAME -> b.name = t.value();
                case RunMapping.NOTE -> b.notes = t.value();
                default -> {
                    if (RunMapping.isSystemTag(t.key())) {
                        // mlflow.user after creation too: Keel's user column is set once
                        b.provenance.put(t.key(), t.value());
                        if (t.key().equals(RunMapping.PARENT)) {
                            b.provenance.put(RunMapping.KEEL_PARENT, t.value());
                        }
                    } else {
                        keelTags = RunMapping.withUserTag(keelTags == null ? run.tags() : keelTags, t.key(), t.value());
                    }
                }
            }
        }
        b.tags = keelTags;
        store.apply(run.id(), b);
    }

    void deleteTag(RunInfo run, String key) {
        requireActive(run);
        WriteBatch b = new WriteBatch();
        Map<String, String> current = RunMapping.tags(run, store.provenance(run.id()));
        if (!current.containsKey(key)) {
            throw KeelException.notFound("No tag with name: " + key + " in run with id " + run.id());
        }
        switch (key) {
            case RunMapping.RUN_NAME ->
                throw KeelException.invalid(
                        "the tag mlflow.runName is the run's name:" + " rename the run instead of deleting it");
            case RunMapping.NOTE -> b.notes = "";
            default -> {
                if (RunMapping.isSystemTag(key)) {
                    b.provenance.put(key, null);
                    if (key.equals(RunMapping.PARENT)) {
                        b.provenance.put(RunMapping.KEEL_PARENT, null);
                    }
                } else {
                    b.tags = RunMapping.withUserTag(run.tags(), key, null);
                }
            }
        }
        store.apply(run.id(), b);
    }

    /** The run's metrics for runs/get: per key the point with the greatest (step, timestamp, value). */
    List<Point> latestMetrics(RunInfo run) {
        List<Point> out = new ArrayList<>();
        for (String key : store.metricKeys(run.id())) {
            Point best = null;
            for (Point p : history(run, key)) {
                if (best == null || later(p, best)) {
                    best = p;
                }
            }
            if (best != null) {
                out.add(best);
            }
        }
        return out;
    }

    /** MLflow's order of "latest": the greater step, then the later timestamp, then the greater value. */
    static boolean later(Point a, Point b) {
        if (a.step() != b.step()) {
            return a.step() > b.step();
        }
        if (a.timestamp() != b.timestamp()) {
            return a.timestamp() > b.timestamp();
        }
        return Double.compare(a.value(), b.value()) > 0;
    }

    /** The whole run as runs/get and runs/create return it. */
    Map<String, Object> view(RunInfo run) {
        Experiment e = experiments.forProject(run.project());
        Map<String, Object> provenance = store.provenance(run.id());
        return MlflowViews.run(
                run,
                e,
                latestMetrics(run),
                RunMapping.params(run),
                RunMapping.tags(run, provenance),
                RunInputs.stored(provenance));
    }

    List<Point> history(RunInfo run, String key) {
        MetricSeries s = store.history(run.id(), key);
        List<Point> out = new ArrayList<>(s.size());
        for (int i = 0; i < s.size(); i++) {
            out.add(new Point(key, s.values()[i], s.timestamps()[i], s.steps()[i]));
        }
        return out;
    }

    static void requireActive(RunInfo run) {
        if (RunMapping.deleted(run)) {
            throw KeelException.invalid(
                    "The run " + run.id() + " must be in the 'active' state." + " Current state is deleted.");
        }
    }
}
