-- The dashboard counts open findings whose effective analysis is
-- not_affected or fixed as triaged, not as open work (issue 10 in the web
-- application): its per-version counts group by the effective status too.
-- finding_org_overview gains analysis_status so that the read still
-- streams through the index alone instead of visiting every open finding
-- row.
DROP INDEX finding_org_overview;
CREATE INDEX finding_org_overview ON finding (org_id, state, version_id, severity_rank, kev, analysis_status);
