-- Keel schema 5 (PostgreSQL): a run's problems, the same column as sqlite/V5.sql.
ALTER TABLE runs ADD COLUMN IF NOT EXISTS problems TEXT NOT NULL DEFAULT '[]';
