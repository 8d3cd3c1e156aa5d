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
	decided := func(f model.TrackedFinding, s model.Status) model.TrackedFinding {
		f.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{Status: s}}
		return f
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
		{"settled findings count only as settled", []model.TrackedFinding{
			decided(f("a", "CVE-1", model.RatingCritical), model.StatusNotAffected),
			decided(f("b", "CVE-2", model.RatingHigh), model.StatusFixed),
			decided(f("b", "CVE-3", model.RatingHigh), model.StatusAffected),
			decided(f("c", "CVE-1", model.RatingCritical), model.StatusUnderInvestigation),
			f("c", "CVE-4", model.RatingLow),
		}, 3, portfolio.FindingTally{Findings: 3, High: 1, Critical: 1, Low: 1, Vulnerabilities: 3, VulnerableComponents: 2,
			Affected: 1, UnderInvestigation: 1, Settled: 2, Components: 3}},
	} {
		if got := portfolio.TallyFindings(c.fs, c.components); got != c.want {
			t.Errorf("%s: %+v, want %+v", c.name, got, c.want)
		}
	}
}
