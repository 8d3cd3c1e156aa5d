-- Accounts of the web application (issue 9): users with argon2id password
-- hashes, organisation memberships with a role, browser sessions (only the
-- SHA-256 of the token is stored), login throttles (failed logins per
-- account and per remote address), the one-time setup token, and the
-- hash-chained, append-only audit log.
CREATE TABLE app_user (
    id                  TEXT PRIMARY KEY,
    email               TEXT NOT NULL,
    email_key           TEXT NOT NULL UNIQUE,
    display_name        TEXT NOT NULL DEFAULT '',
    locale              TEXT NOT NULL DEFAULT '',
    is_admin            INTEGER NOT NULL DEFAULT 0,
    password_hash       TEXT NOT NULL,
    password_changed_at TEXT NOT NULL,
    created_at          TEXT NOT NULL
);

CREATE TABLE membership (
    org_id     TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    user_id    TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('owner', 'editor', 'viewer')),
    created_at TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

CREATE TABLE user_session (
    token_hash   TEXT PRIMARY KEY,
    user_id      TEXT NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
    csrf_secret  TEXT NOT NULL,
    org_id       TEXT NOT NULL DEFAULT '',
    remote_addr  TEXT NOT NULL DEFAULT '',
    created_at   TEXT NOT NULL,
    last_seen_at TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);
CREATE INDEX user_session_expires ON user_session (expires_at);

CREATE TABLE login_throttle (
    key      TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    first_at TEXT NOT NULL,
    last_at  TEXT NOT NULL
);

CREATE TABLE setup_token (
    id           INTEGER PRIMARY KEY CHECK (id = 1),
    token_hash   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    completed_at TEXT NOT NULL DEFAULT ''
);

-- The organisation is kept as an id without a foreign key: the log
-- outlives what it names.
CREATE TABLE audit_log (
    seq         INTEGER PRIMARY KEY,
    at          TEXT NOT NULL,
    actor       TEXT NOT NULL DEFAULT '',
    org_id      TEXT NOT NULL DEFAULT '',
    action      TEXT NOT NULL,
    target      TEXT NOT NULL DEFAULT '',
    remote_addr TEXT NOT NULL DEFAULT '',
    detail      TEXT NOT NULL DEFAULT '',
    prev_hash   TEXT NOT NULL,
    hash        TEXT NOT NULL
);
CREATE INDEX audit_log_org ON audit_log (org_id, seq);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
