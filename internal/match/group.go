package match

import (
	"context"
	"sort"

	"github.com/rocca-project/rocca/internal/model"
)

// group merges hits of advisories in the same alias group into one finding
// per component and vulnerability, described from all the group's records.
// Findings come in the order of their first hit.
func (m *Matcher) group(ctx context.Context, comps []model.Component, hits []hit) ([]model.Finding, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.advisory)
	}
	groupOf, vulns, err := m.describeAdvisories(ctx, dedupe(ids))
	if err != nil {
		return nil, err
	}
	type fkey struct {
		comp  int
		group string
	}
	byKey := make(map[fkey]int, len(hits))
	out := make([]model.Finding, 0, len(hits))
	for _, h := range hits {
		g := groupOf[h.advisory]
		if g == "" {
			g = h.advisory
		}
		k := fkey{h.comp, g}
		i, ok := byKey[k]
		if !ok {
			f := model.Finding{
				Component:     comps[h.comp],
				Ecosystem:     h.target.ecosystem,
				Package:       h.target.name,
				Vulnerability: vulns[g],
				Status:        model.StatusAffected,
			}
			if f.Vulnerability.ID == "" {
				f.Vulnerability = model.Vulnerability{ID: h.advisory, IDs: []string{h.advisory},
					Severity: model.Severity{Rating: model.RatingUnknown, Source: "advisory details missing"}}
			}
			i = len(out)
			byKey[k] = i
			out = append(out, f)
		}
		f := &out[i]
		f.Advisories = appendUnique(f.Advisories, h.advisory)
		for _, fx := range h.fixed {
			f.FixedVersions = appendUnique(f.FixedVersions, fx)
		}
	}
	for i := range out {
		f := &out[i]
		if len(f.Advisories) > 1 {
			sort.Strings(f.Advisories)
		}
		sortVersions(f.Ecosystem, f.FixedVersions)
	}
	return out, nil
}
