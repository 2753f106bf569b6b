-- Keel schema 10 (PostgreSQL): a project's flow, the same table and meaning as sqlite/V10.sql.
CREATE TABLE IF NOT EXISTS project_flows (
    project     TEXT COLLATE "C" PRIMARY KEY,
    flow        TEXT NOT NULL,
    recorded_at BIGINT NOT NULL
);
