package dev.keel.server.mlflow;

import dev.keel.core.RunInfo;
import dev.keel.core.store.Experiment;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MLflow's JSON shapes (proto field names, snake_case) for experiments, runs and metrics. */
final class MlflowViews {
    private MlflowViews() {}

    /** One metric point; non-finite values are written as "NaN"/"Infinity" by the JSON writer. */
    record Point(String key, double value, long timestamp, long step) {}

    static Map<String, Object> experiment(Experiment e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("experiment_id", Long.toString(e.id()));
        out.put("name", e.name());
        out.put("artifact_location", Experiments.artifactLocation(e));
        out.put("lifecycle_stage", e.lifecycleStage());
        out.put("creation_time", e.creationTime());
        out.put("last_update_time", e.lastUpdateTime());
        out.put("tags", keyValues(e.tags()));
        return out;
    }

    static String artifactUri(Experiment e, String runId) {
        return Experiments.artifactLocation(e) + "/" + runId + "/artifacts";
    }

    static Map<String, Object> runInfo(RunInfo r, Experiment e) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("run_id", r.id());
        out.put("run_uuid", r.id());
        out.put("run_name", r.name());
        out.put("experiment_id", Long.toString(e.id()));
        out.put("user_id", r.user());
        out.put("status", RunMapping.status(r.state()));
        out.put("start_time", r.createdAt());
        if (r.endedAt() > 0) {
            out.put("end_time", r.endedAt());
        }
        out.put("artifact_uri", artifactUri(e, r.id()));
        out.put("lifecycle_stage", RunMapping.deleted(r) ? "deleted" : "active");
        return out;
    }

    static Map<String, Object> run(
            RunInfo r, Experiment e, List<Point> metrics, Map<String, String> params, Map<String, String> tags) {
        return run(r, e, metrics, params, tags, List.of());
    }

    /** The run with its dataset inputs ({@link RunInputs}). */
    static Map<String, Object> run(
            RunInfo r,
            Experiment e,
            List<Point> metrics,
            Map<String, String> params,
            Map<String, String> tags,
            List<? extends Object> datasetInputs) {
        List<Object> m = new ArrayList<>();
        for (Point p : metrics) {
            m.add(point(p));
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("metrics", m);
        data.put("params", keyValues(params));
        data.put("tags", keyValues(tags));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("info", runInfo(r, e));
        out.put("data", data);
        out.put("inputs", Map.of("dataset_inputs", datasetInputs));
        return out;
    }

    static Map<String, Object> point(Point p) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("key", p.key());
        out.put("value", p.value());
        out.put("timestamp", p.timestamp());
        out.put("step", p.step());
        return out;
    }

    static List<Object> keyValues(Map<String, String> map) {
        List<Object> out = new ArrayList<>();
        map.forEach((k, v) -> {
            Map<String, Object> kv = new LinkedHashMap<>();
            kv.put("key", k);
            kv.put("value", v);
            out.add(kv);
        });
        return out;
    }
}
