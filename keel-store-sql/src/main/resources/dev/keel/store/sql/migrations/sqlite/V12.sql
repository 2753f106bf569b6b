-- Keel schema 12 (SQLite): metric points logged against MLflow 3 logged models
-- (dev.keel.core.store.LoggedModelMetric). The value is kept as its IEEE-754 bits so that NaN and
-- the infinities come back as logged; MLflow's search filters and sorts them in the server.
-- Empty dataset fields mean "no dataset", so that the key can hold them.
CREATE TABLE IF NOT EXISTS mlflow_logged_model_metrics (
    model_id       TEXT    NOT NULL REFERENCES mlflow_logged_models (id) ON DELETE CASCADE,
    metric_key     TEXT    NOT NULL,
    step           INTEGER NOT NULL,
    logged_at      INTEGER NOT NULL,
    run_id         TEXT    NOT NULL DEFAULT '',
    dataset_name   TEXT    NOT NULL DEFAULT '',
    dataset_digest TEXT    NOT NULL DEFAULT '',
    value_bits     INTEGER NOT NULL,
    PRIMARY KEY (model_id, metric_key, step, logged_at, run_id, dataset_name, dataset_digest)
);
