package findings_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
)

// fakeTx is a reconciliation's transaction in memory.
type fakeTx struct {
	old      []model.TrackedFinding
	put      []*model.TrackedFinding
	events   []model.FindingEvent
	flags    []model.ReviewFlag
	analyses []model.Analysis
}

func (x *fakeTx) VersionFindings(context.Context, string) ([]model.TrackedFinding, error) {
	return x.old, nil
}
func (x *fakeTx) PutFindings(_ context.Context, fs []*model.TrackedFinding) error {
	x.put = append(x.put, fs...)
	return nil
}
func (x *fakeTx) AddEvents(_ context.Context, evs []model.FindingEvent) error {
	x.events = append(x.events, evs...)
	return nil
}
func (x *fakeTx) ApplicableAnalyses(_ context.Context, product string, keys []string) ([]model.Analysis, error) {
	var out []model.Analysis
	for _, a := range x.analyses {
		if slices.Contains(keys, a.PkgKey) && (a.Scope == model.ScopeOrganisation || a.Scope == model.ScopeProduct && a.Origin.ProductID == product) {
			out = append(out, a)
		}
	}
	return out, nil
}
func (x *fakeTx) FlagReview(_ context.Context, flags []model.ReviewFlag) error {
	x.flags = append(x.flags, flags...)
	return nil
}

func requestsMatch(mod func(*model.Finding)) model.Finding {
	m := model.Finding{Component: model.Component{Name: "requests", Version: "2.28.1", PURL: "pkg:pypi/requests@2.28.1"},
		Ecosystem: "PyPI", Package: "requests", Advisories: []string{"PYSEC-2023-74"},
		Vulnerability: model.Vulnerability{ID: "CVE-2023-32681", IDs: []string{"CVE-2023-32681", "GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"},
			Severity: model.Severity{Rating: model.RatingMedium, Score: 6.1}}}
	if mod != nil {
		mod(&m)
	}
	return m
}

// A decided finding whose facts change so as to call the decision into
// question is flagged for review with an event; other changes are not.
func TestReconcileFlagsReview(t *testing.T) {
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name     string
		decided  bool
		mod      func(*model.Finding)
		wantFlag string
	}{
		{"known exploited", true, func(m *model.Finding) { m.Vulnerability.KEV = &model.KEV{CVE: "CVE-2023-32681"} }, "it became known exploited"},
		{"EU KEV", true, func(m *model.Finding) {
			m.Vulnerability.Exploited = []model.ExploitedMark{{Source: model.ExploitedEUKEV, CVE: "CVE-2023-32681"}}
		}, "it became known exploited"},
		{"fix appears", true, func(m *model.Finding) { m.FixedVersions = []string{"2.31.0"} }, "a fix is available (2.31.0)"},
		{"severity rises", true, func(m *model.Finding) {
			m.Vulnerability.Severity = model.Severity{Rating: model.RatingHigh, Score: 7.5}
		}, "its severity rose (medium 6.1 → high 7.5)"},
		{"score rises", true, func(m *model.Finding) { m.Vulnerability.Severity.Score = 6.5 }, "its severity rose (medium 6.1 → medium 6.5)"},
		{"severity drops", true, func(m *model.Finding) { m.Vulnerability.Severity = model.Severity{Rating: model.RatingLow, Score: 3.1} }, ""},
		{"EPSS moves", true, func(m *model.Finding) { m.Vulnerability.EPSS = &model.EPSS{Score: 0.9} }, ""},
		{"no decision", false, func(m *model.Finding) { m.Vulnerability.KEV = &model.KEV{CVE: "CVE-2023-32681"} }, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			old := model.TrackedFinding{ID: "f1", VersionID: "v1", ComponentKey: "pkg:pypi/requests@2.28.1", VulnID: "CVE-2023-32681",
				Severity: model.Severity{Rating: model.RatingMedium, Score: 6.1}, State: model.FindingOpen}
			if c.decided {
				old.Analysis = &model.FindingAnalysis{Analysis: model.Analysis{ID: "a1", Status: model.StatusNotAffected, Scope: model.ScopeProduct}}
			}
			tx := &fakeTx{old: []model.TrackedFinding{old}}
			out, err := findings.Reconcile(context.Background(), tx, findings.Scope{ProductID: "p1", VersionID: "v1"}, []model.Finding{requestsMatch(c.mod)}, at)
			if err != nil {
				t.Fatal(err)
			}
			var got string
			if len(tx.flags) == 1 {
				got = tx.flags[0].Reason
			}
			if got != c.wantFlag || len(tx.flags) > 1 {
				t.Fatalf("flags %+v, want %q", tx.flags, c.wantFlag)
			}
			reviews := 0
			for _, e := range tx.events {
				if e.Kind == model.EventAnalysisReview {
					reviews++
				}
			}
			if want := min(len(c.wantFlag), 1); reviews != want || out.Review != want {
				t.Errorf("%d review events (outcome %d), want %d", reviews, out.Review, want)
			}
		})
	}
}

// A new finding inherits the narrowest applicable decision; the
// notifications of a settled finding's facts are left out.
func TestReconcileInherits(t *testing.T) {
	org := model.Analysis{ID: "org", Scope: model.ScopeOrganisation, Status: model.StatusAffected, PkgKey: "PyPI:requests",
		VulnIDs: []string{"GHSA-j8r2-6x86-q33q"}, Origin: model.AnalysisOrigin{FindingID: "x", ProductID: "p9", VulnID: "GHSA-j8r2-6x86-q33q"}}
	prod := model.Analysis{ID: "prod", Scope: model.ScopeProduct, Status: model.StatusNotAffected, PkgKey: "PyPI:requests",
		VulnIDs: []string{"CVE-2023-32681"}, Origin: model.AnalysisOrigin{FindingID: "y", ProductID: "p1", VulnID: "CVE-2023-32681"}}
	for _, c := range []struct {
		name     string
		product  string
		analyses []model.Analysis
		want     string
	}{
		{"none", "p1", nil, ""},
		{"organisation, by alias", "p1", []model.Analysis{org}, "org"},
		{"product over organisation", "p1", []model.Analysis{prod, org}, "prod"},
		{"another product's decision", "p2", []model.Analysis{prod, org}, "org"},
	} {
		tx := &fakeTx{analyses: c.analyses}
		out, err := findings.Reconcile(context.Background(), tx, findings.Scope{ProductID: c.product, VersionID: "v1"},
			[]model.Finding{requestsMatch(nil)}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		if a := tx.put[0].Analysis; a != nil {
			got = a.ID
			if !a.Inherited {
				t.Errorf("%s: not marked inherited", c.name)
			}
		}
		if got != c.want {
			t.Errorf("%s: inherited %q, want %q", c.name, got, c.want)
		}
		notified := len(findings.Notifiable(out.Events))
		if settled := got == "prod"; notified != map[bool]int{true: 0, false: 1}[settled] {
			t.Errorf("%s: %d of %d events notified", c.name, notified, len(out.Events))
		}
	}
}
