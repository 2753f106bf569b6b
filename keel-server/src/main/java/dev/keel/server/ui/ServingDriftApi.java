package dev.keel.server.ui;

import dev.keel.core.KeelException;
import dev.keel.core.MetricSeries;
import dev.keel.core.RunInfo;
import dev.keel.core.filter.Expr;
import dev.keel.core.filter.Field;
import dev.keel.core.model.ModelRef;
import dev.keel.core.model.ModelVersion;
import dev.keel.core.model.RegisteredModel;
import dev.keel.core.store.RunQuery;
import dev.keel.core.store.Store;
import dev.keel.server.ServerContext;
import dev.keel.server.auth.Access;
import dev.keel.server.auth.AccessRules;
import dev.keel.server.http.Request;
import dev.keel.server.http.Router;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The drift panel of a model version's page: the serving runs ({@code keel serve}, config
 * {@code job_type: serve}) of the model's project that served the version, recent first, each with
 * its population stability index series for inputs ({@value #PSI_INPUT}) and predicted classes
 * ({@value #PSI_CLASS}) over the intervals in which it served that version, the latest values and a
 * status.
 *
 * <p>Only the model's own project is searched: its read access is the route's rule, so every run
 * listed is one the caller may read, and a run elsewhere cannot put itself on the page by naming
 * the model in its config.
 *
 * <p>The thresholds are the usual reading of PSI from credit scoring (Siddiqi, <i>Credit Risk
 * Scorecards</i>, 2006), which {@code keel serve}'s monitor states too: below {@value #MODERATE}
 * stable, up to {@value #DRIFTED} a moderate shift, above it drifted.
 */
final class ServingDriftApi {
    static final String PSI_INPUT = "serve/drift_psi_input_mean";
    static final String PSI_CLASS = "serve/drift_psi_class";
    static final String VERSION = "serve/version";
    static final double MODERATE = 0.1;
    static final double DRIFTED = 0.25;
    /** Serving runs of the project looked at, newest first. */
    static final int SCANNED = 500;
    /** Serving runs listed for one version. */
    static final int LISTED = 20;
    /** The latest points of a run's series that the chart gets. */
    static final int POINTS = 240;

    void register(Router router, ServerContext ctx) {
        AccessRules rules = new AccessRules(ctx.authorizer(), ctx.store());
        router.get(
                "/api/v1/models/{model}/versions/{version}/drift",
                Access.modelRead("model"),
                "Drift of what a version's serving runs saw against its training data: per run (recent first) the"
                        + " population stability index of inputs and predicted classes per interval, the latest"
                        + " values and a status (stable, moderate, drifted)",
                request -> {
                    RegisteredModel m = rules.checkModel(request.principal(), request.param("model"), Access.Need.READ);
                    return drift(ctx.store(), m, version(ctx.store(), m.name(), request));
                });
    }

    private static ModelVersion version(Store store, String name, Request request) {
        String given = request.param("version");
        if (given.equals("latest")) {
            return store.models().resolve(new ModelRef(name, 0, null));
        }
        if (!given.matches("v?[1-9][0-9]{0,8}")) {
            throw KeelException.invalid("'" + given + "' is not a version: use N or vN (e.g. v3), or latest; 'keel"
                    + " model versions " + name + "' lists them");
        }
        int n = Integer.parseInt(given.startsWith("v") ? given.substring(1) : given);
        return store.models().resolve(new ModelRef(name, n, null));
    }

    static Map<String, Object> drift(Store store, RegisteredModel model, ModelVersion version) {
        Expr serving = new Expr.Compare(new Field(Field.Kind.CONFIG, "job_type"), Expr.Op.EQ, "serve");
        List<Map<String, Object>> runs = new ArrayList<>();
        for (RunInfo run : store.searchRuns(new RunQuery(model.project(), serving, null, true, SCANNED, 0))) {
            if (runs.size() == LISTED) {
                break;
            }
            if (model.name().equals(servedModel(run))) {
                Map<String, Object> r = served(store, run, version);
                if (r != null) {
                    runs.add(r);
                }
            }
        }
        Map<String, Object> thresholds = new LinkedHashMap<>();
        thresholds.put("moderate", MODERATE);
        thresholds.put("drifted", DRIFTED);
        Map<String, Object> metrics = new LinkedHashMap<>();
        metrics.put("input", PSI_INPUT);
        metrics.put("classes", PSI_CLASS);
        metrics.put("version", VERSION);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.name());
        out.put("version", version.version());
        out.put("project", model.project());
        out.put("thresholds", thresholds);
        out.put("metrics", metrics);
        out.put("runs", runs);
        return out;
    }

    /** The model a serving run serves: config {@code model_name}, else the name in its ref {@code model}. */
    static String servedModel(RunInfo run) {
        Map<String, Object> config = run.config() == null ? Map.of() : run.config();
        if (config.get("model_name") instanceof String s) {
            return s;
        }
        if (config.get("model") instanceof String ref) {
            try {
                return ModelRef.parse(ref).name();
            } catch (KeelException e) {
                return null;
            }
        }
        return null;
    }

    /** The run's intervals of this version, or null when the run never served it. */
    private static Map<String, Object> served(Store store, RunInfo run, ModelVersion version) {
        List<String> keys = store.metricKeys(run.id());
        TreeMap<Long, Integer> versionAt = new TreeMap<>();
        if (keys.contains(VERSION)) {
            MetricSeries s = store.history(run.id(), VERSION);
            for (int i = 0; i < s.size(); i++) {
                versionAt.put(s.steps()[i], (int) s.values()[i]);
            }
        }
        String ref = version.model() + ":v" + version.version();
        boolean servedIt = versionAt.containsValue(version.version())
                || (versionAt.isEmpty()
                        && run.summary() != null
                        && ref.equals(run.summary().get("serving_version")));
        if (!servedIt) {
            return null;
        }
        // step → [time, input PSI, class PSI]; each PSI point belongs to the version logged at its step
        TreeMap<Long, double[]> points = new TreeMap<>();
        for (int which = 0; which < 2; which++) {
            String key = which == 0 ? PSI_INPUT : PSI_CLASS;
            if (!keys.contains(key)) {
                continue;
            }
            MetricSeries s = store.history(run.id(), key);
            for (int i = 0; i < s.size(); i++) {
                long step = s.steps()[i];
                Map.Entry<Long, Integer> v = versionAt.floorEntry(step);
                if (v == null ? !versionAt.isEmpty() : v.getValue() != version.version()) {
                    continue;
                }
                double[] p = points.computeIfAbsent(step, x -> new double[] {0, Double.NaN, Double.NaN});
                p[0] = Math.max(p[0], s.timestamps()[i]);
                p[1 + which] = s.values()[i];
            }
        }
        List<Map<String, Object>> series = new ArrayList<>();
        for (Map.Entry<Long, double[]> e : points.entrySet()) {
            series.add(point(e.getKey(), e.getValue()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", run.id());
        out.put("name", run.name());
        out.put("project", run.project());
        out.put("state", run.state().name().toLowerCase());
        out.put("created", run.createdAt());
        out.put("ended", run.endedAt());
        out.put("serving_version", run.summary() == null ? null : run.summary().get("serving_version"));
        Map<String, Object> latest = series.isEmpty() ? null : series.get(series.size() - 1);
        out.put("latest", latest);
        out.put("status", latest == null ? "no data" : status(latest));
        out.put("points", series.subList(Math.max(0, series.size() - POINTS), series.size()));
        return out;
    }

    private static Map<String, Object> point(long step, double[] p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("step", step);
        m.put("time", (long) p[0]);
        m.put("psi_input", Double.isFinite(p[1]) ? p[1] : null);
        m.put("psi_classes", Double.isFinite(p[2]) ? p[2] : null);
        return m;
    }

    /** The worse of the two PSIs read against the thresholds. */
    static String status(Map<String, Object> point) {
        double worst = Double.NaN;
        for (String k : List.of("psi_input", "psi_classes")) {
            if (point.get(k) instanceof Double d && !(worst >= d)) {
                worst = d;
            }
        }
        if (Double.isNaN(worst)) {
            return "no data";
        }
        return worst > DRIFTED ? "drifted" : worst >= MODERATE ? "moderate" : "stable";
    }
}
