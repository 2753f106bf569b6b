-- Keel schema 3 (SQLite): what MLflow's API knows about an experiment and Keel's project lacks.
-- An experiment is a Keel project (runs.project = project); its numeric id, display name (which a
-- rename changes, while the project keeps its name), artifact location, lifecycle stage and tags
-- live here. Idempotent (IF NOT EXISTS) so that renumbering this script on a merge is harmless.
CREATE TABLE IF NOT EXISTS mlflow_experiments (
    id                INTEGER PRIMARY KEY,
    name              TEXT    NOT NULL UNIQUE,
    project           TEXT    NOT NULL UNIQUE,
    artifact_location TEXT    NOT NULL DEFAULT '',
    lifecycle_stage   TEXT    NOT NULL DEFAULT 'active',
    creation_time     INTEGER NOT NULL,
    last_update_time  INTEGER NOT NULL,
    -- experiment tags, a JSON object of strings
    tags              TEXT    NOT NULL DEFAULT '{}'
);
