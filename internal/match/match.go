package match

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/rocca-project/rocca/internal/ecosystem"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/version"
)

// Matcher matches components against a knowledge base.
type Matcher struct {
	KB store.KnowledgeBase
}

// target is a component resolved to OSV coordinates.
type target struct {
	comp      int // index into the SBOM's components
	ecosystem string
	name      string
	key       string
	version   version.Version
}

// hit is one advisory matching one component.
type hit struct {
	comp     int
	target   *target
	advisory string
	fixed    []string
}

// Result is the outcome of matching an SBOM's components.
type Result struct {
	// Findings are not yet sorted nor VEX-filtered.
	Findings []model.Finding
	// Unmatched are the components that could not be looked up.
	Unmatched []model.Unmatched
	// Undetermined are the component/advisory pairs that could be looked
	// up but not decided; a pair is listed only when no other entry of the
	// same advisory settled that the component is affected.
	Undetermined []model.Undetermined
}

// Match matches an SBOM's components against the knowledge base.
func (m *Matcher) Match(ctx context.Context, comps []model.Component) (Result, error) {
	targets, unmatched := resolve(comps)
	keys := uniqueKeys(targets)
	idx, err := LoadIndex(ctx, m.KB, keys)
	if err != nil {
		return Result{}, err
	}
	var hits []hit
	type pair struct {
		comp     int
		advisory string
	}
	doubts := map[pair]string{}
	var doubtOrder []pair
	for i := range targets {
		t := &targets[i]
		for e := range idx.Lookup(t.key, t.ecosystem) {
			v, err := e.affected.Evaluate(t.version)
			if err != nil {
				p := pair{t.comp, e.advisory}
				if _, seen := doubts[p]; !seen {
					doubts[p] = err.Error()
					doubtOrder = append(doubtOrder, p)
				}
				continue
			}
			if !v.Affected {
				continue
			}
			hits = append(hits, hit{comp: t.comp, target: t, advisory: e.advisory, fixed: v.Fixed})
		}
	}
	findings, err := m.group(ctx, comps, hits)
	if err != nil {
		return Result{}, err
	}
	affected := make(map[pair]bool, len(hits))
	for _, h := range hits {
		affected[pair{h.comp, h.advisory}] = true
	}
	var undetermined []model.Undetermined
	for _, p := range doubtOrder {
		if affected[p] {
			continue
		}
		undetermined = append(undetermined, model.Undetermined{Component: comps[p.comp], Advisory: p.advisory, Reason: doubts[p]})
	}
	return Result{Findings: findings, Unmatched: unmatched, Undetermined: undetermined}, nil
}

// resolve maps each component to OSV coordinates, or explains why not.
func resolve(comps []model.Component) ([]target, []model.Unmatched) {
	targets := make([]target, 0, len(comps))
	var unmatched []model.Unmatched
	for i, c := range comps {
		t, reason := resolveOne(c)
		if reason != "" {
			unmatched = append(unmatched, model.Unmatched{Component: c, Reason: reason})
			continue
		}
		t.comp = i
		targets = append(targets, t)
	}
	return targets, unmatched
}

func resolveOne(c model.Component) (target, string) {
	if c.PURL == "" {
		return target{}, "no Package URL (purl) to identify it"
	}
	p, err := purl.Parse(c.PURL)
	if err != nil {
		return target{}, fmt.Sprintf("invalid purl: %v", err)
	}
	if p.Version == "" && c.Version != "" {
		p.Version = c.Version
	}
	co, err := purl.ToOSV(p)
	if err != nil {
		return target{}, err.Error()
	}
	if co.Version == "" {
		return target{}, "no version to compare"
	}
	// A version that does not parse is still looked up: advisories listing
	// it verbatim in versions[] match it, and the ranges it cannot be
	// ordered against are reported as undetermined.
	v, _ := version.Parse(co.Ecosystem, co.Version)
	base := ecosystem.Base(co.Ecosystem)
	return target{ecosystem: co.Ecosystem, name: co.Name, key: store.PackageKey(base, co.Name), version: v}, ""
}

func uniqueKeys(ts []target) []string {
	seen := make(map[string]bool, len(ts))
	keys := make([]string, 0, len(ts))
	for _, t := range ts {
		if !seen[t.key] {
			seen[t.key] = true
			keys = append(keys, t.key)
		}
	}
	sort.Strings(keys)
	return keys
}

// group merges hits of advisories in the same alias group into one finding
// per component and vulnerability, described from all the group's records.
func (m *Matcher) group(ctx context.Context, comps []model.Component, hits []hit) ([]model.Finding, error) {
	if len(hits) == 0 {
		return nil, nil
	}
	ids := make([]string, 0, len(hits))
	for _, h := range hits {
		ids = append(ids, h.advisory)
	}
	groupOf, err := m.KB.GroupsOf(ctx, dedupe(ids))
	if err != nil {
		return nil, err
	}
	var groupNames []string
	for _, g := range groupOf {
		groupNames = append(groupNames, g)
	}
	vulns, err := m.describe(ctx, dedupe(groupNames))
	if err != nil {
		return nil, err
	}
	type fkey struct {
		comp  int
		group string
	}
	byKey := map[fkey]*model.Finding{}
	var order []fkey
	for _, h := range hits {
		g := groupOf[h.advisory]
		if g == "" {
			g = h.advisory
		}
		k := fkey{h.comp, g}
		f := byKey[k]
		if f == nil {
			f = &model.Finding{
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
			byKey[k] = f
			order = append(order, k)
		}
		f.Advisories = appendUnique(f.Advisories, h.advisory)
		for _, fx := range h.fixed {
			f.FixedVersions = appendUnique(f.FixedVersions, fx)
		}
	}
	out := make([]model.Finding, 0, len(order))
	for _, k := range order {
		f := byKey[k]
		sort.Strings(f.Advisories)
		sortVersions(f.Ecosystem, f.FixedVersions)
		out = append(out, *f)
	}
	return out, nil
}

// sortVersions orders versions of an ecosystem, lowest first; strings that
// do not parse keep a stable string order at the end.
func sortVersions(eco string, vs []string) {
	if len(vs) < 2 {
		return
	}
	sort.SliceStable(vs, func(i, j int) bool {
		a, err := version.Parse(eco, vs[i])
		if err != nil {
			return false
		}
		c, err := a.Compare(vs[j])
		if err != nil {
			return true
		}
		return c < 0
	})
}

func dedupe(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}

func appendUnique(ss []string, s string) []string {
	for _, x := range ss {
		if x == s {
			return ss
		}
	}
	return append(ss, s)
}

// isCVE reports whether id is a CVE id.
func isCVE(id string) bool { return strings.HasPrefix(id, "CVE-") }
