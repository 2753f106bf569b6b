-- Keel schema 11 (PostgreSQL): MLflow's logged models and registered models without versions,
-- the same tables, columns and meaning as sqlite/V11.sql.
CREATE TABLE IF NOT EXISTS mlflow_logged_models (
    id                TEXT COLLATE "C" PRIMARY KEY,
    experiment_id     BIGINT NOT NULL,
    name              TEXT COLLATE "C" NOT NULL,
    source_run_id     TEXT COLLATE "C" NOT NULL DEFAULT '',
    model_type        TEXT NOT NULL DEFAULT '',
    status            TEXT COLLATE "C" NOT NULL,
    status_message    TEXT NOT NULL DEFAULT '',
    lifecycle_stage   TEXT COLLATE "C" NOT NULL DEFAULT 'active',
    created_by        TEXT COLLATE "C" NOT NULL DEFAULT '',
    creation_time     BIGINT NOT NULL,
    last_updated_time BIGINT NOT NULL,
    tags              TEXT NOT NULL DEFAULT '{}',
    params            TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS mlflow_logged_models_experiment ON mlflow_logged_models (experiment_id, creation_time);

CREATE TABLE IF NOT EXISTS mlflow_logged_model_files (
    model_id TEXT COLLATE "C" NOT NULL REFERENCES mlflow_logged_models (id) ON DELETE CASCADE,
    path     TEXT COLLATE "C" NOT NULL,
    hash     TEXT COLLATE "C" NOT NULL,
    size     BIGINT NOT NULL,
    PRIMARY KEY (model_id, path)
);
CREATE INDEX IF NOT EXISTS mlflow_logged_model_files_hash ON mlflow_logged_model_files (hash);

CREATE TABLE IF NOT EXISTS mlflow_empty_models (
    name        TEXT COLLATE "C" PRIMARY KEY,
    owner       TEXT COLLATE "C" NOT NULL DEFAULT '',
    description TEXT NOT NULL DEFAULT '',
    tags        TEXT NOT NULL DEFAULT '{}',
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL
);
