-- Keel schema 3 (SQLite): users, API keys, teams, web sessions and project ownership for the
-- team server (issue 5). Keys and sessions are stored as SHA-256 hashes, never in clear.
-- Dataset owners and visibility live in data_datasets (schema 2).
CREATE TABLE access_users (
    name       TEXT    PRIMARY KEY,
    admin      INTEGER NOT NULL DEFAULT 0,
    password   TEXT,
    created_at INTEGER NOT NULL
);
CREATE TABLE access_keys (
    id         TEXT    PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES access_users (name),
    hash       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX access_keys_user ON access_keys (user_name);
CREATE TABLE access_teams (
    name       TEXT    PRIMARY KEY,
    created_at INTEGER NOT NULL
);
CREATE TABLE access_members (
    team      TEXT NOT NULL REFERENCES access_teams (name),
    user_name TEXT NOT NULL REFERENCES access_users (name),
    PRIMARY KEY (team, user_name)
);
CREATE INDEX access_members_user ON access_members (user_name);
-- owner '' means unclaimed: only admins see such a project.
CREATE TABLE access_projects (
    name       TEXT    PRIMARY KEY,
    owner      TEXT    NOT NULL,
    visibility TEXT    NOT NULL DEFAULT 'private',
    created_at INTEGER NOT NULL
);
CREATE TABLE access_sessions (
    id         TEXT    PRIMARY KEY,
    user_name  TEXT    NOT NULL REFERENCES access_users (name),
    csrf       TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
);
