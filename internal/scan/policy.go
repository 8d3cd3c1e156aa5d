package scan

import (
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// Policy says which findings fail a build.
type Policy struct {
	// MinRating fails on findings rated at least this; empty disables.
	MinRating model.Rating
	// KEV fails on any known-exploited finding (CISA KEV, EU KEV or
	// EUVD's exploited list).
	KEV bool
}

// ParsePolicy reads --fail-on values: a severity (low, medium, high,
// critical) and/or "kev", comma separated or repeated.
func ParsePolicy(values []string) (Policy, error) {
	var p Policy
	for _, v := range values {
		for _, part := range strings.Split(v, ",") {
			part = strings.ToLower(strings.TrimSpace(part))
			switch part {
			case "":
			case "kev":
				p.KEV = true
			case "low", "medium", "high", "critical":
				r, _ := model.ParseRating(part)
				if p.MinRating == "" || r.Rank() < p.MinRating.Rank() {
					p.MinRating = r
				}
			default:
				return p, fmt.Errorf("--fail-on %q: want low, medium, high, critical or kev", part)
			}
		}
	}
	return p, nil
}

// Violations returns the findings that break the policy. Findings that a
// VEX statement marks not_affected or fixed never do.
func (p Policy) Violations(fs []model.Finding) []model.Finding {
	var out []model.Finding
	for _, f := range fs {
		if f.Status == model.StatusNotAffected || f.Status == model.StatusFixed {
			continue
		}
		if (p.KEV && f.Vulnerability.KnownExploited()) ||
			(p.MinRating != "" && f.Vulnerability.Severity.Rating.Rank() >= p.MinRating.Rank()) {
			out = append(out, f)
		}
	}
	return out
}
