package store

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Analyses stores triage decisions (the append-only analysis history) and
// the effective decision of each finding. Every method is scoped to org
// except ReviewDueOrgs (the periodic job's).
type Analyses interface {
	// Triage runs fn in one transaction scoped to org: when fn returns an
	// error nothing it wrote is kept.
	Triage(ctx context.Context, org string, fn func(AnalysisTx) error) error
	// Analysis returns one decision, or ErrNotFound.
	Analysis(ctx context.Context, org, id string) (model.Analysis, error)
	// AnalysesOfVulnerability returns every decision recorded about a
	// vulnerability known under any of ids, oldest first.
	AnalysesOfVulnerability(ctx context.Context, org string, ids []string) ([]model.Analysis, error)
	// AnalysesOfPackage returns every decision recorded for a package key,
	// oldest first.
	AnalysesOfPackage(ctx context.Context, org, pkgKey string) ([]model.Analysis, error)
	// FindingProduct returns a finding (its analysis filled in) and the
	// id of its product, or ErrNotFound.
	FindingProduct(ctx context.Context, org, findingID string) (model.TrackedFinding, string, error)
	// SelectFindings returns the ids of up to limit findings of org that
	// the filter selects, in id order.
	SelectFindings(ctx context.Context, org string, f FindingFilter, limit int) ([]string, error)
	// ReviewDueOrgs lists the organisations having open findings not yet
	// flagged for review whose effective decision's review date is at or
	// before at.
	ReviewDueOrgs(ctx context.Context, at time.Time) ([]string, error)
}

// FindingFilter selects findings across an organisation (bulk triage).
// Empty fields select everything.
type FindingFilter struct {
	ProductID string
	VersionID string
	// Vulnerability is any id of the vulnerability.
	Vulnerability string
	// Package is the finding's OSV package name.
	Package     string
	MinSeverity model.Rating
	State       model.FindingState
	// Analysis keeps findings whose effective status is one of these
	// ("none" for untriaged ones).
	Analysis []string
}

// TriageTarget is a finding as a triage decision sees it.
type TriageTarget struct {
	model.TrackedFinding
	ProductID string
}

// AnalysisSet is a finding's new effective decision.
type AnalysisSet struct {
	FindingID string
	Analysis  *model.Analysis
}

// AnalysisTx is the write side of recording triage decisions.
type AnalysisTx interface {
	// TriageTargets returns the findings with those ids (with their
	// product), locked for update where the engine supports it; ids not
	// found are left out.
	TriageTargets(ctx context.Context, ids []string) ([]TriageTarget, error)
	// LockVersions locks, where the engine supports it, the versions whose
	// findings decisions may reach (the given versions, every version of
	// the given products, or every version of org when all is true), in
	// the order every locker of several versions takes them, then org's
	// decisions (which a reconciliation reads shared): an upload or a
	// re-match then reconciles either before (its new findings are read as
	// candidates) or after (they inherit the decisions), and never
	// deadlocks with the triage. Call it before reading candidates.
	LockVersions(ctx context.Context, versionIDs, productIDs []string, all bool) error
	// TriageCandidates returns the findings of org whose OSV package is
	// one of packages, other than those of the ids in exclude, with their
	// product. Only what deciding whether a decision reaches a finding
	// needs is filled in: id, version, component (name, version, purl),
	// ecosystem, package, vulnerability ids and the effective decision's
	// id and scope; TriageTargets reads the whole findings.
	TriageCandidates(ctx context.Context, packages, exclude []string) ([]TriageTarget, error)
	// AddAnalyses appends decisions to the history, in order.
	AddAnalyses(ctx context.Context, as []model.Analysis) error
	// SetAnalyses makes decisions the effective ones of findings and
	// clears their review flags.
	SetAnalyses(ctx context.Context, sets []AnalysisSet) error
	// ReviewDue returns up to limit open findings, not yet flagged for
	// review, whose effective decision's review date is at or before at,
	// with their product and their whole decision, in id order.
	ReviewDue(ctx context.Context, at time.Time, limit int) ([]TriageTarget, error)
	// FlagReview flags findings' decisions for review, with the reason.
	FlagReview(ctx context.Context, flags []model.ReviewFlag) error
	// AddEvents appends finding events.
	AddEvents(ctx context.Context, evs []model.FindingEvent) error
	// AddOutbox writes notification events.
	AddOutbox(ctx context.Context, evs []model.OutboxEvent) error
}
