package findings

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/uid"
)

// Tx is the write side a reconciliation needs, inside the caller's
// transaction (scoped to one organisation).
type Tx interface {
	// VersionFindings returns every finding of the version, open or resolved.
	VersionFindings(ctx context.Context, versionID string) ([]model.TrackedFinding, error)
	// PutFindings inserts or updates findings (by ID).
	PutFindings(ctx context.Context, fs []*model.TrackedFinding) error
	// AddEvents appends finding events, with their outbox entries.
	AddEvents(ctx context.Context, evs []model.FindingEvent) error
	// ApplicableAnalyses returns the triage decisions a new finding of
	// the product may inherit: the product's product-scope decisions and
	// the organisation-scope ones, of the package keys, in the order they
	// were recorded.
	ApplicableAnalyses(ctx context.Context, productID string, pkgKeys []string) ([]model.Analysis, error)
	// FlagReview marks existing findings' analyses as needing review.
	FlagReview(ctx context.Context, flags []model.ReviewFlag) error
}

// Scope tells what a reconciliation covers.
type Scope struct {
	ProductID, VersionID, SBOMID string
	// ComponentIDs maps a component key (Component.Key) to the id of its
	// stored component (the first, the root excluded). For an upload it
	// needs only the keys of the matched components; when Partial, it
	// holds every component that was matched again.
	ComponentIDs map[string]string
	// Partial limits the reconciliation to the findings of ComponentIDs'
	// keys: the version's other findings are left as they are.
	Partial bool
	// Withdrawn, when set, tells which of the given advisory ids are
	// withdrawn: a finding that stops matching because all its advisories
	// were withdrawn gets EventWithdrawn rather than EventResolved.
	Withdrawn func(ctx context.Context, ids []string) (map[string]bool, error)
	// Cause describes what triggered the reconciliation ("upload",
	// "knowledge base"); it is written into resolution details.
	Cause string
}

// Outcome counts what a reconciliation wrote.
type Outcome struct {
	// New, Changed and Resolved count events (Changed: every change kind,
	// Resolved: resolved and withdrawn); Open is the number of open
	// findings among those reconciled.
	New, Changed, Resolved, Open int
	// Review counts the findings whose decision was flagged for review.
	Review int
	Events []model.FindingEvent
}

type key struct{ component, vuln string }

// ComponentIDs maps each component key of comps to the id of its first
// stored component, the root excluded.
func ComponentIDs(comps []model.StoredComponent) map[string]string {
	ids := make(map[string]string, len(comps))
	for _, c := range comps {
		if _, ok := ids[c.Key()]; !ok && !c.Root {
			ids[c.Key()] = c.ID
		}
	}
	return ids
}

// Reconcile brings a version's findings in line with matched, the latest
// match of sc.Components: findings that appear are inserted (event new; a
// resolved one that matches again is reopened), findings whose facts
// changed get one event per change (exploited, severity_changed,
// fix_available, changed), and open findings of the scope that no longer
// match are resolved (event resolved, or withdrawn). Matched findings'
// last_seen moves to at. Nothing is written when nothing changed apart
// from last_seen and EPSS, which are updated silently.
func Reconcile(ctx context.Context, tx Tx, sc Scope, matched []model.Finding, at time.Time) (Outcome, error) {
	var out Outcome
	old, err := tx.VersionFindings(ctx, sc.VersionID)
	if err != nil {
		return out, err
	}
	compID := sc.ComponentIDs
	existing := make(map[key]*model.TrackedFinding, len(old))
	for i := range old {
		if sc.Partial {
			if _, in := compID[old[i].ComponentKey]; !in {
				continue
			}
		}
		existing[key{old[i].ComponentKey, old[i].VulnID}] = &old[i]
	}
	event := func(f *model.TrackedFinding, kind model.FindingEventKind, detail string) {
		out.Events = append(out.Events, model.FindingEvent{FindingID: f.ID, ProductID: sc.ProductID, VersionID: sc.VersionID,
			SBOMID: sc.SBOMID, Kind: kind, Detail: detail, At: at, Finding: f})
	}
	var put, fresh []*model.TrackedFinding
	var flags []model.ReviewFlag
	seen := make(map[key]bool, len(matched))
	for _, m := range matched {
		k := key{m.Component.Key(), m.Vulnerability.ID}
		if seen[k] {
			continue // the same component listed twice in the SBOM
		}
		seen[k] = true
		f := existing[k]
		var changes []change
		switch {
		case f == nil:
			// The id is made here so that the finding's event can refer to it.
			f = &model.TrackedFinding{ID: uid.New(), VersionID: sc.VersionID, ComponentKey: k.component, VulnID: k.vuln, FirstSeen: at}
			changes = []change{{model.EventNew, ""}}
			fresh = append(fresh, f)
		case f.State == model.FindingResolved:
			changes = []change{{model.EventNew, detailReopened().English}}
		default:
			changes = diff(f, m)
			if a := f.Analysis; a != nil {
				if causes := reviewCauses(f, m); len(causes) > 0 {
					why := model.JoinReview(causes)
					a.NeedsReview, a.ReviewReason = true, why
					flags = append(flags, model.ReviewFlag{FindingID: f.ID, Reason: why})
					changes = append(changes, change{model.EventAnalysisReview, ReviewDetail(a.Scope, a.Status, causes).English})
				}
			}
		}
		apply(f, m, compID[k.component], at)
		put = append(put, f)
		for _, c := range changes {
			event(f, c.kind, c.detail)
		}
		out.Open++
	}
	var gone []*model.TrackedFinding
	for k, f := range existing {
		if !seen[k] && f.State == model.FindingOpen {
			gone = append(gone, f)
		}
	}
	// Map order must not decide the order of events.
	slices.SortFunc(gone, func(a, b *model.TrackedFinding) int {
		return strings.Compare(a.ComponentKey+"\x00"+a.VulnID, b.ComponentKey+"\x00"+b.VulnID)
	})
	withdrawn, err := withdrawnOf(ctx, sc, gone)
	if err != nil {
		return out, err
	}
	for _, f := range gone {
		f.State, f.ResolvedAt = model.FindingResolved, at
		put = append(put, f)
		if allIn(f.Advisories, withdrawn) {
			event(f, model.EventWithdrawn, detailWithdrawn(f.Advisories).English)
			continue
		}
		cause := CauseSBOM
		if sc.Cause != "" {
			cause = sc.Cause
		}
		event(f, model.EventResolved, detailNoMatch(cause).English)
	}
	if err := inherit(ctx, tx, sc, fresh); err != nil {
		return out, err
	}
	if err := tx.PutFindings(ctx, put); err != nil {
		return out, err
	}
	if len(flags) > 0 {
		if err := tx.FlagReview(ctx, flags); err != nil {
			return out, err
		}
	}
	for _, e := range out.Events {
		switch e.Kind {
		case model.EventNew:
			out.New++
		case model.EventResolved, model.EventWithdrawn:
			out.Resolved++
		case model.EventAnalysisReview:
			out.Review++
		default:
			out.Changed++
		}
	}
	if len(out.Events) == 0 {
		return out, nil
	}
	return out, tx.AddEvents(ctx, out.Events)
}

func withdrawnOf(ctx context.Context, sc Scope, gone []*model.TrackedFinding) (map[string]bool, error) {
	if sc.Withdrawn == nil || len(gone) == 0 {
		return nil, nil
	}
	var ids []string
	for _, f := range gone {
		ids = append(ids, f.Advisories...)
	}
	slices.Sort(ids)
	w, err := sc.Withdrawn(ctx, slices.Compact(ids))
	if err != nil {
		return nil, fmt.Errorf("withdrawn advisories: %w", err)
	}
	return w, nil
}

func allIn(ids []string, set map[string]bool) bool {
	if len(ids) == 0 || len(set) == 0 {
		return false
	}
	for _, id := range ids {
		if !set[id] {
			return false
		}
	}
	return true
}

// apply copies the latest match into a tracked finding and marks it open.
func apply(f *model.TrackedFinding, m model.Finding, componentID string, at time.Time) {
	v := m.Vulnerability
	if componentID != "" {
		f.ComponentID = componentID
	}
	f.Component = model.Component{Name: m.Component.Name, Version: m.Component.Version, Group: m.Component.Group, PURL: m.Component.PURL}
	f.Ecosystem, f.Package = m.Ecosystem, m.Package
	f.VulnIDs, f.Advisories, f.Summary, f.Severity = v.IDs, m.Advisories, v.Summary, v.Severity
	f.KEV, f.KEVAdded = v.KnownExploited(), firstListed(v)
	f.EPSS, f.EPSSPercentile = 0, 0
	if v.EPSS != nil {
		f.EPSS, f.EPSSPercentile = v.EPSS.Score, v.EPSS.Percentile
	}
	f.FixedVersions = m.FixedVersions
	f.State, f.ResolvedAt, f.LastSeen = model.FindingOpen, time.Time{}, at
}

// firstListed is the earliest date a known-exploited list added the
// vulnerability (zero when none says).
func firstListed(v model.Vulnerability) time.Time {
	var first time.Time
	for _, m := range v.ExploitedMarks() {
		if !m.DateAdded.IsZero() && (first.IsZero() || m.DateAdded.Before(first)) {
			first = m.DateAdded
		}
	}
	return first
}

// listings says which lists mark the vulnerability exploited, and since
// when: "CISA KEV since 2026-12-06; EU KEV since 2026-12-05".
func listings(v model.Vulnerability) msg.List {
	names := map[string]string{model.ExploitedCISAKEV: "CISA KEV", model.ExploitedEUKEV: "EU KEV", model.ExploitedEUVD: "EUVD"}
	var parts msg.List
	for _, m := range v.ExploitedMarks() {
		p := names[m.Source]
		if p == "" {
			p = m.Source
		}
		parts = append(parts, listing(p, m.DateAdded))
	}
	return parts
}

type change struct {
	kind   model.FindingEventKind
	detail string
}

// diff describes what differs between a tracked finding and its latest
// match in ways that matter for triage (exploitation, severity, fixes),
// one change each; EPSS moves daily and is updated silently.
func diff(f *model.TrackedFinding, m model.Finding) []change {
	var out []change
	v := m.Vulnerability
	if kev := v.KnownExploited(); f.KEV != kev {
		if kev {
			out = append(out, change{model.EventExploited, detailExploited(listings(v)).English})
		} else {
			out = append(out, change{model.EventChanged, detailNotExploited().English})
		}
	}
	if f.Severity.Rating != v.Severity.Rating || f.Severity.Score != v.Severity.Score {
		out = append(out, change{model.EventSeverity, detailSeverity(f.Severity, v.Severity).English})
	}
	if !slices.Equal(f.FixedVersions, m.FixedVersions) {
		kind := model.EventChanged
		if len(f.FixedVersions) == 0 {
			kind = model.EventFixAvailable
		}
		out = append(out, change{kind, detailFixed(f.FixedVersions, m.FixedVersions).English})
	}
	return out
}

// inherit gives each new finding the triage decision that applies to it
// (product-wide before organisation-wide), read in one query.
func inherit(ctx context.Context, tx Tx, sc Scope, fresh []*model.TrackedFinding) error {
	if len(fresh) == 0 {
		return nil
	}
	keys := make([]string, 0, len(fresh))
	targets := make([]Target, len(fresh))
	for i, f := range fresh {
		targets[i] = Target{Finding: f, ProductID: sc.ProductID, PkgKey: PackageKey(f)}
		keys = append(keys, targets[i].PkgKey)
	}
	slices.Sort(keys)
	decisions, err := tx.ApplicableAnalyses(ctx, sc.ProductID, slices.Compact(keys))
	if err != nil || len(decisions) == 0 {
		return err
	}
	for _, t := range targets {
		if a := Choose(decisions, t); a != nil {
			t.Finding.Analysis = &model.FindingAnalysis{Analysis: *a, Inherited: true}
		}
	}
	return nil
}

// reviewCauses say why a finding's decision needs review after its latest
// match (it became known exploited, a fix appeared, its severity rose):
// none when it does not.
func reviewCauses(f *model.TrackedFinding, m model.Finding) []msg.Text {
	var why []msg.Text
	v := m.Vulnerability
	if v.KnownExploited() && !f.KEV {
		why = append(why, model.ReviewKEV())
	}
	if len(f.FixedVersions) == 0 && len(m.FixedVersions) > 0 {
		why = append(why, model.ReviewFix(m.FixedVersions))
	}
	if r, old := v.Severity.Rating.Rank(), f.Severity.Rating.Rank(); r > old || (r == old && v.Severity.Score > f.Severity.Score) {
		why = append(why, model.ReviewSeverity(f.Severity, v.Severity))
	}
	return why
}
