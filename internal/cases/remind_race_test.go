package cases_test

import (
	"context"
	"fmt"
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
			if n := len(f.reminderEvents(t, d.ID)); n != 1 {
				t.Fatalf("round %d: %d reminders of the case, want 1", round, n)
			}
			f.clock.Set(at(t, "2026-12-07T06:00:00Z"))
		}
	})
}
