package store

import (
	"context"

	"github.com/rocca-project/rocca/internal/model"
)

// FindingsReader reads an organisation's findings and their history. They
// are written in an ingestion's transaction (IngestTx).
type FindingsReader interface {
	// Findings returns one page of a version's findings.
	Findings(ctx context.Context, org string, q FindingQuery) (FindingPage, error)
	// FindingEvents returns up to limit events of a version with a
	// sequence number above after, oldest first.
	FindingEvents(ctx context.Context, org, versionID string, after int64, limit int) ([]model.FindingEvent, error)
	// EffectiveStatus returns the status of a finding's effective triage
	// decision ("" when untriaged, which counts as affected), or
	// ErrNotFound. model.SettledStatus tells whether it is not_affected or
	// fixed: such a finding needs no action and opens no case.
	EffectiveStatus(ctx context.Context, org, findingID string) (model.Status, error)
	// FindingSummary counts a version's open findings by effective
	// status, severity and review.
	FindingSummary(ctx context.Context, org, versionID string) (model.FindingSummary, error)
}

// FindingSort orders a findings list.
type FindingSort string

// Finding orders. Ties are broken by finding id.
const (
	// SortSeverity: most severe first (rating, then score).
	SortSeverity FindingSort = "severity"
	// SortEPSS: highest EPSS score first.
	SortEPSS FindingSort = "epss"
	// SortFirstSeen: newest first.
	SortFirstSeen FindingSort = "first_seen"
	// SortComponent: by component key, then vulnerability id.
	SortComponent FindingSort = "component"
)

// FindingQuery selects a page of a version's findings.
type FindingQuery struct {
	VersionID string
	// MinSeverity keeps findings rated at least this (by Rating.Rank);
	// empty keeps all.
	MinSeverity model.Rating
	// KEV, when set, keeps only findings whose KEV flag equals *KEV.
	KEV *bool
	// MinEPSS keeps findings with an EPSS score ≥ MinEPSS.
	MinEPSS float64
	// State keeps findings in that state; empty keeps all.
	State model.FindingState
	// Analysis keeps findings whose effective status is one of these
	// (model.Status values, or AnalysisNone for untriaged ones); empty
	// keeps all.
	Analysis []string
	// Actionable keeps only findings whose effective status is neither
	// not_affected nor fixed (what a --fail-on policy looks at).
	Actionable bool
	// NeedsReview keeps only findings whose decision needs review (facts
	// changed, or its review date passed).
	NeedsReview bool
	Sort        FindingSort
	// Cursor continues a previous page (FindingPage.Next) of the same query.
	Cursor string
	// Limit is the page size (1 or more).
	Limit int
}

// AnalysisNone selects untriaged findings in FindingQuery.Analysis.
const AnalysisNone = "none"

// FindingPage is one page of findings.
type FindingPage struct {
	Findings []model.TrackedFinding
	// Next is the cursor of the following page; empty on the last page.
	Next string
}
