package portfolio

import (
	"context"
	"database/sql"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rocca-project/rocca/internal/crashpoint"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Queue parses and ingests SBOM uploads on a bounded number of workers,
// so that the memory they take is bounded: at most workers documents are
// being parsed and ingested at once, and the documents waiting for a
// worker hold at most budget bytes (and number at most backlog). A queued
// upload is its raw bytes and what identifies it (a job), never a parsed
// document.
//
// Asynchronous uploads (Submit) have a token row in the database (queued
// → processing → done or failed), so a client can poll their state from
// any request, and any instance sharing the database. Synchronous uploads
// (Ingest) wait for their turn and their result.
//
// Asynchronous uploads are durable once MakeDurable has been called (the
// server does): Submit stores the upload's bytes with its token row and
// the job that processes it, in one transaction (store.UploadQueue), and
// the job engine runs RunQueued, which processes the upload on this
// queue's workers like the others. A crash then loses nothing that was
// acknowledged: the job runs again after the restart, and ingestion is
// idempotent (the same bytes are recognised). Without MakeDurable (tests,
// tools) the backlog lives in memory.
type Queue struct {
	svc  *Service
	log  *slog.Logger
	jobs chan job
	// room holds one token per backlog slot taken: an upload takes one
	// before it creates anything, a worker gives it back when it takes
	// the job, so the send to jobs never blocks.
	room   chan struct{}
	budget int64
	// queued is the size of the documents accepted and not yet taken by
	// a worker.
	queued atomic.Int64
	wg     sync.WaitGroup

	// enqueue, when set, makes asynchronous uploads durable (MakeDurable);
	// backlog bounds the uploads it keeps.
	enqueue func(ctx context.Context, tx *sql.Tx, org, token string) error
	backlog int

	mu     sync.RWMutex
	closed bool
	// ctx is cancelled when Shutdown gives up waiting.
	ctx    context.Context
	cancel context.CancelFunc
}

// job is one upload waiting for a worker: the document's bytes and
// where they go. token is empty for a synchronous upload, whose result
// goes to done.
type job struct {
	org, version, token, name string
	// target is where an asynchronous upload goes (version may be empty
	// until the worker resolves it).
	target Target
	raw    []byte
	done   chan<- result
	// ctx is the synchronous upload's request: a worker skips the job
	// when it has ended.
	ctx context.Context
}

type result struct {
	res IngestResult
	err error
}

// NewQueue starts workers goroutines processing up to backlog pending
// uploads holding at most budget bytes (no byte bound when budget ≤ 0).
func NewQueue(svc *Service, workers, backlog int, budget int64) *Queue {
	ctx, cancel := context.WithCancel(context.Background())
	q := &Queue{svc: svc, log: svc.Log, jobs: make(chan job, max(backlog, 1)), room: make(chan struct{}, max(backlog, 1)),
		budget: budget, backlog: max(backlog, 1), ctx: ctx, cancel: cancel}
	for range max(workers, 1) {
		q.wg.Add(1)
		go q.work()
	}
	return q
}

// Submit checks an SBOM for one of org's versions cheaply (sbom.Check:
// size, nesting, format) and queues it; a worker parses and ingests it
// later, and a document the check let through but the reader refuses
// fails its token with the reader's error. Submit returns the upload
// token, an InputError when the check fails (nothing is stored then),
// ErrBusy when the backlog or its byte budget is full, or
// ErrShuttingDown.
func (q *Queue) Submit(ctx context.Context, org, versionID string, raw []byte, name string) (string, error) {
	return q.SubmitTo(ctx, org, Target{VersionID: versionID}, raw, name)
}

// SubmitTo is Submit for a target that may name a version to create: it
// is created by the worker once the document has been read, so that a
// refused or invalid upload creates nothing.
func (q *Queue) SubmitTo(ctx context.Context, org string, target Target, raw []byte, name string) (string, error) {
	if err := q.svc.Check(raw, name); err != nil {
		return "", err
	}
	if q.enqueue != nil {
		return q.submitDurable(ctx, org, target, raw, name)
	}
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return "", ErrShuttingDown
	}
	if !q.take(len(raw)) {
		return "", ErrBusy
	}
	t := model.UploadToken{VersionID: target.VersionID, State: model.UploadQueued, Created: q.svc.now()}
	if err := q.svc.store.CreateUploadToken(ctx, org, &t); err != nil {
		q.giveBack(len(raw))
		return "", err
	}
	q.jobs <- job{org: org, version: target.VersionID, target: target, token: t.Token, name: name, raw: raw}
	return t.Token, nil
}

// MakeDurable makes asynchronous uploads durable: enqueue inserts, in the
// transaction that stores an upload, the job that will call RunQueued for
// it. Call it before the queue is used.
func (q *Queue) MakeDurable(enqueue func(ctx context.Context, tx *sql.Tx, org, token string) error) {
	q.enqueue = enqueue
}

func (q *Queue) submitDurable(ctx context.Context, org string, target Target, raw []byte, name string) (string, error) {
	q.mu.RLock()
	closed := q.closed
	q.mu.RUnlock()
	if closed {
		return "", ErrShuttingDown
	}
	t := model.UploadToken{VersionID: target.VersionID, State: model.UploadQueued, Created: q.svc.now()}
	u := model.QueuedUpload{Name: name, VersionID: target.VersionID, CreateProduct: target.CreateProduct, CreateVersion: target.CreateVersion}
	err := q.svc.store.QueueUpload(ctx, org, &t, u, raw, q.backlog, q.budget, func(ctx context.Context, tx *sql.Tx) error {
		return q.enqueue(ctx, tx, org, t.Token)
	})
	if errors.Is(err, store.ErrQueueFull) {
		return "", ErrBusy
	}
	if err != nil {
		return "", err
	}
	return t.Token, nil
}

// RunQueued processes a durable upload (the job MakeDurable's enqueue
// inserted) on one of the queue's workers, waiting for one, and records
// its outcome. An upload already processed is done. A document that
// cannot be read, or any failure on the last attempt (final), fails the
// upload; other failures are returned, for the job to be retried.
func (q *Queue) RunQueued(ctx context.Context, org, token string, final bool) error {
	u, raw, err := q.svc.store.QueuedUpload(ctx, org, token)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	log := q.log.With("org", org, "token", token)
	finish := func(versionID, state, sbomID, msg string) error {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		return q.svc.store.FinishUpload(sctx, org, token, versionID, state, sbomID, msg, q.svc.now())
	}
	// A run that stored the SBOM but died before finishing: done already
	// (the ingestion marked the token in its own transaction).
	if t, err := q.svc.store.UploadToken(ctx, org, token); err != nil {
		return err
	} else if t.SBOMID != "" {
		sb, err := q.svc.store.SBOM(ctx, org, t.SBOMID)
		if err != nil {
			return err
		}
		log.Info("upload already stored by an earlier run", "sbom", t.SBOMID)
		return finish(sb.VersionID, model.UploadDone, t.SBOMID, "")
	}
	if err := q.svc.store.SetUploadState(ctx, org, token, model.UploadProcessing, "", "", q.svc.now()); err != nil {
		return err
	}
	start := time.Now()
	target := Target{VersionID: u.VersionID, CreateProduct: u.CreateProduct, CreateVersion: u.CreateVersion}
	done := make(chan result, 1)
	r := result{err: q.wait(ctx, job{org: org, version: u.VersionID, target: target, token: token, name: u.Name, raw: raw, done: done, ctx: ctx})}
	if r.err == nil {
		select {
		case r = <-done:
		case <-ctx.Done():
			r.err = ctx.Err()
		}
	}
	crashpoint.Hit("upload.after-commit")
	state, msg := model.UploadDone, ""
	switch {
	case r.err == nil:
		log.Info("upload processed", "sbom", r.res.SBOM.ID, "duplicate", r.res.Duplicate, "took", time.Since(start))
	case IsInput(r.err):
		state, msg = model.UploadFailed, r.err.Error()
		log.Info("upload refused", "error", r.err)
	case final:
		// The last attempt: the upload fails rather than stay queued
		// (and counted against the queue's capacity) for good.
		state, msg = model.UploadFailed, r.err.Error()
		log.Error("upload failed", "error", r.err)
		q.svc.UploadFailed(context.WithoutCancel(ctx), org, u.VersionID, u.Name, r.err)
	default:
		log.Warn("upload failed; it will be retried", "error", r.err)
		return r.err
	}
	return finish(r.res.SBOM.VersionID, state, r.res.SBOM.ID, msg)
}

// wait hands a job to the workers, waiting for a backlog slot (not
// counted against the byte budget: a durable upload's bytes are bounded
// in the database).
func (q *Queue) wait(ctx context.Context, j job) error {
	q.mu.RLock()
	defer q.mu.RUnlock()
	if q.closed {
		return ErrShuttingDown
	}
	select {
	case q.room <- struct{}{}:
	case <-ctx.Done():
		return ctx.Err()
	}
	q.queued.Add(int64(len(j.raw))) // the worker releases it
	q.jobs <- j
	return nil
}

// take reserves a backlog slot and n bytes of the budget, or reports that
// either is full.
func (q *Queue) take(n int) bool {
	select {
	case q.room <- struct{}{}:
	default:
		return false
	}
	if !q.reserve(n) {
		<-q.room
		return false
	}
	return true
}

// giveBack returns what take reserved, for an upload that is not queued.
func (q *Queue) giveBack(n int) {
	q.release(n)
	<-q.room
}

// Ingest is Service.Ingest on one of the queue's workers: it waits for
// a worker and the result. While it waits, the document counts against
// the backlog and its byte budget: ErrBusy when they are full. When ctx
// ends before a worker takes the document, it is not processed.
func (q *Queue) Ingest(ctx context.Context, org, versionID string, raw []byte, name string) (IngestResult, error) {
	done := make(chan result, 1)
	err := func() error {
		q.mu.RLock()
		defer q.mu.RUnlock()
		if q.closed {
			return ErrShuttingDown
		}
		if !q.take(len(raw)) {
			return ErrBusy
		}
		q.jobs <- job{org: org, version: versionID, name: name, raw: raw, done: done, ctx: ctx}
		return nil
	}()
	if err != nil {
		return IngestResult{}, err
	}
	// The worker always answers into the buffered channel, and skips the
	// document when ctx has ended before it took it.
	select {
	case r := <-done:
		return r.res, r.err
	case <-ctx.Done():
		return IngestResult{}, ctx.Err()
	}
}

// reserve counts n more queued bytes, or reports that the budget cannot
// hold them.
func (q *Queue) reserve(n int) bool {
	if q.queued.Add(int64(n)) > q.budget && q.budget > 0 {
		q.queued.Add(-int64(n))
		return false
	}
	return true
}

func (q *Queue) release(n int) { q.queued.Add(-int64(n)) }

// QueuedBytes returns the size of the documents waiting for a worker.
func (q *Queue) QueuedBytes() int64 { return q.queued.Load() }

func (q *Queue) work() {
	defer q.wg.Done()
	for j := range q.jobs {
		q.release(len(j.raw))
		<-q.room
		if j.done != nil {
			q.runSync(j)
		} else {
			q.run(j)
		}
	}
}

// runSync processes a synchronous upload unless its request has ended.
func (q *Queue) runSync(j job) {
	if err := j.ctx.Err(); err != nil {
		j.done <- result{err: err}
		return
	}
	// The request's values (and cancellation) with the queue's
	// cancellation at shutdown.
	ctx, stop := context.WithCancel(j.ctx)
	defer stop()
	unhook := context.AfterFunc(q.ctx, stop)
	defer unhook()
	t := j.target
	if t == (Target{}) {
		t.VersionID = j.version
	}
	res, err := q.svc.ingestTo(ctx, j.org, t, j.raw, j.name, j.token)
	j.done <- result{res, err}
}

func (q *Queue) run(j job) {
	ctx := q.ctx
	log := q.log.With("org", j.org, "version", j.version, "token", j.token)
	if err := q.svc.store.SetUploadState(ctx, j.org, j.token, model.UploadProcessing, "", "", q.svc.now()); err != nil {
		log.Error("upload state", "error", err)
	}
	start := time.Now()
	res, err := q.svc.ingestTo(ctx, j.org, j.target, j.raw, j.name, j.token)
	state, msg := model.UploadDone, ""
	switch {
	case IsInput(err):
		state, msg = model.UploadFailed, err.Error()
		log.Info("upload refused", "error", err)
	case err != nil:
		state, msg = model.UploadFailed, err.Error()
		log.Error("upload failed", "error", err)
		q.svc.UploadFailed(ctx, j.org, j.version, j.name, err)
	default:
		log.Info("upload processed", "sbom", res.SBOM.ID, "duplicate", res.Duplicate, "took", time.Since(start))
	}
	// Record the outcome even when the queue's context was cancelled.
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := q.svc.store.SetUploadState(sctx, j.org, j.token, state, res.SBOM.ID, msg, q.svc.now()); err != nil {
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
