-- Knowledge-base change log, the EU exploited lists, EUVD ids and feed state.
--
-- kb_change: one row per package key, CVE (exploited) or CVE (EPSS score)
-- an import transaction changed, written in that transaction; a reader that
-- remembers the last seq it processed finds every later change.
CREATE TABLE kb_change (
    seq  INTEGER PRIMARY KEY AUTOINCREMENT,
    at   TEXT NOT NULL,
    kind TEXT NOT NULL,
    key  TEXT NOT NULL
);

-- exploited: the CVEs of the EU KEV list (source 'eu-kev') and of EUVD's
-- exploited dump (source 'euvd'); CISA KEV stays in kev. Ids, flags and
-- dates only: no descriptions.
CREATE TABLE exploited (
    source        TEXT NOT NULL,
    cve           TEXT NOT NULL,
    date_added    TEXT NOT NULL,
    euvd_id       TEXT NOT NULL DEFAULT '',
    ransomware    INTEGER NOT NULL DEFAULT 0,
    origin        TEXT NOT NULL DEFAULT '',
    patched_since TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (source, cve)
);
CREATE INDEX exploited_cve ON exploited (cve);

-- euvd_alias: EUVD's CVE to EUVD id mapping; EUVD ids are aliases of the
-- CVE's advisories.
CREATE TABLE euvd_alias (
    euvd_id TEXT PRIMARY KEY,
    cve     TEXT NOT NULL
);
CREATE INDEX euvd_alias_cve ON euvd_alias (cve);

-- feed_state: per feed source, what the last download attempts found, so
-- that every instance and the CLI see it.
CREATE TABLE feed_state (
    source        TEXT PRIMARY KEY,
    url           TEXT NOT NULL DEFAULT '',
    etag          TEXT NOT NULL DEFAULT '',
    last_modified TEXT NOT NULL DEFAULT '',
    last_attempt  TEXT NOT NULL DEFAULT '',
    last_success  TEXT NOT NULL DEFAULT '',
    last_change   TEXT NOT NULL DEFAULT '',
    last_error    TEXT NOT NULL DEFAULT '',
    last_error_at TEXT NOT NULL DEFAULT '',
    bytes         INTEGER NOT NULL DEFAULT 0,
    lease_owner   TEXT NOT NULL DEFAULT '',
    lease_until   TEXT NOT NULL DEFAULT ''
);
