-- Keel schema 10 (SQLite): a project's flow (dev.keel.core.flow.ProjectFlow) as keel repro last
-- recorded it, one row per project, kept as its JSON wire form: the dashboard reads it whole.
CREATE TABLE IF NOT EXISTS project_flows (
    project     TEXT    PRIMARY KEY,
    flow        TEXT    NOT NULL,
    recorded_at INTEGER NOT NULL
);
