-- CRA Art. 14 reporting (issue 11): the product's markets and CRA
-- classification, the organisation's reporting profile, reporting cases
-- with the versions they concern, their stage submissions, audit trail
-- and the reminders sent.

ALTER TABLE product ADD COLUMN markets TEXT NOT NULL DEFAULT '[]';
ALTER TABLE product ADD COLUMN cra_type TEXT NOT NULL DEFAULT '';
ALTER TABLE product ADD COLUMN cra_class TEXT NOT NULL DEFAULT '';
ALTER TABLE product ADD COLUMN cra_category TEXT NOT NULL DEFAULT '';

-- Open known-exploited findings: what opens cases.
CREATE INDEX finding_kev_open ON finding (org_id, version_id) WHERE kev = 1 AND state = 'open';

CREATE TABLE reporting_profile (
    org_id             TEXT PRIMARY KEY REFERENCES organisation (id) ON DELETE CASCADE,
    legal_name         TEXT NOT NULL DEFAULT '',
    main_establishment TEXT NOT NULL DEFAULT '',
    routing            TEXT NOT NULL DEFAULT '{}',
    csirt_state        TEXT NOT NULL DEFAULT '',
    csirt_name         TEXT NOT NULL DEFAULT '',
    csirt_reason       TEXT NOT NULL DEFAULT '',
    representatives    TEXT NOT NULL DEFAULT '[]',
    contacts           TEXT NOT NULL DEFAULT '[]',
    holidays           TEXT NOT NULL DEFAULT '[]',
    -- SHA-256 of the secret of the organisation's iCalendar feed URL.
    calendar_hash      TEXT NOT NULL DEFAULT '',
    -- The e-mail subscription that takes the reporting contacts the case
    -- events (reminders above all); '' when none.
    contacts_sub       TEXT NOT NULL DEFAULT '',
    updated_at         TEXT NOT NULL
);
CREATE UNIQUE INDEX reporting_profile_calendar ON reporting_profile (calendar_hash) WHERE calendar_hash <> '';

CREATE TABLE report_case (
    id                 TEXT PRIMARY KEY,
    org_id             TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    title              TEXT NOT NULL DEFAULT '',
    vuln_id            TEXT NOT NULL DEFAULT '',
    vuln_ids           TEXT NOT NULL DEFAULT '[]',
    owner              TEXT NOT NULL DEFAULT '',
    origin             TEXT NOT NULL,
    opened_at          TEXT NOT NULL,
    proposed_awareness TEXT NOT NULL DEFAULT '',
    awareness_at       TEXT NOT NULL DEFAULT '',
    awareness_reason   TEXT NOT NULL DEFAULT '',
    awareness_by       TEXT NOT NULL DEFAULT '',
    fix_available_at   TEXT NOT NULL DEFAULT '',
    fix_details        TEXT NOT NULL DEFAULT '',
    intermediate_due   TEXT NOT NULL DEFAULT '',
    statement          TEXT NOT NULL DEFAULT '',
    closed_at          TEXT NOT NULL DEFAULT '',
    close_reason       TEXT NOT NULL DEFAULT '',
    updated_at         TEXT NOT NULL,
    UNIQUE (org_id, id)
);
-- One case per vulnerability per organisation.
CREATE UNIQUE INDEX report_case_vuln ON report_case (org_id, vuln_id) WHERE vuln_id <> '';
CREATE INDEX report_case_org ON report_case (org_id, state, opened_at);

CREATE TABLE report_case_version (
    org_id     TEXT NOT NULL,
    case_id    TEXT NOT NULL,
    version_id TEXT NOT NULL,
    components TEXT NOT NULL DEFAULT '[]',
    added_at   TEXT NOT NULL,
    PRIMARY KEY (case_id, version_id),
    FOREIGN KEY (org_id, case_id) REFERENCES report_case (org_id, id) ON DELETE CASCADE,
    FOREIGN KEY (org_id, version_id) REFERENCES product_version (org_id, id) ON DELETE CASCADE
);
CREATE INDEX report_case_version_org ON report_case_version (org_id, version_id);

-- A stage filed in the SRP, with the exact text submitted.
CREATE TABLE report_submission (
    org_id           TEXT NOT NULL,
    case_id          TEXT NOT NULL,
    stage            TEXT NOT NULL,
    submitted_at     TEXT NOT NULL,
    srp_reference    TEXT NOT NULL DEFAULT '',
    already_provided INTEGER NOT NULL DEFAULT 0,
    glossary         TEXT NOT NULL DEFAULT '',
    content          TEXT NOT NULL DEFAULT '',
    recorded_at      TEXT NOT NULL,
    recorded_by      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (case_id, stage),
    FOREIGN KEY (org_id, case_id) REFERENCES report_case (org_id, id) ON DELETE CASCADE
);

-- Append-only audit trail of a case.
CREATE TABLE report_case_log (
    seq     INTEGER PRIMARY KEY,
    org_id  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    at      TEXT NOT NULL,
    actor   TEXT NOT NULL,
    action  TEXT NOT NULL,
    detail  TEXT NOT NULL DEFAULT '',
    FOREIGN KEY (org_id, case_id) REFERENCES report_case (org_id, id) ON DELETE CASCADE
);
CREATE INDEX report_case_log_case ON report_case_log (org_id, case_id, seq);

-- Reminders sent, so that none goes out twice.
CREATE TABLE report_reminder (
    org_id  TEXT NOT NULL,
    case_id TEXT NOT NULL,
    rkey    TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (case_id, rkey),
    FOREIGN KEY (org_id, case_id) REFERENCES report_case (org_id, id) ON DELETE CASCADE
);
