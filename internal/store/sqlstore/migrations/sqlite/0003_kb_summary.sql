-- Knowledge-base summary cached in kb_meta: every import transaction that
-- writes advisories, KEV or EPSS rows recounts them, so that a scan reads
-- the counts instead of counting. This fills them for existing databases.
DELETE FROM kb_meta WHERE key IN ('count_advisories', 'count_kev', 'count_epss');
INSERT INTO kb_meta (key, value) SELECT 'count_advisories', CAST(COUNT(*) AS TEXT) FROM advisory WHERE withdrawn = 0;
INSERT INTO kb_meta (key, value) SELECT 'count_kev', CAST(COUNT(*) AS TEXT) FROM kev;
INSERT INTO kb_meta (key, value) SELECT 'count_epss', CAST(COUNT(*) AS TEXT) FROM epss;
