-- Keel schema 11 (SQLite): MLflow's model objects that Keel's registry has no place for
-- (dev.keel.core.store.MlflowModelStore). A logged model's files are content hashes in the blob
-- store, like run files; tags and params are JSON objects of strings. mlflow_empty_models holds
-- registered models that MLflow clients created before their first version (Keel's models table
-- gets the model with that version).
CREATE TABLE IF NOT EXISTS mlflow_logged_models (
    id                TEXT    PRIMARY KEY,
    experiment_id     INTEGER NOT NULL,
    name              TEXT    NOT NULL,
    source_run_id     TEXT    NOT NULL DEFAULT '',
    model_type        TEXT    NOT NULL DEFAULT '',
    status            TEXT    NOT NULL,
    status_message    TEXT    NOT NULL DEFAULT '',
    lifecycle_stage   TEXT    NOT NULL DEFAULT 'active',
    created_by        TEXT    NOT NULL DEFAULT '',
    creation_time     INTEGER NOT NULL,
    last_updated_time INTEGER NOT NULL,
    tags              TEXT    NOT NULL DEFAULT '{}',
    params            TEXT    NOT NULL DEFAULT '{}'
);
CREATE INDEX IF NOT EXISTS mlflow_logged_models_experiment ON mlflow_logged_models (experiment_id, creation_time);

CREATE TABLE IF NOT EXISTS mlflow_logged_model_files (
    model_id TEXT    NOT NULL REFERENCES mlflow_logged_models (id) ON DELETE CASCADE,
    path     TEXT    NOT NULL,
    hash     TEXT    NOT NULL,
    size     INTEGER NOT NULL,
    PRIMARY KEY (model_id, path)
);
-- a blob clean-up asks which contents logged models still hold
CREATE INDEX IF NOT EXISTS mlflow_logged_model_files_hash ON mlflow_logged_model_files (hash);

CREATE TABLE IF NOT EXISTS mlflow_empty_models (
    name        TEXT    PRIMARY KEY,
    owner       TEXT    NOT NULL DEFAULT '',
    description TEXT    NOT NULL DEFAULT '',
    tags        TEXT    NOT NULL DEFAULT '{}',
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
);
