// Package jobs runs rocca's background work as durable jobs on River, in
// the same database as everything else (SQLite or PostgreSQL): jobs
// survive restarts, and several `rocca serve` on one PostgreSQL share
// them, each job run by one of them.
//
// Queues keep a user's work from waiting behind scheduled bulk work:
//
//	uploads  SBOM uploads of the Dependency-Track API (Workers at once)
//	watch    re-matching after knowledge-base changes (one at a time)
//	notify   outbox dispatch and webhook deliveries
//	feeds    feed synchronisation (one at a time)
//
// The watch and the dispatch are kicked by a light poll (is there a
// change-log entry past the cursor? an undispatched outbox event?) that
// inserts a unique job: with two servers, one job is inserted and one
// server runs it. Webhook deliveries are inserted in the transaction that
// creates them (River's InsertManyTx on the store's *sql.Tx: River's
// database/sql drivers are used for that reason, riversqlite for SQLite
// and riverdatabasesql for PostgreSQL), and retried with River's backoff.
package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/rocca-project/rocca/internal/model"
)

// Queue names.
const (
	QueueUploads = "uploads"
	QueueWatch   = "watch"
	QueueNotify  = "notify"
	QueueFeeds   = "feeds"
)

// Handlers are the work the jobs do; nil handlers leave their jobs out.
type Handlers struct {
	// WatchPending and Watch: the knowledge-base change log (watch.Watcher).
	WatchPending func(ctx context.Context) (bool, error)
	Watch        func(ctx context.Context) error
	// DispatchPending and Dispatch: the outbox (notify.Service); Dispatch
	// must call enqueue in the transaction that creates the deliveries.
	DispatchPending func(ctx context.Context) (bool, error)
	Dispatch        func(ctx context.Context, enqueue func(ctx context.Context, tx *sql.Tx, deliveries []model.DeliveryRef) error) error
	// Deliver sends one delivery; final is set on the last attempt.
	Deliver func(ctx context.Context, delivery string, final bool) error
	// Upload processes one queued asynchronous upload by its token; final
	// is set on the last attempt.
	Upload func(ctx context.Context, org, token string, final bool) error
	// FeedSync synchronises one feed source, or, for "", every source
	// that is due; FeedsEvery is how often the due sources are checked
	// (none when 0). Sources keep their own intervals in the database,
	// so a restart does not download again what is fresh.
	FeedSync   func(ctx context.Context, source string) error
	FeedsEvery time.Duration
	// Maintain removes what is no longer needed (processed change-log
	// entries, dispatched outbox events, old deliveries), hourly.
	Maintain func(ctx context.Context) error
	// Reporting opens the CRA reporting cases the re-match may have left
	// (a crash between the two, an upload, a lifecycle change) and writes
	// the deadline reminders that fell due, every ReportingEvery (a
	// minute when 0).
	Reporting      func(ctx context.Context) error
	ReportingEvery time.Duration
}

// Config sizes the engine.
type Config struct {
	// UploadWorkers is the number of uploads processed at once.
	UploadWorkers int
	// Poll is how often the watch and the outbox are checked for work
	// (default 1 s); FetchPoll how often River looks for available jobs
	// (default 200 ms).
	Poll, FetchPoll time.Duration
	// DeliveryAttempts bounds a webhook delivery's attempts (default 8:
	// River's backoff of attempt⁴ seconds gives up after about 80 min).
	DeliveryAttempts int
	// Retry, when set, replaces River's backoff (tests).
	Retry func(attempt int) time.Duration
	// ID names this process among the servers sharing the database.
	ID string
	// RescueAfter is how long a job may stay running before it is taken
	// as abandoned (its process died) and run again (default 11 min; a
	// job's run is limited to 10 min, or to RescueAfter when shorter).
	// Every job is idempotent, so a job run twice does no harm.
	RescueAfter time.Duration
	// Observe, when set, is told of every job run: its kind, how long it
	// waited after its scheduled time, how long it ran, and its error.
	Observe func(kind string, wait, run time.Duration, err error)
}

// Engine is the River client with rocca's workers.
type Engine struct {
	client *river.Client[*sql.Tx]
	db     *sql.DB
	h      Handlers
	cfg    Config
	log    *slog.Logger
	stop   context.CancelFunc
	wg     sync.WaitGroup
}

// Migrate creates or updates River's own tables in db (River migrates
// them with its own migrator; rocca's migrations cover rocca's tables).
func Migrate(ctx context.Context, db *sql.DB, engine string) error {
	m, err := rivermigrate.New(driver(db, engine), nil)
	if err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: migrate: %w", err)
	}
	return nil
}

func driver(db *sql.DB, engine string) riverdriver.Driver[*sql.Tx] {
	if engine == "postgres" {
		return riverdatabasesql.New(db)
	}
	return riversqlite.New(db)
}

// New migrates River's tables and builds the engine; Start runs it.
func New(ctx context.Context, db *sql.DB, engine string, cfg Config, h Handlers, log *slog.Logger) (*Engine, error) {
	if err := Migrate(ctx, db, engine); err != nil {
		return nil, err
	}
	if cfg.Poll <= 0 {
		cfg.Poll = time.Second
	}
	if cfg.FetchPoll <= 0 {
		cfg.FetchPoll = 200 * time.Millisecond
	}
	if cfg.DeliveryAttempts <= 0 {
		cfg.DeliveryAttempts = 8
	}
	e := &Engine{h: h, cfg: cfg, log: log, db: db}
	workers := river.NewWorkers()
	queues := map[string]river.QueueConfig{}
	var periodic []*river.PeriodicJob
	if h.Watch != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, _ *river.Job[WatchArgs]) error { return h.Watch(ctx) }))
		queues[QueueWatch] = river.QueueConfig{MaxWorkers: 1}
	}
	if h.Dispatch != nil || h.Deliver != nil {
		queues[QueueNotify] = river.QueueConfig{MaxWorkers: 4}
	}
	if h.Dispatch != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, _ *river.Job[DispatchArgs]) error {
			return h.Dispatch(ctx, e.EnqueueDeliveries)
		}))
	}
	if h.Deliver != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, j *river.Job[DeliverArgs]) error {
			return h.Deliver(ctx, j.Args.Delivery, j.Attempt >= j.MaxAttempts)
		}))
	}
	if h.Upload != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, j *river.Job[UploadArgs]) error {
			return h.Upload(ctx, j.Args.Org, j.Args.Token, j.Attempt >= j.MaxAttempts)
		}))
		queues[QueueUploads] = river.QueueConfig{MaxWorkers: max(cfg.UploadWorkers, 1)}
	}
	if h.FeedSync != nil {
		river.AddWorker(workers, &feedWorker{fn: observed(cfg.Observe, func(ctx context.Context, j *river.Job[FeedSyncArgs]) error {
			return h.FeedSync(ctx, j.Args.Source)
		})})
		// Two at a time: an exploited list is not held up by a large OSV
		// download.
		queues[QueueFeeds] = river.QueueConfig{MaxWorkers: 2}
		if h.FeedsEvery > 0 {
			periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(h.FeedsEvery),
				func() (river.JobArgs, *river.InsertOpts) {
					return FeedSyncArgs{}, &river.InsertOpts{Queue: QueueFeeds, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
				}, &river.PeriodicJobOpts{ID: "feeds-due", RunOnStart: true}))
		}
	}
	timeout, rescue := jobTimeout, jobTimeout+time.Minute
	if cfg.RescueAfter > 0 {
		rescue, timeout = cfg.RescueAfter, min(jobTimeout, cfg.RescueAfter)
	}
	if h.Maintain != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, _ *river.Job[MaintainArgs]) error { return h.Maintain(ctx) }))
		if _, ok := queues[QueueFeeds]; !ok {
			queues[QueueFeeds] = river.QueueConfig{MaxWorkers: 1}
		}
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(time.Hour),
			func() (river.JobArgs, *river.InsertOpts) {
				return MaintainArgs{}, &river.InsertOpts{Queue: QueueFeeds, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
			}, &river.PeriodicJobOpts{ID: "maintenance"}))
	}
	if h.Reporting != nil {
		river.AddWorker(workers, observed(cfg.Observe, func(ctx context.Context, _ *river.Job[ReportingArgs]) error { return h.Reporting(ctx) }))
		// With the watch (one worker): a case is opened by one of them at a time.
		queues[QueueWatch] = river.QueueConfig{MaxWorkers: 1}
		every := h.ReportingEvery
		if every <= 0 {
			every = time.Minute
		}
		periodic = append(periodic, river.NewPeriodicJob(river.PeriodicInterval(every),
			func() (river.JobArgs, *river.InsertOpts) {
				return ReportingArgs{}, &river.InsertOpts{Queue: QueueWatch, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}}
			}, &river.PeriodicJobOpts{ID: "reporting", RunOnStart: true}))
	}
	rc := &river.Config{
		ID:                   cfg.ID,
		Queues:               queues,
		Workers:              workers,
		PeriodicJobs:         periodic,
		Logger:               log.With("component", "jobs"),
		FetchPollInterval:    cfg.FetchPoll,
		FetchCooldown:        min(cfg.FetchPoll, 100*time.Millisecond),
		JobTimeout:           timeout,
		RescueStuckJobsAfter: rescue,
		PollOnly:             true,
	}
	if cfg.Retry != nil {
		rc.RetryPolicy = retryFunc(cfg.Retry)
	}
	if len(queues) == 0 {
		rc.Queues = nil
		rc.Workers = nil
	}
	client, err := river.NewClient(driver(db, engine), rc)
	if err != nil {
		return nil, fmt.Errorf("jobs: %w", err)
	}
	e.client = client
	return e, nil
}

// observed wraps a job function as a River worker that reports each run
// to observe.
func observed[T river.JobArgs](observe func(string, time.Duration, time.Duration, error), fn func(context.Context, *river.Job[T]) error) river.Worker[T] {
	return river.WorkFunc(func(ctx context.Context, j *river.Job[T]) error {
		start := time.Now()
		err := fn(ctx, j)
		if observe != nil {
			observe(j.Kind, start.Sub(j.ScheduledAt), time.Since(start), err)
		}
		return err
	})
}

// jobTimeout bounds one run of a job; feedTimeout one feed source's
// download and import (an OSV ecosystem's all.zip is large).
const (
	jobTimeout  = 10 * time.Minute
	feedTimeout = 2 * time.Hour
)

// feedWorker runs feed syncs with their own, longer timeout.
type feedWorker struct {
	river.WorkerDefaults[FeedSyncArgs]
	fn river.Worker[FeedSyncArgs]
}

func (w *feedWorker) Work(ctx context.Context, j *river.Job[FeedSyncArgs]) error {
	return w.fn.Work(ctx, j)
}

// Timeout implements river.Worker.
func (w *feedWorker) Timeout(*river.Job[FeedSyncArgs]) time.Duration { return feedTimeout }

// activeStates makes a job unique among the jobs waiting or running: a
// new one can be inserted once the previous one has finished.
var activeStates = []rivertype.JobState{rivertype.JobStateAvailable, rivertype.JobStatePending,
	rivertype.JobStateRunning, rivertype.JobStateScheduled, rivertype.JobStateRetryable}

type retryFunc func(attempt int) time.Duration

func (f retryFunc) NextRetry(j *rivertype.JobRow) time.Time {
	return time.Now().Add(f(j.Attempt))
}

// Start runs the workers and the poll until Stop. ctx's values are kept,
// not its cancellation: jobs are stopped by Stop, which lets running ones
// finish.
func (e *Engine) Start(ctx context.Context) error {
	ctx = context.WithoutCancel(ctx)
	if err := e.client.Start(ctx); err != nil {
		return fmt.Errorf("jobs: start: %w", err)
	}
	pctx, cancel := context.WithCancel(ctx)
	e.stop = cancel
	e.wg.Go(func() { e.poll(pctx) })
	return nil
}

// Stop stops polling and fetching, lets running jobs finish within ctx,
// then cancels those still running (they run again later: every job is
// idempotent). Jobs not started stay in the database for the next start.
func (e *Engine) Stop(ctx context.Context) error {
	if e.stop != nil {
		e.stop()
	}
	e.wg.Wait()
	err := e.client.Stop(ctx)
	if err == nil || errors.Is(err, context.Canceled) && ctx.Err() == nil {
		return nil
	}
	// Out of time: cancel the running jobs and wait a little for them.
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if cerr := e.client.StopAndCancel(cctx); cerr != nil && !errors.Is(cerr, context.Canceled) {
		err = errors.Join(err, cerr)
	}
	return fmt.Errorf("jobs: stop: %w", err)
}

// poll kicks the watch and the dispatch when they have work.
func (e *Engine) poll(ctx context.Context) {
	t := time.NewTicker(e.cfg.Poll)
	defer t.Stop()
	for {
		e.Kick(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Kick inserts the watch and dispatch jobs if they have work (unique: at
// most one of each waits or runs).
func (e *Engine) Kick(ctx context.Context) {
	kick := func(pending func(context.Context) (bool, error), args river.JobArgs, queue string) {
		if pending == nil {
			return
		}
		ok, err := pending(ctx)
		if err != nil {
			if ctx.Err() == nil {
				e.log.Warn("jobs: poll", "queue", queue, "error", err)
			}
			return
		}
		if !ok {
			return
		}
		_, err = e.client.Insert(ctx, args, &river.InsertOpts{Queue: queue, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}})
		if err != nil && ctx.Err() == nil {
			e.log.Warn("jobs: insert", "queue", queue, "error", err)
		}
	}
	if e.h.Watch != nil {
		kick(e.h.WatchPending, WatchArgs{}, QueueWatch)
	}
	if e.h.Dispatch != nil {
		kick(e.h.DispatchPending, DispatchArgs{}, QueueNotify)
	}
}

// EnqueueDeliveries inserts a delivery job for each delivery in tx, the
// most urgent events first (DeliveryPriority).
func (e *Engine) EnqueueDeliveries(ctx context.Context, tx *sql.Tx, ds []model.DeliveryRef) error {
	params := make([]river.InsertManyParams, len(ds))
	for i, d := range ds {
		params[i] = river.InsertManyParams{Args: DeliverArgs{Delivery: d.ID}, InsertOpts: &river.InsertOpts{
			Queue: QueueNotify, MaxAttempts: e.cfg.DeliveryAttempts, Priority: DeliveryPriority(d.EventType),
			UniqueOpts: river.UniqueOpts{ByArgs: true}}}
	}
	_, err := e.client.InsertManyTx(ctx, tx, params)
	return err
}

// DeliveryPriority is River's priority (1 first, 4 last) of a delivery by
// its event type: a vulnerability becoming known-exploited (what starts the
// CRA's 24-hour clock) and uploads first, new findings next, the rest
// after; so that a backlog of notifications after a bulk change does not
// hold up the urgent ones.
func DeliveryPriority(eventType string) int {
	switch eventType {
	case "finding.exploited", "upload.processed", "upload.failed":
		return 1
	case "finding.new", "finding.severity_changed", "finding.fix_available", "finding.analysis_review":
		return 2
	default:
		return 3
	}
}

// EnqueueUpload inserts the job of a queued upload in tx (the transaction
// that records the upload).
func (e *Engine) EnqueueUpload(ctx context.Context, tx *sql.Tx, org, token string) error {
	_, err := e.client.InsertTx(ctx, tx, UploadArgs{Org: org, Token: token}, &river.InsertOpts{
		Queue: QueueUploads, MaxAttempts: 10, UniqueOpts: river.UniqueOpts{ByArgs: true}})
	return err
}

// SyncFeed inserts a feed sync job now (unique per source while waiting
// or running).
func (e *Engine) SyncFeed(ctx context.Context, source string) error {
	_, err := e.client.Insert(ctx, FeedSyncArgs{Source: source}, &river.InsertOpts{
		Queue: QueueFeeds, UniqueOpts: river.UniqueOpts{ByArgs: true, ByState: activeStates}})
	return err
}

// QueueDepth returns the number of jobs waiting (available, scheduled or
// retryable) per queue, for metrics: one counting query on River's table.
func (e *Engine) QueueDepth(ctx context.Context) (map[string]int, error) {
	rows, err := e.db.QueryContext(ctx, `SELECT queue, COUNT(*) FROM river_job
		WHERE state IN ('available', 'scheduled', 'retryable') GROUP BY queue`)
	if err != nil {
		return nil, fmt.Errorf("jobs: queue depth: %w", err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var q string
		var n int
		if err := rows.Scan(&q, &n); err != nil {
			return nil, fmt.Errorf("jobs: queue depth: %w", err)
		}
		out[q] = n
	}
	return out, rows.Err()
}

// WatchArgs is the job that processes the knowledge-base change log.
type WatchArgs struct{}

// Kind implements river.JobArgs.
func (WatchArgs) Kind() string { return "rocca.watch" }

// DispatchArgs is the job that turns outbox events into deliveries.
type DispatchArgs struct{}

// Kind implements river.JobArgs.
func (DispatchArgs) Kind() string { return "rocca.dispatch" }

// DeliverArgs is the job that sends one webhook delivery.
type DeliverArgs struct {
	Delivery string `json:"delivery"`
}

// Kind implements river.JobArgs.
func (DeliverArgs) Kind() string { return "rocca.deliver" }

// UploadArgs is the job that processes one queued upload.
type UploadArgs struct {
	Org   string `json:"org"`
	Token string `json:"token"`
}

// Kind implements river.JobArgs.
func (UploadArgs) Kind() string { return "rocca.upload" }

// FeedSyncArgs is the job that synchronises one feed source, or, when
// Source is empty, the check that inserts one such job per due source.
type FeedSyncArgs struct {
	Source string `json:"source,omitempty"`
}

// Kind implements river.JobArgs.
func (FeedSyncArgs) Kind() string { return "rocca.feed_sync" }

// ReportingArgs is the periodic job of the CRA reporting cases: opening
// and reminders.
type ReportingArgs struct{}

// Kind implements river.JobArgs.
func (ReportingArgs) Kind() string { return "rocca.reporting" }

// MaintainArgs is the hourly job that removes what is no longer needed.
type MaintainArgs struct{}

// Kind implements river.JobArgs.
func (MaintainArgs) Kind() string { return "rocca.maintain" }
