package match

import (
	"context"
	"fmt"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/rocca-project/rocca/internal/ecosystem"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/purl"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/version"
)

// Matcher matches components against a knowledge base.
type Matcher struct {
	KB store.KnowledgeBase
	// CountUnmatched makes Match count the components it cannot look up
	// (Result.UnmatchedCount) without listing them in Result.Unmatched,
	// which holds a copy of each: the server needs only the number.
	CountUnmatched bool
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
	// Unmatched are the components that could not be looked up (nil with
	// Matcher.CountUnmatched).
	Unmatched []model.Unmatched
	// UnmatchedCount is the number of components that could not be
	// looked up.
	UnmatchedCount int
	// Undetermined are the component/advisory pairs that could be looked
	// up but not decided; a pair is listed only when no other entry of the
	// same advisory settled that the component is affected.
	Undetermined []model.Undetermined
}

// Match matches an SBOM's components against the knowledge base.
func (m *Matcher) Match(ctx context.Context, comps []model.Component) (Result, error) {
	targets, unmatched, nUnmatched := resolve(comps, !m.CountUnmatched)
	outcomes, err := evaluate(ctx, m.KB, targets)
	if err != nil {
		return Result{}, err
	}
	type pair struct {
		comp     int
		advisory string
	}
	var hits []hit
	var doubtOrder []pair
	doubts := map[pair]string{}
	for i := range outcomes {
		o := &outcomes[i]
		hits = append(hits, o.hits...)
		for _, d := range o.doubts {
			p := pair{targets[i].comp, d.advisory}
			if _, seen := doubts[p]; !seen {
				doubts[p] = d.reason
				doubtOrder = append(doubtOrder, p)
			}
		}
	}
	findings, err := m.group(ctx, comps, hits)
	if err != nil {
		return Result{}, err
	}
	var undetermined []model.Undetermined
	if len(doubtOrder) > 0 {
		affected := make(map[pair]bool, len(hits))
		for _, h := range hits {
			affected[pair{h.comp, h.advisory}] = true
		}
		for _, p := range doubtOrder {
			if affected[p] {
				continue
			}
			undetermined = append(undetermined, model.Undetermined{Component: comps[p.comp], Advisory: p.advisory, Reason: doubts[p]})
		}
	}
	return Result{Findings: findings, Unmatched: unmatched, UnmatchedCount: nUnmatched, Undetermined: undetermined}, nil
}

// resolve maps each component to OSV coordinates, or explains why not
// (in the list returned when list is set; the count is returned either
// way). Components are resolved on every CPU when there are many, each
// goroutine keeping only what resolved and the reasons of the rest; the
// result is in component order either way.
func resolve(comps []model.Component, list bool) ([]target, []model.Unmatched, int) {
	type failure struct {
		comp   int
		reason string
	}
	type part struct {
		targets  []target
		failures []failure
		failed   int
	}
	workers := max(1, min(runtime.GOMAXPROCS(0), len(comps)/minComponentsPerWorker))
	parts := make([]part, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := w*len(comps)/workers, (w+1)*len(comps)/workers
		p := &parts[w]
		wg.Go(func() {
			for i := lo; i < hi; i++ {
				t, reason := resolveOne(comps[i])
				if reason != "" {
					p.failed++
					if list {
						p.failures = append(p.failures, failure{i, reason})
					}
					continue
				}
				t.comp = i
				p.targets = append(p.targets, t)
			}
		})
	}
	wg.Wait()
	targets := parts[0].targets
	failed := 0
	for w := range parts {
		failed += parts[w].failed
		if w > 0 {
			targets = append(targets, parts[w].targets...)
			parts[w].targets = nil
		}
	}
	var unmatched []model.Unmatched
	if list && failed > 0 {
		unmatched = make([]model.Unmatched, 0, failed)
		for _, p := range parts {
			for _, f := range p.failures {
				unmatched = append(unmatched, model.Unmatched{Component: comps[f.comp], Reason: f.reason})
			}
		}
	}
	return targets, unmatched, failed
}

// minComponentsPerWorker is the number of components below which
// resolving them on another goroutine is not worth starting it.
const minComponentsPerWorker = 1024

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

// PackageKey returns the knowledge-base package key a component is looked
// up under (store.PackageKey of its OSV ecosystem base and normalised
// name), or "" when it cannot be looked up (no purl, an invalid one, no
// version...). The portfolio stores it with each component: it is the
// reverse index from a changed package to the versions that contain it.
func PackageKey(c model.Component) string {
	t, reason := resolveOne(c)
	if reason != "" {
		return ""
	}
	return t.key
}
