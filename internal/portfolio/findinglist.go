package portfolio

import (
	"context"
	"math"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Findings returns a page of the findings of one of org's versions
// (q.VersionID); ErrNotFound when the version is not org's. The page size
// must be 1 to MaxPageLimit, the EPSS bound 0 to 1, the state and the
// sort known ones (empty for any and the default); the cursor is one the
// same query gave.
func (s *Service) Findings(ctx context.Context, org string, q store.FindingQuery) (store.FindingPage, error) {
	if _, err := s.store.Version(ctx, org, q.VersionID); err != nil {
		return store.FindingPage{}, err
	}
	if err := checkFindingQuery(q); err != nil {
		return store.FindingPage{}, err
	}
	return s.store.Findings(ctx, org, q)
}

// checkFindingQuery applies the rules of a findings query.
func checkFindingQuery(q store.FindingQuery) error {
	if err := checkLimit(q.Limit); err != nil {
		return err
	}
	if math.IsNaN(q.MinEPSS) || q.MinEPSS < 0 || q.MinEPSS > 1 {
		return inputf("portfolio.epss", "epss_min: want a number from 0 to 1")
	}
	switch q.State {
	case "", model.FindingOpen, model.FindingResolved:
	default:
		return inputf("portfolio.state", "state: want open or resolved")
	}
	for _, a := range q.Analysis {
		if a != store.AnalysisNone && !model.Status(a).Valid() {
			return inputf("portfolio.analysis", "analysis: %q is not one of none, under_investigation, affected, not_affected, fixed", a)
		}
	}
	switch q.Sort {
	case "", store.SortSeverity, store.SortEPSS, store.SortFirstSeen, store.SortComponent:
	default:
		return inputf("portfolio.sort", "sort: want severity, epss, first_seen or component")
	}
	return checkCursor(q.Cursor)
}

// FindingSummary counts the open findings of one of org's versions by
// effective triage status, severity and review; ErrNotFound when the
// version is not org's.
func (s *Service) FindingSummary(ctx context.Context, org, versionID string) (model.FindingSummary, error) {
	if _, err := s.store.Version(ctx, org, versionID); err != nil {
		return model.FindingSummary{}, err
	}
	return s.store.FindingSummary(ctx, org, versionID)
}

// OpenFindings returns every open finding of one of org's versions, by
// component then vulnerability id; ErrNotFound when the version is not
// org's. It reads them a page of MaxPageLimit at a time.
func (s *Service) OpenFindings(ctx context.Context, org, versionID string) ([]model.TrackedFinding, error) {
	if _, err := s.store.Version(ctx, org, versionID); err != nil {
		return nil, err
	}
	var out []model.TrackedFinding
	q := store.FindingQuery{VersionID: versionID, State: model.FindingOpen, Sort: store.SortComponent, Limit: MaxPageLimit}
	for {
		page, err := s.store.Findings(ctx, org, q)
		if err != nil {
			return nil, err
		}
		out = append(out, page.Findings...)
		if page.Next == "" {
			return out, nil
		}
		q.Cursor = page.Next
	}
}

// EventPage is one page of a version's finding events.
type EventPage struct {
	Events []model.FindingEvent
	// Next is the cursor of the following page; empty on the last page.
	Next string
}

// FindingEvents returns a page of the finding events of one of org's
// versions, oldest first, after the cursor (the sequence number of the
// last event of the previous page); ErrNotFound when the version is not
// org's.
func (s *Service) FindingEvents(ctx context.Context, org, versionID, cursor string, limit int) (EventPage, error) {
	v, err := s.store.Version(ctx, org, versionID)
	if err != nil {
		return EventPage{}, err
	}
	if err := checkLimit(limit); err != nil {
		return EventPage{}, err
	}
	var after int64
	if cursor != "" {
		if after, err = decodeSeqCursor(cursor); err != nil {
			return EventPage{}, err
		}
	}
	// One more than asked tells whether a page follows.
	evs, err := s.store.FindingEvents(ctx, org, v.ID, after, limit+1)
	if err != nil {
		return EventPage{}, err
	}
	page := EventPage{Events: evs[:min(limit, len(evs))]}
	if len(evs) > limit {
		page.Next = encodeSeqCursor(evs[limit-1].Seq)
	}
	return page, nil
}
