package findings

import (
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/match"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/version"
)

// The rules of triage decisions that both the reconciliation (a new
// finding inherits the applicable decision) and the triage use cases (a
// decision reaches the findings it applies to) follow. docs/triage.md.

// PackageKey is the package key a finding's decisions are keyed by: the
// knowledge-base key of its component (its purl without version,
// normalised), or, for a component without one, its ecosystem and package.
func PackageKey(f *model.TrackedFinding) string {
	if k := match.PackageKey(f.Component); k != "" {
		return k
	}
	return f.Ecosystem + ":" + f.Package
}

// Target is a finding as the rules see it: the finding, its product and
// its package key.
type Target struct {
	Finding   *model.TrackedFinding
	ProductID string
	PkgKey    string
}

// Applies reports whether decision a applies to the finding t: a
// version-scope decision to the finding it was made on; a product-scope
// one to the findings of the same product, package and vulnerability
// (any shared id) whose component version is in its range; an
// organisation-scope one to the findings of the same package and
// vulnerability.
func Applies(a *model.Analysis, t Target) bool {
	switch a.Scope {
	case model.ScopeVersion:
		return a.Origin.FindingID == t.Finding.ID
	case model.ScopeProduct:
		if a.Origin.ProductID != t.ProductID {
			return false
		}
	case model.ScopeOrganisation:
	default:
		return false
	}
	if a.PkgKey != t.PkgKey || !shareID(a.VulnIDs, a.Origin.VulnID, t.Finding.VulnIDs, t.Finding.VulnID) {
		return false
	}
	if a.Scope == model.ScopeProduct && a.ComponentRange != "" {
		in, err := InRange(a.ComponentRange, a.Ecosystem, t.Finding.Component.Version)
		return err == nil && in
	}
	return true
}

func shareID(a []string, aPreferred string, b []string, bPreferred string) bool {
	if aPreferred == bPreferred {
		return true
	}
	for _, x := range a {
		if x == bPreferred {
			return true
		}
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	for _, y := range b {
		if y == aPreferred {
			return true
		}
	}
	return false
}

// Supersedes reports whether decision a, recorded after the decision
// currently effective on a finding (of scope current, "" for none),
// becomes the finding's effective decision: the narrower scope wins, and
// among decisions of one scope the later one.
func Supersedes(a *model.Analysis, current model.AnalysisScope) bool {
	return a.Scope.Level() >= current.Level()
}

// Choose returns the decision that applies to t among decisions (in the
// order they were recorded), or nil: the narrowest applicable one, the
// latest among those.
func Choose(decisions []model.Analysis, t Target) *model.Analysis {
	var best *model.Analysis
	for i := range decisions {
		a := &decisions[i]
		if !Applies(a, t) {
			continue
		}
		if best == nil || Supersedes(a, best.Scope) {
			best = a
		}
	}
	return best
}

// rangeOps are the comparison operators of a component range, longest
// first.
var rangeOps = []string{">=", "<=", "==", ">", "<", "="}

// CheckRange checks a component range: comparisons joined by commas, all
// of which must hold (">=1.2.0,<2.0.0"), each version valid in the
// ecosystem.
func CheckRange(rng, ecosystem string) error {
	_, err := parseRange(rng, ecosystem)
	return err
}

type bound struct {
	op string
	v  version.Version
}

func parseRange(rng, ecosystem string) ([]bound, error) {
	var out []bound
	for _, part := range strings.Split(rng, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			return nil, fmt.Errorf("empty comparison in %q", rng)
		}
		op := ""
		for _, o := range rangeOps {
			if strings.HasPrefix(part, o) {
				op = o
				break
			}
		}
		if op == "" {
			return nil, fmt.Errorf("%q: want a comparison >=, >, <=, < or = followed by a version", part)
		}
		vs := strings.TrimSpace(part[len(op):])
		v, err := version.Parse(ecosystem, vs)
		if err != nil {
			return nil, fmt.Errorf("%q: %w", part, err)
		}
		out = append(out, bound{op, v})
	}
	return out, nil
}

// InRange reports whether the component version v satisfies the range.
// A version that cannot be compared is not in it.
func InRange(rng, ecosystem, v string) (bool, error) {
	bounds, err := parseRange(rng, ecosystem)
	if err != nil {
		return false, err
	}
	cv, err := version.Parse(ecosystem, v)
	if err != nil {
		return false, nil
	}
	for _, b := range bounds {
		c, err := cv.CompareVersion(b.v)
		if err != nil {
			return false, nil
		}
		ok := false
		switch b.op {
		case ">=":
			ok = c >= 0
		case ">":
			ok = c > 0
		case "<=":
			ok = c <= 0
		case "<":
			ok = c < 0
		default:
			ok = c == 0
		}
		if !ok {
			return false, nil
		}
	}
	return true, nil
}
