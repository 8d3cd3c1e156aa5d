package portfolio

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/uid"
)

// findingKey identifies a finding of a version across uploads: the
// component (by its purl, or name@version) and the vulnerability (by its
// alias group's preferred id).
type findingKey struct{ component, vuln string }

// reconcile brings the version's findings in line with the latest match:
// findings that appear are inserted (event new; a resolved finding that
// matches again is reopened, also event new), findings whose severity or
// KEV status changed get event changed, and open findings that no longer
// match are resolved (event resolved). Every matched finding's last_seen
// moves to at. compID gives the stored component of each matched
// component key.
func (s *Service) reconcile(ctx context.Context, tx store.IngestTx, res *IngestResult, compID map[string]string, matched []model.Finding, at time.Time) error {
	versionID, sbomID := res.SBOM.VersionID, res.SBOM.ID
	old, err := tx.VersionFindings(ctx, versionID)
	if err != nil {
		return err
	}
	existing := make(map[findingKey]*model.TrackedFinding, len(old))
	for i := range old {
		existing[findingKey{old[i].ComponentKey, old[i].VulnID}] = &old[i]
	}
	var events []model.FindingEvent
	event := func(f *model.TrackedFinding, kind model.FindingEventKind, detail string) {
		events = append(events, model.FindingEvent{FindingID: f.ID, VersionID: versionID, SBOMID: sbomID, Kind: kind, Detail: detail, At: at})
	}
	var put []*model.TrackedFinding
	seen := make(map[findingKey]bool, len(matched))
	for _, m := range matched {
		k := findingKey{m.Component.Key(), m.Vulnerability.ID}
		if seen[k] {
			continue // the same component listed twice in the SBOM
		}
		seen[k] = true
		f := existing[k]
		var kind model.FindingEventKind
		var detail string
		switch {
		case f == nil:
			// The id is made here so that the finding's event can refer to it.
			f = &model.TrackedFinding{ID: uid.New(), VersionID: versionID, ComponentKey: k.component, VulnID: k.vuln, FirstSeen: at}
			kind = model.EventNew
		case f.State == model.FindingResolved:
			kind, detail = model.EventNew, "reopened: matches again"
		default:
			detail = changes(f, m)
			if detail != "" {
				kind = model.EventChanged
			}
		}
		apply(f, m, compID[k.component], at)
		put = append(put, f)
		if kind != "" {
			event(f, kind, detail)
		}
		res.Open++
	}
	for k, f := range existing {
		if seen[k] || f.State != model.FindingOpen {
			continue
		}
		f.State, f.ResolvedAt = model.FindingResolved, at
		put = append(put, f)
		event(f, model.EventResolved, "no longer matches the current SBOM")
	}
	if err := tx.PutFindings(ctx, put); err != nil {
		return err
	}
	for _, e := range events {
		switch e.Kind {
		case model.EventNew:
			res.New++
		case model.EventChanged:
			res.Changed++
		case model.EventResolved:
			res.Resolved++
		}
	}
	return tx.AddEvents(ctx, events)
}

// apply copies the latest match into a tracked finding and marks it open.
func apply(f *model.TrackedFinding, m model.Finding, componentID string, at time.Time) {
	v := m.Vulnerability
	f.ComponentID = componentID
	f.Component = model.Component{Name: m.Component.Name, Version: m.Component.Version, Group: m.Component.Group, PURL: m.Component.PURL}
	f.Ecosystem, f.Package = m.Ecosystem, m.Package
	f.VulnIDs, f.Advisories, f.Summary, f.Severity = v.IDs, m.Advisories, v.Summary, v.Severity
	f.KEV, f.KEVAdded = v.KEV != nil, time.Time{}
	if v.KEV != nil {
		f.KEVAdded = v.KEV.DateAdded
	}
	f.EPSS, f.EPSSPercentile = 0, 0
	if v.EPSS != nil {
		f.EPSS, f.EPSSPercentile = v.EPSS.Score, v.EPSS.Percentile
	}
	f.FixedVersions = m.FixedVersions
	f.State, f.ResolvedAt, f.LastSeen = model.FindingOpen, time.Time{}, at
}

// changes describes what differs between a tracked finding and its latest
// match in ways that matter for triage (severity, KEV, fixes); EPSS moves
// daily and is updated silently.
func changes(f *model.TrackedFinding, m model.Finding) string {
	var parts []string
	v := m.Vulnerability
	if f.Severity.Rating != v.Severity.Rating || f.Severity.Score != v.Severity.Score {
		parts = append(parts, fmt.Sprintf("severity %s %.1f → %s %.1f", f.Severity.Rating, f.Severity.Score, v.Severity.Rating, v.Severity.Score))
	}
	if f.KEV != (v.KEV != nil) {
		parts = append(parts, fmt.Sprintf("known exploited %t → %t", f.KEV, v.KEV != nil))
	}
	if strings.Join(f.FixedVersions, ",") != strings.Join(m.FixedVersions, ",") {
		parts = append(parts, fmt.Sprintf("fixed versions [%s] → [%s]", strings.Join(f.FixedVersions, ", "), strings.Join(m.FixedVersions, ", ")))
	}
	return strings.Join(parts, "; ")
}
