package cases_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/cases"
)

// Two servers' reporting jobs reminding at the same moment send each
// reminder once: the one whose record of it comes second sends nothing
// (on PostgreSQL both can see it unsent before either commits).
func TestConcurrentRemindSendsOnce(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		for round := range 20 {
			d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: fmt.Sprintf("Incident %d", round),
				Awareness: at(t, "2026-12-07T05:00:00Z"), AwarenessReason: "seen by the operations team", Actor: "alice"})
			if err != nil {
				t.Fatal(err)
			}
			f.clock.Set(at(t, "2026-12-07T17:00:00Z")) // 12 h before the early warning
			var wg sync.WaitGroup
			start := make(chan struct{})
			for range 2 {
				wg.Go(func() {
					<-start
					if _, err := f.cases.Remind(ctx); err != nil {
						t.Error(err)
					}
				})
			}
			close(start)
			wg.Wait()
			if n := f.reminders(t, d.ID); n != 1 {
				t.Fatalf("round %d: %d reminders of the case, want 1", round, n)
			}
			f.clock.Set(at(t, "2026-12-07T06:00:00Z"))
		}
	})
}

// reminders counts the reminder events of a case in the outbox.
func (f *fixture) reminders(t *testing.T, caseID string) int {
	t.Helper()
	q := `SELECT payload FROM outbox WHERE org_id = ? AND type IN ('case.deadline_reminder', 'case.overdue')`
	if f.engine == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := f.st.DB().QueryContext(context.Background(), q, f.org)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var payload string
		if err := rows.Scan(&payload); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(payload, `"id":"`+caseID+`"`) {
			n++
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return n
}
