-- PostgreSQL twin of sqlite/0001_knowledge_base.sql: same tables and columns;
-- BYTEA for BLOB, BOOLEAN for 0/1 flags, DOUBLE PRECISION for REAL.
-- Knowledge base: OSV advisories, their affected packages, KEV and EPSS.
CREATE TABLE advisory (
    id              TEXT PRIMARY KEY,
    modified        TEXT NOT NULL DEFAULT '',
    published       TEXT NOT NULL DEFAULT '',
    withdrawn       BOOLEAN NOT NULL DEFAULT FALSE,
    content_hash    TEXT NOT NULL,
    summary         TEXT NOT NULL DEFAULT '',
    aliases         TEXT NOT NULL DEFAULT '[]',
    severity_rating TEXT NOT NULL DEFAULT 'unknown',
    severity_score  DOUBLE PRECISION NOT NULL DEFAULT 0,
    severity_vector TEXT NOT NULL DEFAULT '',
    severity_source TEXT NOT NULL DEFAULT '',
    refs            TEXT NOT NULL DEFAULT '[]',
    raw             BYTEA NOT NULL,
    source          TEXT NOT NULL DEFAULT '',
    group_id        TEXT NOT NULL DEFAULT '',
    imported_at     TEXT NOT NULL
);
CREATE INDEX advisory_group ON advisory (group_id);

CREATE TABLE advisory_alias (
    advisory_id TEXT NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
    alias       TEXT NOT NULL,
    PRIMARY KEY (advisory_id, alias)
);
CREATE INDEX advisory_alias_alias ON advisory_alias (alias);

CREATE TABLE affected (
    advisory_id TEXT NOT NULL REFERENCES advisory (id) ON DELETE CASCADE,
    ordinal     INTEGER NOT NULL,
    ecosystem   TEXT NOT NULL,
    pkg_key     TEXT NOT NULL,
    data        BYTEA NOT NULL,
    PRIMARY KEY (advisory_id, ordinal)
);
CREATE INDEX affected_pkg_key ON affected (pkg_key);

CREATE TABLE kev (
    cve        TEXT PRIMARY KEY,
    date_added TEXT NOT NULL,
    due_date   TEXT NOT NULL DEFAULT '',
    ransomware BOOLEAN NOT NULL DEFAULT FALSE,
    name       TEXT NOT NULL DEFAULT ''
);

CREATE TABLE epss (
    cve        TEXT PRIMARY KEY,
    score      DOUBLE PRECISION NOT NULL,
    percentile DOUBLE PRECISION NOT NULL,
    score_date TEXT NOT NULL DEFAULT ''
);

CREATE TABLE kb_meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
