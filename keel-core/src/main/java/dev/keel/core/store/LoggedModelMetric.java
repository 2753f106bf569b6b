package dev.keel.core.store;

/**
 * One metric point logged against an MLflow 3 logged model ({@code mlflow.log_metric(...,
 * model_id=...)}), by a run and optionally on a dataset: the same point also goes into the run's
 * own series.
 *
 * @param timestamp     epoch milliseconds
 * @param runId         the run that logged it
 * @param datasetName   the dataset it was measured on; empty when none, as is {@code datasetDigest}
 */
public record LoggedModelMetric(
        String modelId,
        String key,
        double value,
        long timestamp,
        long step,
        String runId,
        String datasetName,
        String datasetDigest) {

    public LoggedModelMetric {
        runId = runId == null ? "" : runId;
        datasetName = datasetName == null ? "" : datasetName;
        datasetDigest = datasetDigest == null ? "" : datasetDigest;
    }
}
