-- Triage (issue 10): the analysis of findings.
--
-- analysis is the append-only history of decisions: every decision is a
-- new row, never updated (a trigger refuses updates). A decision has a
-- scope: version (one finding), product (every version of the product,
-- present and future, holding the package; optionally bounded by a
-- component version range) or organisation (every product). The latest
-- decision of a target (model.Analysis.Target: the finding; the product,
-- package, vulnerability and range; the package and vulnerability) is
-- that target's current decision. The finding row carries its effective
-- decision (analysis_id, with its status and scope copied for filters and
-- counts) and the reason it needs review (analysis_review, '' when not),
-- kept up to date when a decision is recorded, a finding appears (it
-- inherits the applicable decision) or its facts change (review).
CREATE TABLE analysis (
    seq             BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id              TEXT NOT NULL UNIQUE,
    org_id          TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    scope           TEXT NOT NULL,
    product_id      TEXT NOT NULL DEFAULT '',
    version_id      TEXT NOT NULL DEFAULT '',
    finding_id      TEXT NOT NULL DEFAULT '',
    component_key   TEXT NOT NULL DEFAULT '',
    pkg_key         TEXT NOT NULL,
    ecosystem       TEXT NOT NULL DEFAULT '',
    vuln_id         TEXT NOT NULL,
    vuln_ids        TEXT NOT NULL DEFAULT '[]',
    component_range TEXT NOT NULL DEFAULT '',
    status          TEXT NOT NULL,
    justification   TEXT NOT NULL DEFAULT '',
    impact          TEXT NOT NULL DEFAULT '',
    action          TEXT NOT NULL DEFAULT '',
    response        TEXT NOT NULL DEFAULT '[]',
    detail          TEXT NOT NULL DEFAULT '',
    review_date     TEXT NOT NULL DEFAULT '',
    decided_by      TEXT NOT NULL DEFAULT '',
    decided_by_id   TEXT NOT NULL DEFAULT '',
    decided_at      TEXT NOT NULL,
    source          TEXT NOT NULL DEFAULT ''
);
CREATE INDEX analysis_pkg ON analysis (org_id, pkg_key, seq);
CREATE FUNCTION analysis_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'analysis history is append-only';
END;
$$;
CREATE TRIGGER analysis_append_only BEFORE UPDATE ON analysis
    FOR EACH ROW EXECUTE FUNCTION analysis_append_only();

-- Every id of a decision's vulnerability (alias group), to find the
-- decisions about a vulnerability by any of its ids. Written with the
-- decision, never alone (no foreign key to it: checking one per row costs
-- a bulk triage of 10,000 findings a lookup per id).
CREATE TABLE analysis_alias (
    org_id      TEXT NOT NULL REFERENCES organisation (id) ON DELETE CASCADE,
    vuln_id     TEXT NOT NULL,
    analysis_id TEXT NOT NULL,
    PRIMARY KEY (org_id, vuln_id, analysis_id)
);

ALTER TABLE finding ADD COLUMN analysis_id TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN analysis_status TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN analysis_scope TEXT NOT NULL DEFAULT '';
ALTER TABLE finding ADD COLUMN analysis_review TEXT NOT NULL DEFAULT '';
-- The findings of a package across the organisation's versions (a
-- product- or organisation-wide decision).
CREATE INDEX finding_package ON finding (org_id, package);
