package portfolio_test

import (
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

func TestTallyFindings(t *testing.T) {
	f := func(comp, vuln string, r model.Rating) model.TrackedFinding {
		return model.TrackedFinding{ComponentKey: comp, VulnID: vuln, Severity: model.Severity{Rating: r}}
	}
	for _, c := range []struct {
		name       string
		fs         []model.TrackedFinding
		components int
		want       portfolio.FindingTally
	}{
		{"none", nil, 7, portfolio.FindingTally{Components: 7}},
		{"one of each rating", []model.TrackedFinding{
			f("a", "CVE-1", model.RatingCritical), f("a", "CVE-2", model.RatingHigh), f("b", "CVE-3", model.RatingMedium),
			f("b", "CVE-4", model.RatingLow), f("c", "CVE-5", model.RatingNone), f("c", "CVE-6", model.RatingUnknown),
			f("c", "CVE-7", ""),
		}, 10, portfolio.FindingTally{Findings: 7, Critical: 1, High: 1, Medium: 1, Low: 1, None: 1, Unknown: 2,
			Vulnerabilities: 7, VulnerableComponents: 3, Components: 10}},
		{"one vulnerability in two components", []model.TrackedFinding{
			f("a", "CVE-1", model.RatingCritical), f("b", "CVE-1", model.RatingCritical),
		}, 2, portfolio.FindingTally{Findings: 2, Critical: 2, Vulnerabilities: 1, VulnerableComponents: 2, Components: 2}},
	} {
		if got := portfolio.TallyFindings(c.fs, c.components); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
