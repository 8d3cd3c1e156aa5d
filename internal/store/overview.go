package store

import (
	"context"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// Overview reads an organisation's findings across all its products: the
// web application's dashboard, its organisation-wide findings list and a
// finding's own page.
type Overview interface {
	// OrgFindings returns one page of the organisation's findings,
	// optionally narrowed to one product or version.
	OrgFindings(ctx context.Context, org string, q OrgFindingQuery) (OrgFindingPage, error)
	// Finding returns one of org's findings by id, or ErrNotFound.
	Finding(ctx context.Context, org, id string) (model.TrackedFinding, error)
	// FindingHistory returns up to limit events of one finding, oldest
	// first.
	FindingHistory(ctx context.Context, org, findingID string, limit int) ([]model.FindingEvent, error)
	// OpenFindingStats counts the organisation's open findings per
	// product, severity rank, KEV flag and settlement (effective status
	// not_affected or fixed):
	// the dashboard's counts and its products by urgency, in one read.
	OpenFindingStats(ctx context.Context, org string) ([]FindingStat, error)
	// LatestFindingEvent returns the time of the organisation's latest
	// finding event (zero when none): every change of a finding's state,
	// severity, exploitation or fixes writes one, so it tells whether
	// figures computed from the findings are still current.
	LatestFindingEvent(ctx context.Context, org string) (time.Time, error)
	// EventCounts counts the organisation's finding events per UTC day
	// and kind since since.
	EventCounts(ctx context.Context, org string, since time.Time) ([]DayEvents, error)
}

// SortKEV orders known-exploited findings first, then by EPSS score.
const SortKEV FindingSort = "kev"

// OrgFindingQuery selects a page of an organisation's findings.
type OrgFindingQuery struct {
	FindingQuery
	// ProductID, when set, keeps the findings of that product's versions
	// (FindingQuery.VersionID, when set, keeps one version's).
	ProductID string
	// FixAvailable, when set, keeps findings with (true) or without
	// (false) known fixed versions.
	FixAvailable *bool
	// Search, when set, keeps findings whose vulnerability id, component
	// name or package contains it (case-insensitively for ASCII).
	Search string
	// ComponentKey, when set, keeps one component's findings.
	ComponentKey string
	// Decisions reads each finding's whole effective decision (where it
	// came from, its review date), not only its status and scope.
	Decisions bool
}

// OrgFinding is a finding with the names of its product and version.
type OrgFinding struct {
	model.TrackedFinding
	ProductID   string
	ProductName string
	VersionName string
}

// OrgFindingPage is one page of an organisation's findings.
type OrgFindingPage struct {
	Findings []OrgFinding
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// ProductRisk is a product's open findings by urgency, counting only
// those that still need work (effective status neither not_affected nor
// fixed); Triaged counts the others.
type ProductRisk struct {
	ProductID, ProductName    string
	Open, KEV, Critical, High int
	Triaged                   int
}

// DayEvents counts the finding events of one kind on one UTC day.
type DayEvents struct {
	Day  time.Time
	Kind model.FindingEventKind
	N    int
}

// FindingStat counts a product's open findings of one severity rank
// (model.Rating.Rank), KEV flag and settlement: Settled counts those
// whose effective status is not_affected or fixed (triaged, no open
// work).
type FindingStat struct {
	ProductID, ProductName string
	Rank                   int
	KEV                    bool
	Settled                bool
	N                      int
}
