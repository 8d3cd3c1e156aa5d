-- A finding's history (issue 9, the finding page): its events in order.
-- The indexes of finding_event lead with the version or the time, so the
-- read visited every event of the organisation (100,000 rows: 15-20 ms
-- of CPU per page, several times that while an upload competes for the
-- CPU); this index makes it a seek. (It does not serve the foreign key's
-- cascade on finding_id alone; rocca deletes no findings today.)
CREATE INDEX finding_event_finding ON finding_event (org_id, finding_id, seq);
