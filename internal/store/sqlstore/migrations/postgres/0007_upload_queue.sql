-- Durable upload queue (issue 8): an accepted asynchronous upload keeps
-- its bytes here until a worker has processed it, so that a crash loses
-- nothing acknowledged. The job that processes it (River) is inserted in
-- the same transaction as the row.
CREATE TABLE upload_queue (
    token          TEXT PRIMARY KEY REFERENCES upload_token (token) ON DELETE CASCADE,
    org_id         TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    name           TEXT NOT NULL DEFAULT '',
    version_id     TEXT NOT NULL DEFAULT '',
    create_product TEXT NOT NULL DEFAULT '',
    create_version TEXT NOT NULL DEFAULT '',
    size           BIGINT NOT NULL,
    content        BYTEA NOT NULL,
    created_at     TEXT NOT NULL
);
