-- The web application's organisation-wide reads (issue 9): the dashboard
-- and the findings list across every product of an organisation. The
-- indexes of migration 0002 lead with the version, so these reads would
-- otherwise visit every finding row of the organisation (100,000 rows of
-- a wide table: hundreds of milliseconds per page).
--
-- * finding_org_overview: the dashboard's counts by severity and KEV and
--   its products by urgency read only this index (open findings, grouped
--   by version).
-- * finding_org_kev, _severity, _epss, _first_seen: each order of the
--   findings list (known exploited first is the default), so that a page
--   of 50 reads 50 index entries, with the state filter (open by default)
--   in front.
-- * finding_event_org_at: the dashboard's trend counts the last 30 days'
--   events by day and kind from the index alone.
CREATE INDEX finding_org_overview ON finding (org_id, state, version_id, severity_rank, kev);
CREATE INDEX finding_org_kev ON finding (org_id, state, kev DESC, epss_score DESC, id);
CREATE INDEX finding_org_severity ON finding (org_id, state, severity_rank DESC, severity_score DESC, id);
CREATE INDEX finding_org_epss ON finding (org_id, state, epss_score DESC, id);
CREATE INDEX finding_org_first_seen ON finding (org_id, state, first_seen DESC, id);
CREATE INDEX finding_event_org_at ON finding_event (org_id, at, kind);
