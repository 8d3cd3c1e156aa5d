package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// On SQLite a finding's history (the finding page) seeks its events
// through finding_event_finding (migration 0015): the other indexes of
// finding_event lead with the version or the time, and through them the
// read visited every event of the organisation (15-20 ms per page at
// 100,000 findings, over 100 ms while an upload competes for the CPU).
func TestFindingHistoryUsesFindingIndex(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "rocca.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	rows, err := s.reader().QueryContext(ctx, "EXPLAIN QUERY PLAN "+findingHistorySQL+" LIMIT 100", "org", "finding")
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
	if p := plan.String(); !strings.Contains(p, "INDEX finding_event_finding (org_id=? AND finding_id=?)") || strings.Contains(p, "TEMP B-TREE") {
		t.Errorf("finding history: plan\n%s", p)
	}
}
