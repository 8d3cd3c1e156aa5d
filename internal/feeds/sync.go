package feeds

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/rocca-project/rocca/internal/kb"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is what the sync needs of the database.
type Store interface {
	store.KnowledgeBase
	store.Feeds
}

// Syncer downloads the feeds of a Config into a knowledge base.
type Syncer struct {
	cfg    Config
	store  Store
	client *http.Client
	log    *slog.Logger
	now    func() time.Time
	// owner names this syncer in the sources' leases.
	owner string
}

// New returns a Syncer. client nil means http.DefaultClient, log nil
// discards, now nil means time.Now.
func New(cfg Config, st Store, client *http.Client, log *slog.Logger, now func() time.Time) *Syncer {
	if client == nil {
		client = http.DefaultClient
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if now == nil {
		now = time.Now
	}
	if cfg.Lease <= 0 {
		cfg.Lease = DefaultLease
	}
	if cfg.Limits == (kb.Limits{}) {
		cfg.Limits = kb.DefaultLimits()
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	host, _ := os.Hostname()
	return &Syncer{cfg: cfg, store: st, client: client, log: log, now: now,
		owner: fmt.Sprintf("%s/%d/%s", host, os.Getpid(), hex.EncodeToString(b[:]))}
}

// Result is the outcome of syncing one source.
type Result struct {
	Source string `json:"source"`
	// NotModified: the server answered 304, nothing was downloaded.
	NotModified bool `json:"notModified,omitempty"`
	// Skipped says why nothing was done (another process holds the
	// source); "" otherwise.
	Skipped string `json:"skipped,omitempty"`
	// Bytes were downloaded.
	Bytes int64 `json:"bytes,omitempty"`
	// Report is the import's, when the download was imported.
	Report   *kb.FileReport `json:"report,omitempty"`
	Duration time.Duration  `json:"duration"`
	// Err is the error's text when the sync failed.
	Err string `json:"error,omitempty"`
}

// Changed reports whether the sync changed the knowledge base.
func (r Result) Changed() bool {
	return r.Report != nil && r.Report.New+r.Report.Updated+r.Report.Removed > 0
}

// Sync downloads one source (by name, see Sources) and imports it when it
// changed. A failure leaves the knowledge base as it was, is recorded in
// the source's state and returned. When another process is syncing the
// source the result says so (Skipped) and the error is nil.
func (s *Syncer) Sync(ctx context.Context, source string) (Result, error) {
	for _, src := range Sources(s.cfg) {
		if src.Name == source {
			return s.sync(ctx, src)
		}
	}
	return Result{Source: source}, fmt.Errorf("unknown feed source %q (configured: %s)", source, sourceNames(Sources(s.cfg)))
}

// SyncAll syncs every configured source in turn; a failure does not stop
// the others. The error joins the failures.
func (s *Syncer) SyncAll(ctx context.Context) ([]Result, error) {
	return s.SyncSources(ctx, Sources(s.cfg))
}

// SyncDue syncs the sources whose interval has passed since their last
// success (or that never succeeded).
func (s *Syncer) SyncDue(ctx context.Context) ([]Result, error) {
	sts, err := s.Status(ctx)
	if err != nil {
		return nil, err
	}
	var due []Source
	for _, st := range sts {
		if st.Due {
			due = append(due, st.source)
		}
	}
	return s.SyncSources(ctx, due)
}

// SyncSources syncs the given sources in turn.
func (s *Syncer) SyncSources(ctx context.Context, srcs []Source) ([]Result, error) {
	var out []Result
	var errs []error
	for _, src := range srcs {
		if err := ctx.Err(); err != nil {
			errs = append(errs, err)
			break
		}
		r, err := s.sync(ctx, src)
		out = append(out, r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", src.Name, err))
		}
	}
	return out, errors.Join(errs...)
}

func (s *Syncer) sync(ctx context.Context, src Source) (res Result, err error) {
	start := s.now()
	res.Source = src.Name
	defer func() { res.Duration = s.now().Sub(start) }()
	ok, err := s.store.ClaimFeed(ctx, src.Name, s.owner, start, start.Add(s.cfg.Lease))
	if err != nil {
		return res, err
	}
	if !ok {
		res.Skipped = "another process is syncing this source"
		s.log.Info("feed sync skipped: another process is syncing it", "source", src.Name)
		return res, nil
	}
	defer func() {
		if rerr := s.store.ReleaseFeed(context.WithoutCancel(ctx), src.Name, s.owner); rerr != nil && err == nil {
			err = rerr
		}
	}()
	prev, err := s.store.FeedState(ctx, src.Name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return res, err
	}
	prev.Source = src.Name
	err = s.fetchAndImport(ctx, src, prev, start, &res)
	if err != nil {
		res.Err = err.Error()
		failed := prev
		failed.LastAttempt, failed.LastError, failed.LastErrorAt = start, err.Error(), s.now()
		if serr := s.store.SaveFeedState(context.WithoutCancel(ctx), failed); serr != nil {
			s.log.Error("feed state not saved", "source", src.Name, "error", serr)
		}
		s.log.Error("feed sync failed, knowledge base unchanged", "source", src.Name, "url", src.URL, "error", err)
		return res, err
	}
	return res, nil
}

// fetchAndImport downloads src and imports it, saving its new state in the
// import transaction (or, for 304, on its own).
func (s *Syncer) fetchAndImport(ctx context.Context, src Source, prev store.FeedState, start time.Time, res *Result) error {
	dl, err := s.download(ctx, src, prev)
	if err != nil {
		return err
	}
	if dl.path != "" {
		defer os.Remove(dl.path)
	}
	next := prev
	next.URL, next.LastAttempt, next.LastSuccess, next.LastError, next.LastErrorAt = src.URL, start, s.now(), "", time.Time{}
	if dl.notModified {
		res.NotModified = true
		s.log.Info("feed unchanged", "source", src.Name)
		return s.store.SaveFeedState(ctx, next)
	}
	res.Bytes = dl.size
	if err := validate(dl.path, src.Format, s.cfg.Limits); err != nil {
		return fmt.Errorf("download of %s is not a valid %s: %w", src.URL, src.Format, err)
	}
	next.ETag, next.LastModified, next.Bytes = dl.etag, dl.lastModified, dl.size
	im := kb.NewImporter(s.store, s.log)
	im.Limits, im.Now = s.cfg.Limits, s.now
	im.Progress = s.progress(src.Name)
	fr, err := im.ImportFile(ctx, dl.path, src.Format, func(tx store.ImportTx, fr *kb.FileReport) error {
		if fr.New+fr.Updated+fr.Removed > 0 {
			next.LastChange = s.now()
		}
		return tx.SaveFeedState(ctx, next)
	})
	fr.Path = src.Name
	res.Report = fr
	if err != nil {
		return fmt.Errorf("import %s: %w", src.Name, err)
	}
	s.log.Info("feed imported", "source", src.Name, "bytes", dl.size, "new", fr.New, "updated", fr.Updated,
		"unchanged", fr.Unchanged, "removed", fr.Removed, "rejected", fr.Rejected)
	return nil
}

// progress logs an import's progress at most every ProgressEvery.
func (s *Syncer) progress(source string) kb.Progress {
	var last time.Time
	return func(_ string, done, total int) {
		now := s.now()
		if done != total && now.Sub(last) < s.cfg.ProgressEvery {
			return
		}
		last = now
		s.log.Info("feed import progress", "source", source, "records", done, "of", total)
	}
}
