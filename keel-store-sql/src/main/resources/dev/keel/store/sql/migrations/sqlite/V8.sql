-- Keel schema 8 (SQLite): sweeps and their trials (dev.keel.core.sweep). A sweep's config is the
-- YAML text its author wrote; a trial's params are a JSON object of flat dotted keys. run_cap
-- and exhausted are what the last claim learnt (the cap it was given, the search's "nothing
-- left" reason), so that ending the last running trial can finish the sweep without a proposer.
CREATE TABLE IF NOT EXISTS sweeps (
    pk         INTEGER PRIMARY KEY,
    id         TEXT    NOT NULL UNIQUE,
    project    TEXT    NOT NULL REFERENCES projects (name),
    name       TEXT    NOT NULL,
    config     TEXT    NOT NULL,
    seed       INTEGER NOT NULL,
    state      TEXT    NOT NULL,
    owner      TEXT    NOT NULL DEFAULT '',
    run_cap    INTEGER NOT NULL DEFAULT 0,
    exhausted  TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS sweeps_project_created ON sweeps (project, created_at);

-- metric is NULL when none was logged (a non-finite value is stored as none); reason is empty
-- when there is nothing to say. heartbeat_at is the store's clock, as every time here.
CREATE TABLE IF NOT EXISTS sweep_trials (
    sweep        TEXT    NOT NULL REFERENCES sweeps (id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    params       TEXT    NOT NULL,
    state        TEXT    NOT NULL,
    agent        TEXT    NOT NULL,
    run_id       TEXT    NOT NULL,
    claimed_at   INTEGER NOT NULL,
    heartbeat_at INTEGER NOT NULL,
    ended_at     INTEGER NOT NULL DEFAULT 0,
    metric       REAL,
    reason       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (sweep, number)
);
-- one trial per run: a claim retried with the same run id finds its trial here
CREATE UNIQUE INDEX IF NOT EXISTS sweep_trials_run ON sweep_trials (run_id);
