package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// sqlitePlan returns SQLite's query plan of q on a fresh database.
func sqlitePlan(t *testing.T, q string, args ...any) string {
	t.Helper()
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.reader().QueryContext(ctx, "EXPLAIN QUERY PLAN "+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan strings.Builder
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan.WriteString(detail + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return plan.String()
}

// On SQLite a finding's history (the finding page) seeks its events
// through finding_event_finding (migration 0016): the other indexes of
// finding_event lead with the version or the time, and through them the
// read visited every event of the organisation (15-20 ms per page at
// 100,000 findings, over 100 ms while an upload competes for the CPU).
func TestFindingHistoryUsesFindingIndex(t *testing.T) {
	p := sqlitePlan(t, findingHistorySQL+" LIMIT 100", "org", "finding")
	if !strings.Contains(p, "INDEX finding_event_finding (org_id=? AND finding_id=?)") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("finding history: plan\n%s", p)
	}
}

// The components page reads the SBOM's components in document order
// through sbom_component_sbom, by organisation and SBOM: reading its page
// again by id let SQLite pick that index by organisation alone, visiting
// every component of the organisation (100-160 ms per page after a few
// hundred uploads).
func TestComponentPageUsesSBOMIndex(t *testing.T) {
	p := sqlitePlan(t, componentPageSQL, "org", "sbom", false)
	if !strings.Contains(p, "INDEX sbom_component_sbom (org_id=? AND sbom_id=?)") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("component page: plan\n%s", p)
	}
}
