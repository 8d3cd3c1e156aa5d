package portfolio

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is the storage the service needs, by concern: the tenant-scoped
// portfolio (every part of store.Portfolio), the administrative tenants
// view, vulnerability look-ups, and what the findings service it runs
// ingestions through needs (the knowledge base among it).
type Store interface {
	store.Catalogue
	store.SBOMs
	store.FindingsReader
	store.Keys
	store.UploadTokens
	store.Ingester
	store.Tenants
	store.AliasIndex
	store.UploadQueue
	store.Overview
	findings.Store
}

// Service implements the portfolio's use cases. Its store is unexported:
// the use cases are the only door to the portfolio, so that their rules
// (validation, paging, findings and notifications) cannot be bypassed.
type Service struct {
	store Store
	Log   *slog.Logger
	// Limits bound the SBOM reader.
	Limits sbom.Limits
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// dash caches the organisations' dashboard figures (nil: none).
	dash *dashCache
	// OnIngested, when set, is called after an SBOM upload has been
	// stored and made current (not for a duplicate of the current one):
	// the audit log's hook. It runs in the request's context for
	// synchronous uploads and in the worker's for queued ones.
	OnIngested func(ctx context.Context, org string, res IngestResult)
}

// New returns a service on st.
func New(st Store, log *slog.Logger, lim sbom.Limits) *Service {
	return &Service{store: st, Log: log, Limits: lim, dash: &dashCache{}}
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

func (s *Service) matcher() *match.Matcher { return &match.Matcher{KB: s.store, CountUnmatched: true} }

// findings returns the findings use cases on the service's store and clock.
func (s *Service) findings() *findings.Service {
	return findings.New(s.store, s.Log, func() time.Time { return s.now() })
}

// InputError is a problem with what the client sent (an invalid SBOM, a
// bad field), as opposed to a failure of rocca.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err is an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// inputf returns an InputError worded in English by format, coded for
// translation (msg.Of finds the code).
func inputf(code, format string, a ...any) error {
	return &InputError{Err: msg.Errorf(code, format, a...)}
}

// ErrBusy is returned when the upload queue is full.
var ErrBusy = errors.New("upload queue is full; retry later")

// ErrShuttingDown is returned for work submitted during shutdown.
var ErrShuttingDown = errors.New("server is shutting down")
