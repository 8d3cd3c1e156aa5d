package portfolio

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Queue processes SBOM uploads in the background with a bounded number of
// workers and a bounded backlog. Each upload has a token row in the
// database (queued → processing → done or failed), so a client can poll
// its state from any request, and any instance sharing the database.
//
// The backlog itself lives in memory: an upload accepted but not yet
// processed when the process dies stays "queued". Durable jobs replace the
// channel by a job table (the token row already is the job's record; the
// SBOM bytes would be stored with it) without changing Submit's contract.
type Queue struct {
	svc  *Service
	log  *slog.Logger
	jobs chan job
	// room holds one token per backlog slot taken: Submit takes one
	// before it creates anything, a worker gives it back when it takes
	// the job, so the send to jobs never blocks.
	room chan struct{}
	wg   sync.WaitGroup

	mu     sync.RWMutex
	closed bool
	// ctx is cancelled when Shutdown gives up waiting.
	ctx    context.Context
	cancel context.CancelFunc
}

type job struct {
	org, version, token, name string
	raw                       []byte
	doc                       *model.SBOM
}

// NewQueue starts workers goroutines processing up to backlog pending
// uploads.
func NewQueue(svc *Service, workers, backlog int) *Queue {
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{svc: svc, log: svc.Log, jobs: make(chan job, max(backlog, 1)), room: make(chan struct{}, max(backlog, 1)),
		ctx: ctx, cancel: cancel}
	for range max(workers, 1) {
		q.wg.Add(1)
		go q.work()
	}
	return q
}

// Submit validates an SBOM for one of org's versions and queues it. It
// returns the upload token, an InputError when the SBOM is invalid
// (nothing is stored then), ErrBusy when the backlog is full, or
// ErrShuttingDown.
func (q *Queue) Submit(ctx context.Context, org, versionID string, raw []byte, name string) (string, error) {
	return q.SubmitTo(ctx, org, func(context.Context) (string, error) { return versionID, nil }, raw, name)
}

// SubmitTo is Submit for a version that target returns, possibly creating
// it: target runs only once the upload is accepted (the SBOM is valid and
// a backlog slot is taken), so that a refused upload creates nothing.
func (q *Queue) SubmitTo(ctx context.Context, org string, target func(context.Context) (string, error), raw []byte, name string) (string, error) {
	doc, err := q.svc.Parse(raw, name)
	if err != nil {
		return "", err
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return "", ErrShuttingDown
	}
	select {
	case q.room <- struct{}{}:
	default:
		return "", ErrBusy
	}
	versionID, err := target(ctx)
	if err != nil {
		<-q.room
		return "", err
	}
	t := model.UploadToken{VersionID: versionID, State: model.UploadQueued, Created: q.svc.now()}
	if err := q.svc.Store.CreateUploadToken(ctx, org, &t); err != nil {
		<-q.room
		return "", err
	}
	q.jobs <- job{org: org, version: versionID, token: t.Token, name: name, raw: raw, doc: doc}
	return t.Token, nil
}

func (q *Queue) work() {
	defer q.wg.Done()
	for j := range q.jobs {
		<-q.room
		q.run(j)
	}
}

func (q *Queue) run(j job) {
	ctx := q.ctx
	log := q.log.With("org", j.org, "version", j.version, "token", j.token)
	if err := q.svc.Store.SetUploadState(ctx, j.org, j.token, model.UploadProcessing, "", "", q.svc.now()); err != nil {
		log.Error("upload state", "error", err)
	}
	start := time.Now()
	res, err := q.svc.ingestParsed(ctx, j.org, j.version, j.raw, j.name, j.doc)
	state, msg := model.UploadDone, ""
	if err != nil {
		state, msg = model.UploadFailed, err.Error()
		q.svc.UploadFailed(ctx, j.org, j.version, j.name, err)
		log.Error("upload failed", "error", err)
	} else {
		log.Info("upload processed", "sbom", res.SBOM.ID, "duplicate", res.Duplicate, "took", time.Since(start))
	}
	// Record the outcome even when the queue's context was cancelled.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.svc.Store.SetUploadState(sctx, j.org, j.token, state, res.SBOM.ID, msg, q.svc.now()); err != nil {
		log.Error("upload state", "error", err)
	}
}

// Shutdown stops accepting uploads and waits until the queued ones are
// processed. When ctx ends first, running work is cancelled and
// Shutdown returns ctx's error once the workers have stopped.
func (q *Queue) Shutdown(ctx context.Context) error {
	q.mu.Lock()
	if !q.closed {
		q.closed = true
		close(q.jobs)
	}
	q.mu.Unlock()
	done := make(chan struct{})
	go func() { q.wg.Wait(); close(done) }()
	select {
	case <-done:
		q.cancel()
		return nil
	case <-ctx.Done():
		q.cancel()
		<-done
		return errors.Join(errors.New("upload queue: shutdown timed out; pending uploads were cancelled"), ctx.Err())
	}
}
