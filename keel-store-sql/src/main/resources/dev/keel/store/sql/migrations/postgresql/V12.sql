-- Keel schema 12 (PostgreSQL): metric points logged against MLflow 3 logged models, the same
-- table and meaning as sqlite/V12.sql.
CREATE TABLE IF NOT EXISTS mlflow_logged_model_metrics (
    model_id       TEXT COLLATE "C" NOT NULL REFERENCES mlflow_logged_models (id) ON DELETE CASCADE,
    metric_key     TEXT COLLATE "C" NOT NULL,
    step           BIGINT NOT NULL,
    logged_at      BIGINT NOT NULL,
    run_id         TEXT COLLATE "C" NOT NULL DEFAULT '',
    dataset_name   TEXT COLLATE "C" NOT NULL DEFAULT '',
    dataset_digest TEXT COLLATE "C" NOT NULL DEFAULT '',
    value_bits     BIGINT NOT NULL,
    PRIMARY KEY (model_id, metric_key, step, logged_at, run_id, dataset_name, dataset_digest)
);
