-- Portfolio: organisations (tenants), products, versions, SBOMs with their
-- components and dependency edges, tracked findings with their event log,
-- API keys and upload tokens. Every tenant row carries org_id; child rows
-- reference their parent through (org_id, id) so that a row can never point
-- at another organisation's parent. Ids are UUIDs made in Go; timestamps are
-- UTC RFC 3339 text with fixed microsecond width (they sort as text).
CREATE TABLE organisation (
    id         TEXT PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL
);

CREATE TABLE product (
    id               TEXT PRIMARY KEY,
    org_id           TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    cra_role         TEXT NOT NULL,
    intended_purpose TEXT NOT NULL DEFAULT '',
    support_end      TEXT NOT NULL DEFAULT '',
    security_contact TEXT NOT NULL DEFAULT '',
    created_at       TEXT NOT NULL,
    UNIQUE (org_id, name),
    UNIQUE (org_id, id)
);

CREATE TABLE product_version (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    name            TEXT NOT NULL,
    lifecycle       TEXT NOT NULL,
    release_date    TEXT NOT NULL DEFAULT '',
    current_sbom_id TEXT NOT NULL DEFAULT '',
    created_at      TEXT NOT NULL,
    UNIQUE (org_id, product_id, name),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, product_id) REFERENCES product (org_id, id) ON DELETE CASCADE
);

CREATE TABLE sbom (
    id              TEXT PRIMARY KEY,
    org_id          TEXT NOT NULL,
    version_id      TEXT NOT NULL,
    name            TEXT NOT NULL DEFAULT '',
    digest          TEXT NOT NULL,
    size            INTEGER NOT NULL,
    format          TEXT NOT NULL,
    spec_version    TEXT NOT NULL DEFAULT '',
    encoding        TEXT NOT NULL DEFAULT '',
    serial          TEXT NOT NULL DEFAULT '',
    component_count INTEGER NOT NULL DEFAULT 0,
    compression     TEXT NOT NULL,
    content         BLOB NOT NULL,
    created_at      TEXT NOT NULL,
    UNIQUE (org_id, version_id, digest),
    UNIQUE (org_id, id),
    FOREIGN KEY (org_id, version_id) REFERENCES product_version (org_id, id) ON DELETE CASCADE
);

CREATE TABLE sbom_component (
    id         TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL,
    sbom_id    TEXT NOT NULL,
    version_id TEXT NOT NULL,
    ordinal    INTEGER NOT NULL,
    is_root    INTEGER NOT NULL DEFAULT 0,
    ref        TEXT NOT NULL DEFAULT '',
    name       TEXT NOT NULL,
    version    TEXT NOT NULL DEFAULT '',
    grp        TEXT NOT NULL DEFAULT '',
    purl       TEXT NOT NULL DEFAULT '',
    cpe        TEXT NOT NULL DEFAULT '',
    type       TEXT NOT NULL DEFAULT '',
    supplier   TEXT NOT NULL DEFAULT '',
    author     TEXT NOT NULL DEFAULT '',
    scope      TEXT NOT NULL DEFAULT '',
    licenses   TEXT NOT NULL DEFAULT '[]',
    hashes     TEXT NOT NULL DEFAULT '[]',
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom (org_id, id) ON DELETE CASCADE
);
CREATE INDEX sbom_component_sbom ON sbom_component (org_id, sbom_id, ordinal);

CREATE TABLE sbom_edge (
    org_id   TEXT NOT NULL,
    sbom_id  TEXT NOT NULL,
    from_ref TEXT NOT NULL,
    to_ref   TEXT NOT NULL,
    PRIMARY KEY (sbom_id, from_ref, to_ref),
    FOREIGN KEY (org_id, sbom_id) REFERENCES sbom (org_id, id) ON DELETE CASCADE
);
CREATE INDEX sbom_edge_org ON sbom_edge (org_id, sbom_id);

CREATE TABLE finding (
    id                TEXT PRIMARY KEY,
    org_id            TEXT NOT NULL,
    version_id        TEXT NOT NULL,
    component_id      TEXT NOT NULL DEFAULT '',
    component_key     TEXT NOT NULL,
    component_name    TEXT NOT NULL DEFAULT '',
    component_version TEXT NOT NULL DEFAULT '',
    component_group   TEXT NOT NULL DEFAULT '',
    component_purl    TEXT NOT NULL DEFAULT '',
    ecosystem         TEXT NOT NULL DEFAULT '',
    package           TEXT NOT NULL DEFAULT '',
    vuln_id           TEXT NOT NULL,
    vuln_ids          TEXT NOT NULL DEFAULT '[]',
    advisories        TEXT NOT NULL DEFAULT '[]',
    summary           TEXT NOT NULL DEFAULT '',
    severity_rating   TEXT NOT NULL DEFAULT 'unknown',
    severity_rank     INTEGER NOT NULL DEFAULT 0,
    severity_score    REAL NOT NULL DEFAULT 0,
    severity_vector   TEXT NOT NULL DEFAULT '',
    severity_source   TEXT NOT NULL DEFAULT '',
    kev               INTEGER NOT NULL DEFAULT 0,
    kev_date_added    TEXT NOT NULL DEFAULT '',
    epss_score        REAL NOT NULL DEFAULT 0,
    epss_percentile   REAL NOT NULL DEFAULT 0,
    fixed_versions    TEXT NOT NULL DEFAULT '[]',
    state             TEXT NOT NULL,
    first_seen        TEXT NOT NULL,
    last_seen         TEXT NOT NULL,
    resolved_at       TEXT NOT NULL DEFAULT '',
    UNIQUE (org_id, version_id, component_key, vuln_id),
    FOREIGN KEY (org_id, version_id) REFERENCES product_version (org_id, id) ON DELETE CASCADE
);
CREATE INDEX finding_severity ON finding (org_id, version_id, severity_rank, severity_score, id);
CREATE INDEX finding_epss ON finding (org_id, version_id, epss_score, id);
CREATE INDEX finding_first_seen ON finding (org_id, version_id, first_seen, id);

CREATE TABLE finding_event (
    seq        INTEGER PRIMARY KEY,
    org_id     TEXT NOT NULL,
    version_id TEXT NOT NULL,
    finding_id TEXT NOT NULL REFERENCES finding (id) ON DELETE CASCADE,
    sbom_id    TEXT NOT NULL DEFAULT '',
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '',
    at         TEXT NOT NULL
);
CREATE INDEX finding_event_version ON finding_event (org_id, version_id, seq);

CREATE TABLE api_key (
    id           TEXT PRIMARY KEY,
    org_id       TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    prefix       TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,
    created_at   TEXT NOT NULL,
    last_used_at TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX api_key_org ON api_key (org_id);

CREATE TABLE upload_token (
    token      TEXT PRIMARY KEY,
    org_id     TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    version_id TEXT NOT NULL,
    sbom_id    TEXT NOT NULL DEFAULT '',
    state      TEXT NOT NULL,
    error      TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
