-- The watch (issue 8): a reverse index from package to versions, the
-- cursors of the knowledge-base change log, the notification outbox and
-- webhooks.

-- Package key (store.PackageKey) of each component: the reverse index from
-- a package whose advisories changed to the versions whose current SBOM
-- contains it. NULL on rows stored before this migration (computed by the
-- watch's backfill); '' for a component that names no package.
ALTER TABLE sbom_component ADD COLUMN pkg_key TEXT;
CREATE INDEX sbom_component_pkg ON sbom_component (pkg_key, sbom_id);

-- The last change-log sequence number a consumer has fully processed.
CREATE TABLE watch_cursor (
    name       TEXT PRIMARY KEY,
    seq        INTEGER NOT NULL,
    updated_at TEXT NOT NULL
);

-- Events to notify, written in the same transaction as the change they
-- describe; dispatched_at is set when the deliveries are created.
CREATE TABLE outbox (
    seq           INTEGER PRIMARY KEY AUTOINCREMENT,
    id            TEXT NOT NULL UNIQUE,
    org_id        TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    type          TEXT NOT NULL,
    product_id    TEXT NOT NULL DEFAULT '',
    version_id    TEXT NOT NULL DEFAULT '',
    payload       TEXT NOT NULL,
    created_at    TEXT NOT NULL,
    dispatched_at TEXT
);
CREATE INDEX outbox_pending ON outbox (seq) WHERE dispatched_at IS NULL;

-- Notification subscriptions of an organisation: a webhook URL or an
-- e-mail address, with the event types (JSON array; empty = all) and an
-- optional product filter.
CREATE TABLE subscription (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    channel    TEXT NOT NULL,
    target     TEXT NOT NULL,
    secret     TEXT NOT NULL DEFAULT '',
    events     TEXT NOT NULL DEFAULT '[]',
    product_id TEXT NOT NULL DEFAULT '',
    format     TEXT NOT NULL DEFAULT 'rocca',
    created_at TEXT NOT NULL,
    UNIQUE (org_id, id)
);
CREATE INDEX subscription_org ON subscription (org_id);

-- One delivery of one outbox event to one subscription, with its attempts.
CREATE TABLE delivery (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    subscription_id TEXT NOT NULL,
    event_id        TEXT NOT NULL,
    event_type      TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    last_status     INTEGER NOT NULL DEFAULT 0,
    last_error      TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    updated_at      TEXT NOT NULL,
    UNIQUE (subscription_id, event_id),
    FOREIGN KEY (org_id, subscription_id) REFERENCES subscription (org_id, id) ON DELETE CASCADE
);
CREATE INDEX delivery_subscription ON delivery (org_id, subscription_id, created_at);
