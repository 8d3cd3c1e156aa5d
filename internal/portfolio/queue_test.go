package portfolio_test

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
)

// heldStore holds every ingestion until released, so that a test can fill
// the queue's backlog.
type heldStore struct {
	portfolio.Store
	entered, release chan struct{}
}

func (h *heldStore) Ingest(ctx context.Context, org string, fn func(store.IngestTx) error) error {
	h.entered <- struct{}{}
	<-h.release
	return h.Store.Ingest(ctx, org, fn)
}

// SubmitTo calls its target (which may create the version) only for an
// upload it accepts: not for an invalid SBOM, not when the backlog is full.
func TestSubmitToRefusalsDoNotCallTarget(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demo []byte) {
		held := &heldStore{Store: svc.Store, entered: make(chan struct{}, 8), release: make(chan struct{})}
		q := portfolio.NewQueue(portfolio.New(held, discard(), sbom.Limits{}), 1, 1)
		t.Cleanup(func() {
			close(held.release)
			if err := q.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
		calls := 0
		target := func(context.Context) (string, error) { calls++; return v.ID, nil }
		ctx := t.Context()
		if _, err := q.SubmitTo(ctx, org, target, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":1}]}`), "bad.json"); !portfolio.IsInput(err) {
			t.Fatalf("invalid SBOM: %v", err)
		}
		if calls != 0 {
			t.Fatalf("target called %d times for an invalid SBOM", calls)
		}
		// One upload held by the worker, one in the backlog, then busy.
		if _, err := q.SubmitTo(ctx, org, target, demo, "held.json"); err != nil {
			t.Fatal(err)
		}
		<-held.entered
		// Other bytes: the current SBOM sent again would be recognised
		// before reaching the store.
		if _, err := q.SubmitTo(ctx, org, target, append(bytes.Clone(demo), '\n'), "queued.json"); err != nil {
			t.Fatal(err)
		}
		if _, err := q.SubmitTo(ctx, org, target, demo, "refused.json"); !errors.Is(err, portfolio.ErrBusy) {
			t.Fatalf("full backlog: %v", err)
		}
		if calls != 2 {
			t.Errorf("target called %d times, want 2 (the accepted uploads)", calls)
		}
		// A target that fails gives the slot back.
		held.release <- struct{}{}
		<-held.entered // the queued upload is now in the worker: the backlog is empty
		boom := errors.New("boom")
		if _, err := q.SubmitTo(ctx, org, func(context.Context) (string, error) { return "", boom }, demo, "x.json"); !errors.Is(err, boom) {
			t.Fatalf("failing target: %v", err)
		}
		if _, err := q.SubmitTo(ctx, org, target, demo, "after.json"); err != nil {
			t.Errorf("after a failed target the slot is free again: %v", err)
		}
	})
}
