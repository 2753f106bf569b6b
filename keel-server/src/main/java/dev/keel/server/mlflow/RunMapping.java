package dev.keel.server.mlflow;

import dev.keel.core.Json;
import dev.keel.core.RunInfo;
import dev.keel.core.RunState;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * How an MLflow run is kept as a Keel run, both ways. The run id is the same on both sides
 * (Keel's 8 base-36 characters, which MLflow's clients accept). Params are the run's config
 * (flat keys, string values), metrics its metric series and summary (the last logged value).
 * Tags go where Keel has a column: {@code mlflow.runName} is the name, {@code mlflow.user} the
 * user, {@code mlflow.note.content} the notes; MLflow's other system tags ({@code mlflow.*}:
 * source, git commit…) are provenance entries under their own key; user tags are Keel tags,
 * {@code key=value} ({@code key} alone for an empty value; MLflow keys cannot contain '='). The
 * Keel tag {@code mlflow.deleted} marks a run MLflow's API deleted (soft delete, restorable).
 */
final class RunMapping {
    static final String RUN_NAME = "mlflow.runName";
    static final String USER = "mlflow.user";
    static final String NOTE = "mlflow.note.content";
    /** MLflow's nested runs: the tag naming the parent run. */
    static final String PARENT = "mlflow.parentRunId";
    /**
     * Keel's own provenance entry for a nested run's parent (a run id), which Keel's run data and
     * the dashboard's run page show as a link; kept in step with the tag.
     */
    static final String KEEL_PARENT = "parent";

    static final String SYSTEM_PREFIX = "mlflow.";
    /** The Keel tag of a deleted run: Keel tags starting with "mlflow." are never MLflow tags. */
    static final String DELETED = "mlflow.deleted";
    /** The host recorded for runs created through MLflow's API: their liveness is their writes. */
    static final String HOST = "mlflow-api";

    static final List<String> STATUSES = List.of("RUNNING", "SCHEDULED", "FINISHED", "FAILED", "KILLED");

    private RunMapping() {}

    static boolean isSystemTag(String key) {
        return key.startsWith(SYSTEM_PREFIX);
    }

    static String keelTag(String key, String value) {
        return value.isEmpty() ? key : key + "=" + value;
    }

    /** The user tags of a run, from its Keel tags. */
    static Map<String, String> userTags(RunInfo run) {
        Map<String, String> out = new TreeMap<>();
        for (String t : run.tags()) {
            if (t.startsWith(SYSTEM_PREFIX)) {
                continue;
            }
            int eq = t.indexOf('=');
            out.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? "" : t.substring(eq + 1));
        }
        return out;
    }

    /** The Keel tags with {@code key} set to {@code value}, or removed when {@code value} is null. */
    static List<String> withUserTag(List<String> keelTags, String key, String value) {
        List<String> out = new ArrayList<>();
        for (String t : keelTags) {
            if (!t.equals(key) && !t.startsWith(key + "=")) {
                out.add(t);
            }
        }
        if (value != null) {
            out.add(keelTag(key, value));
        }
        return out;
    }

    static List<String> withDeleted(RunInfo run, boolean deleted) {
        List<String> out = new ArrayList<>(run.tags());
        out.remove(DELETED);
        if (deleted) {
            out.add(DELETED);
        }
        return out;
    }

    static boolean deleted(RunInfo run) {
        return run.tags().contains(DELETED);
    }

    /** Every tag MLflow shows for the run: the mapped columns, provenance system tags, user tags. */
    static Map<String, String> tags(RunInfo run, Map<String, Object> provenance) {
        Map<String, String> out = new TreeMap<>(userTags(run));
        provenance.forEach((k, v) -> {
            if (isSystemTag(k) && v != null && !(v instanceof Map) && !(v instanceof List)) {
                out.put(k, String.valueOf(v));
            }
        });
        out.put(RUN_NAME, run.name());
        if (!run.user().isEmpty()) {
            out.putIfAbsent(USER, run.user()); // a later set-tag of mlflow.user lives in provenance and wins
        }
        if (!run.notes().isEmpty()) {
            out.put(NOTE, run.notes());
        }
        return out;
    }

    /** The run's config as MLflow params: nested maps flattened with dots, values as text. */
    static Map<String, String> params(RunInfo run) {
        Map<String, String> out = new TreeMap<>();
        flatten("", run.config(), out);
        return out;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        map.forEach((k, v) -> {
            String key = prefix + k;
            if (v instanceof Map<?, ?> m && !m.isEmpty()) {
                flatten(key + ".", m, out);
            } else {
                out.put(key, paramText(v));
            }
        });
    }

    static String paramText(Object v) {
        if (v == null) {
            return "None";
        }
        if (v instanceof String s) {
            return s;
        }
        return Json.write(v);
    }

    /** The latest value of each numeric summary entry: MLflow's metrics of a run in a search. */
    static Map<String, Double> summaryMetrics(RunInfo run) {
        Map<String, Double> out = new TreeMap<>();
        run.summary().forEach((k, v) -> {
            Double d = number(v);
            if (d != null) {
                out.put(k, d);
            }
        });
        return out;
    }

    static Double number(Object v) {
        if (v instanceof Number n && !(v instanceof Boolean)) {
            return n.doubleValue();
        }
        return v instanceof String s ? Json.nonFiniteValue(s) : null;
    }

    static String status(RunState state) {
        return switch (state) {
            case RUNNING, UNREACHABLE -> "RUNNING";
            case FINISHED -> "FINISHED";
            case FAILED, CRASHED -> "FAILED";
            // MLflow has no "stopped": KILLED is its word for a run ended early by someone else
            // (here its sweep); FINISHED would pass a few epochs off as a complete training
            case KILLED, STOPPED -> "KILLED";
        };
    }

    /** MLflow's status as a Keel state; SCHEDULED (which Keel lacks) is kept as running. */
    static RunState state(String status) {
        return switch (status) {
            case "FINISHED" -> RunState.FINISHED;
            case "FAILED" -> RunState.FAILED;
            case "KILLED" -> RunState.KILLED;
            default -> RunState.RUNNING;
        };
    }
}
