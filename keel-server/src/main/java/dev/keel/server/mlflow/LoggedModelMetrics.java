package dev.keel.server.mlflow;

import dev.keel.core.KeelException;
import dev.keel.core.store.LoggedModelMetric;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Metrics logged against MLflow 3 logged models: the points a run's log-metric or log-batch
 * names a {@code model_id} in, how a logged model shows them ({@code data.metrics}), and how
 * {@code logged-models/search} filters and sorts by them. As in MLflow, a filter
 * {@code metrics.KEY > X} matches a model with any such point (on the searched {@code datasets}
 * when given), while {@code order_by metrics.KEY} sorts by the latest point (newest timestamp,
 * then highest step) on the order's dataset, models without one last.
 */
final class LoggedModelMetrics {
    private static final Comparator<LoggedModelMetric> LATEST =
            Comparator.comparingLong(LoggedModelMetric::timestamp).thenComparingLong(LoggedModelMetric::step);

    /** A dataset of a search's {@code datasets}; a null digest matches any digest of the name. */
    record Dataset(String name, String digest) {
        boolean holds(LoggedModelMetric m) {
            return m.datasetName().equals(name)
                    && (digest == null || m.datasetDigest().equals(digest));
        }
    }

    private LoggedModelMetrics() {}

    /**
     * The point of a log-metric body or a log-batch metric when it names a model
     * ({@code model_id}); null otherwise. {@code key}, {@code value}, {@code timestamp} and
     * {@code step} are the run's point, already checked.
     */
    static LoggedModelMetric of(Fields metric, String runId, MlflowViews.Point p) {
        String model = metric.string("model_id");
        if (model == null || model.isEmpty()) {
            return null;
        }
        return new LoggedModelMetric(
                model,
                p.key(),
                p.value(),
                p.timestamp(),
                p.step(),
                runId,
                metric.string("dataset_name"),
                metric.string("dataset_digest"));
    }

    /** MLflow's Metric message, as LoggedModel.data.metrics lists it. */
    static List<Object> view(List<LoggedModelMetric> points) {
        List<Object> out = new ArrayList<>(points.size());
        for (LoggedModelMetric m : points) {
            Map<String, Object> v = new LinkedHashMap<>();
            v.put("key", m.key());
            v.put("value", m.value());
            v.put("timestamp", m.timestamp());
            v.put("step", m.step());
            if (!m.datasetName().isEmpty()) {
                v.put("dataset_name", m.datasetName());
                v.put("dataset_digest", m.datasetDigest());
            }
            v.put("model_id", m.modelId());
            if (!m.runId().isEmpty()) {
                v.put("run_id", m.runId());
            }
            out.add(v);
        }
        return out;
    }

    /** The {@code datasets} of a search request; each needs a name. */
    static List<Dataset> datasets(List<Fields> given) {
        List<Dataset> out = new ArrayList<>();
        for (Fields d : given) {
            String name = d.string("dataset_name");
            if (name == null || name.isEmpty()) {
                throw KeelException.invalid("`dataset_name` in the `datasets` clause must be specified.");
            }
            String digest = d.string("dataset_digest");
            out.add(new Dataset(name, digest == null || digest.isEmpty() ? null : digest));
        }
        return out;
    }

    /** Whether any point of {@code key} (on one of {@code datasets}, when any) compares with the clause. */
    static boolean matches(SearchFilter.Clause c, List<LoggedModelMetric> points, List<Dataset> datasets) {
        if (!(c.value() instanceof Double bound)) {
            throw KeelException.invalid(
                    "metrics." + c.key() + " compares with a number, e.g. metrics." + c.key() + " > 0.9");
        }
        String op = c.op().toUpperCase(Locale.ROOT);
        if (!SearchFilter.NUMERIC_OPS.contains(op)) {
            throw KeelException.invalid("metrics." + c.key() + " compares with =, !=, >, >=, < or <=, not " + c.op());
        }
        for (LoggedModelMetric m : points) {
            if (m.key().equals(c.key())
                    && onDatasets(m, datasets)
                    && !Double.isNaN(m.value())
                    && SearchFilter.compares(op, Double.compare(m.value(), bound))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the model has any point on one of {@code datasets}: a search by datasets alone. */
    static boolean anyOn(List<LoggedModelMetric> points, List<Dataset> datasets) {
        return points.stream().anyMatch(m -> onDatasets(m, datasets));
    }

    /**
     * The value an {@code order_by metrics.KEY} sorts by: the latest point of {@code key} on the
     * dataset named (any when null); null when the model has none.
     */
    static Double latest(List<LoggedModelMetric> points, String key, String datasetName, String datasetDigest) {
        LoggedModelMetric best = null;
        for (LoggedModelMetric m : points) {
            if (m.key().equals(key)
                    && (datasetName == null || m.datasetName().equals(datasetName))
                    && (datasetDigest == null || m.datasetDigest().equals(datasetDigest))
                    && (best == null || LATEST.compare(m, best) > 0)) {
                best = m;
            }
        }
        return best == null ? null : best.value();
    }

    private static boolean onDatasets(LoggedModelMetric m, List<Dataset> datasets) {
        return datasets.isEmpty() || datasets.stream().anyMatch(d -> d.holds(m));
    }
}
