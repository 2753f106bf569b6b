-- Keel schema 3 (PostgreSQL): MLflow experiment metadata, the same table as sqlite/V3.sql.
CREATE TABLE IF NOT EXISTS mlflow_experiments (
    id                BIGINT PRIMARY KEY,
    name              TEXT COLLATE "C" NOT NULL UNIQUE,
    project           TEXT COLLATE "C" NOT NULL UNIQUE,
    artifact_location TEXT   NOT NULL DEFAULT '',
    lifecycle_stage   TEXT   NOT NULL DEFAULT 'active',
    creation_time     BIGINT NOT NULL,
    last_update_time  BIGINT NOT NULL,
    tags              TEXT   NOT NULL DEFAULT '{}'
);
