package portfolio_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
)

// statsCounter counts the reads of every open finding the dashboard's
// figures cost.
type statsCounter struct {
	portfolio.Store
	reads atomic.Int32
}

func (s *statsCounter) OpenFindingStats(ctx context.Context, org string) ([]store.FindingStat, error) {
	s.reads.Add(1)
	return s.Store.OpenFindingStats(ctx, org)
}

// TestWarmDashboards checks that the warmer recomputes the figures of a
// viewed organisation after its findings change, so that the next view
// reads none of them, with figures that follow the change; and that it
// leaves alone an organisation nobody viewed (or not for an hour) and one
// whose findings did not change.
func TestWarmDashboards(t *testing.T) {
	setupStore(t, func(t *testing.T, st portfolio.Store, _ *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		cs := &statsCounter{Store: st}
		svc := portfolio.New(cs, discard(), sbom.Limits{})
		now := time.Now()
		if err := portfolio.WarmDashboardsOnce(svc, ctx); err != nil || cs.reads.Load() != 0 {
			t.Fatalf("nothing viewed yet: %v, %d reads", err, cs.reads.Load())
		}
		if _, err := svc.Dashboard(ctx, org, now); err != nil {
			t.Fatal(err)
		}
		if err := portfolio.WarmDashboardsOnce(svc, ctx); err != nil || cs.reads.Load() != 1 {
			t.Fatalf("unchanged findings: %v, %d reads, want the view's 1", err, cs.reads.Load())
		}
		res, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "demo.json")
		if err != nil {
			t.Fatal(err)
		}
		if err := portfolio.WarmDashboardsOnce(svc, ctx); err != nil || cs.reads.Load() != 2 {
			t.Fatalf("after an upload: %v, %d reads, want 2", err, cs.reads.Load())
		}
		d, err := svc.Dashboard(ctx, org, now)
		if err != nil {
			t.Fatal(err)
		}
		if n := cs.reads.Load(); n != 2 {
			t.Errorf("the view after the warmer read the findings again (%d reads)", n)
		}
		if open, _ := count(d); open != res.Open || open == 0 {
			t.Errorf("warmed dashboard counts %d open, the upload left %d", open, res.Open)
		}
		// Two hours later nobody has looked at the dashboard: a change
		// of the findings is no longer followed in the background.
		svc.Now = func() time.Time { return now.Add(2 * time.Hour) }
		empty := bytes.Replace(demoSBOM, []byte(`"components"`), []byte(`"components": [], "x-components"`), 1)
		if _, err := svc.Ingest(ctx, org, v.ID, empty, "empty.json"); err != nil {
			t.Fatal(err)
		}
		if err := portfolio.WarmDashboardsOnce(svc, ctx); err != nil || cs.reads.Load() != 2 {
			t.Errorf("an organisation not viewed for two hours was warmed: %v, %d reads", err, cs.reads.Load())
		}
	})
}

// TestWarmDashboardsStops checks that the warmer returns when its context
// ends.
func TestWarmDashboardsStops(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, _ string, _ model.Version, _ []byte) {
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan struct{})
		go func() { svc.WarmDashboards(ctx, time.Millisecond); close(done) }()
		cancel()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("WarmDashboards did not return after its context ended")
		}
	})
}
