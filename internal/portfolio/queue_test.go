package portfolio_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

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

// SubmitTo creates the version it is asked to create only for an upload
// it accepts and whose document reads: not for a refused one (a check
// failure, a full backlog), not for one that fails when read.
func TestSubmitToCreatesOnlyForReadableUploads(t *testing.T) {
	setupStore(t, func(t *testing.T, st portfolio.Store, svc *portfolio.Service, org string, v model.Version, demo []byte) {
		held := &heldStore{Store: st, entered: make(chan struct{}, 8), release: make(chan struct{})}
		q := portfolio.NewQueue(portfolio.New(held, discard(), sbom.Limits{}), 1, 1, 0)
		t.Cleanup(func() {
			close(held.release)
			if err := q.Shutdown(context.Background()); err != nil {
				t.Error(err)
			}
		})
		ctx := t.Context()
		create := func(name string) portfolio.Target { return portfolio.Target{CreateProduct: name, CreateVersion: "1.0"} }
		exists := func(name string) bool {
			t.Helper()
			_, err := svc.ProductByName(ctx, org, name)
			if err != nil && !errors.Is(err, store.ErrNotFound) {
				t.Fatal(err)
			}
			return err == nil
		}
		if _, err := q.SubmitTo(ctx, org, create("not-a-bom"), []byte("not an sbom"), "x.json"); !portfolio.IsInput(err) {
			t.Fatalf("a document the check refuses: %v", err)
		}
		// Read on the worker (held in the store until released), it fails.
		token, err := q.SubmitTo(ctx, org, create("unreadable"), []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":1}]}`), "bad.json")
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			tok, err := svc.UploadToken(ctx, org, token)
			if err != nil {
				t.Fatal(err)
			}
			if tok.State == model.UploadFailed {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("unreadable upload: %+v", tok)
			}
		}
		// One upload held by the worker, one in the backlog, then busy.
		if _, err := q.SubmitTo(ctx, org, portfolio.Target{VersionID: v.ID}, demo, "held.json"); err != nil {
			t.Fatal(err)
		}
		<-held.entered
		// Other bytes: the current SBOM sent again would be recognised
		// before reaching the store.
		if _, err := q.SubmitTo(ctx, org, create("queued"), append(bytes.Clone(demo), '\n'), "queued.json"); err != nil {
			t.Fatal(err)
		}
		if _, err := q.SubmitTo(ctx, org, create("refused-busy"), demo, "refused.json"); !errors.Is(err, portfolio.ErrBusy) {
			t.Fatalf("full backlog: %v", err)
		}
		held.release <- struct{}{}
		<-held.entered // the queued upload: its product and version were created when it was read
		held.release <- struct{}{}
		for name, want := range map[string]bool{"not-a-bom": false, "unreadable": false, "refused-busy": false, "queued": true} {
			if got := exists(name); got != want {
				t.Errorf("product %q exists: %v, want %v", name, got, want)
			}
		}
	})
}

// blockingStore holds every ingestion in Version until release is closed,
// so that a test can keep the queue's workers busy.
type blockingStore struct {
	portfolio.Store
	started chan struct{}
	release chan struct{}
}

func (b *blockingStore) Version(ctx context.Context, org, id string) (model.Version, error) {
	b.started <- struct{}{}
	<-b.release
	return b.Store.Version(ctx, org, id)
}

// TestQueueByteBudget checks that the documents waiting for a worker are
// bounded in bytes, not only in number: an upload that would take them
// past the budget is refused (ErrBusy, a 503 in the API), whether it is
// asynchronous (Submit) or synchronous (Ingest), and the budget is free
// again once the workers have taken the documents.
func TestQueueByteBudget(t *testing.T) {
	setupStore(t, func(t *testing.T, st portfolio.Store, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		bs := &blockingStore{Store: st, started: make(chan struct{}, 8), release: make(chan struct{})}
		blocked := portfolio.New(bs, discard(), sbom.Limits{})
		// One worker, room for 10 documents but bytes for one and a half.
		q := portfolio.NewQueue(blocked, 1, 10, int64(len(demoSBOM))*3/2)
		if _, err := q.Submit(ctx, org, v.ID, append(demoSBOM, make([]byte, len(demoSBOM))...), "twice.json"); !errors.Is(err, portfolio.ErrBusy) {
			t.Fatalf("a document larger than the budget: %v, want ErrBusy", err)
		}
		first, err := q.Submit(ctx, org, v.ID, demoSBOM, "1.json")
		if err != nil {
			t.Fatal(err)
		}
		<-bs.started // the worker holds the first document: the budget is free
		if q.QueuedBytes() != 0 {
			t.Errorf("%d bytes queued while the only document is being processed", q.QueuedBytes())
		}
		second, err := q.Submit(ctx, org, v.ID, append(demoSBOM, ' '), "2.json")
		if err != nil {
			t.Fatal(err)
		}
		if q.QueuedBytes() != int64(len(demoSBOM))+1 {
			t.Errorf("%d bytes queued, want %d", q.QueuedBytes(), len(demoSBOM)+1)
		}
		if _, err := q.Submit(ctx, org, v.ID, append(demoSBOM, ' ', ' '), "3.json"); !errors.Is(err, portfolio.ErrBusy) {
			t.Errorf("past the byte budget: %v, want ErrBusy", err)
		}
		if _, err := q.Ingest(ctx, org, v.ID, append(demoSBOM, ' ', ' ', ' '), "4.json"); !errors.Is(err, portfolio.ErrBusy) {
			t.Errorf("synchronous upload past the byte budget: %v, want ErrBusy", err)
		}
		close(bs.release)
		<-bs.started // the worker has taken the second document
		res, err := q.Ingest(ctx, org, v.ID, append(demoSBOM, '\n'), "5.json")
		if err != nil || res.SBOM.ID == "" {
			t.Fatalf("synchronous upload once the budget is free: %+v %v", res, err)
		}
		if err := q.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		for _, tok := range []string{first, second} {
			if got, err := svc.UploadToken(ctx, org, tok); err != nil || got.State != model.UploadDone {
				t.Errorf("token %s: %+v %v", tok, got, err)
			}
		}
		if q.QueuedBytes() != 0 {
			t.Errorf("%d bytes still counted after shutdown", q.QueuedBytes())
		}
	})
}

// TestQueueParsesInWorker checks that Submit refuses at once only what
// sbom.Check finds, and that a document the reader refuses fails its
// token with the reader's reason.
func TestQueueParsesInWorker(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		q := portfolio.NewQueue(svc, 1, 4, 0)
		for _, bad := range []string{"not an sbom", `{"bomFormat":"CycloneDX","components":[`, strings.Repeat("[", 100) + strings.Repeat("]", 100)} {
			if _, err := q.Submit(ctx, org, v.ID, []byte(bad), "x"); !portfolio.IsInput(err) {
				t.Errorf("Submit(%.20q): %v, want an input error", bad, err)
			}
		}
		token, err := q.Submit(ctx, org, v.ID, []byte(`{"bomFormat":"CycloneDX","specVersion":"1.6","components":[{"name":"x","version":7}]}`), "typed.json")
		if err != nil {
			t.Fatalf("a document that needs parsing to be refused: %v", err)
		}
		if err := q.Shutdown(ctx); err != nil {
			t.Fatal(err)
		}
		tok, err := svc.UploadToken(ctx, org, token)
		if err != nil || tok.State != model.UploadFailed || !strings.Contains(tok.Error, "components.version") || tok.SBOMID != "" {
			t.Errorf("token %+v %v, want failed with the reader's reason", tok, err)
		}
	})
}
