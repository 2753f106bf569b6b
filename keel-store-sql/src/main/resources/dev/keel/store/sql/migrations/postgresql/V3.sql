-- Keel schema 3 (PostgreSQL): the same tables as sqlite/V3.sql (users, API keys, teams, web
-- sessions, project ownership). Keys and sessions are stored as SHA-256 hashes, never in clear.
CREATE TABLE access_users (
    name       TEXT COLLATE "C" PRIMARY KEY,
    admin      INTEGER NOT NULL DEFAULT 0,
    password   TEXT,
    created_at BIGINT NOT NULL
);
CREATE TABLE access_keys (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_name  TEXT COLLATE "C" NOT NULL REFERENCES access_users (name),
    hash       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX access_keys_user ON access_keys (user_name);
CREATE TABLE access_teams (
    name       TEXT COLLATE "C" PRIMARY KEY,
    created_at BIGINT NOT NULL
);
CREATE TABLE access_members (
    team      TEXT COLLATE "C" NOT NULL REFERENCES access_teams (name),
    user_name TEXT COLLATE "C" NOT NULL REFERENCES access_users (name),
    PRIMARY KEY (team, user_name)
);
CREATE INDEX access_members_user ON access_members (user_name);
CREATE TABLE access_projects (
    name       TEXT COLLATE "C" PRIMARY KEY,
    owner      TEXT COLLATE "C" NOT NULL,
    visibility TEXT NOT NULL DEFAULT 'private',
    created_at BIGINT NOT NULL
);
CREATE TABLE access_sessions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    user_name  TEXT COLLATE "C" NOT NULL REFERENCES access_users (name),
    csrf       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL
);
