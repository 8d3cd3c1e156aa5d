package findings_test

import (
	"context"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/triage"
)

// storedDetails are finding event details as rocca has always stored
// them (byte for byte), with the code ParseEventDetail must read back;
// "" for a detail it must leave as it is.
var storedDetails = []struct {
	detail, code string
}{
	{"reopened: matches again", "history.reopened"},
	{"known exploited: listed in CISA KEV since 2026-12-06; EUVD", "history.exploited"},
	{"known exploited: listed in CISA KEV since 2026-12-06; EU KEV since 2026-12-05; EUVD since 2026-12-01", "history.exploited"},
	{"known exploited: listed in EUVD", "history.exploited"},
	{"no longer listed as known exploited", "history.not_exploited"},
	{"severity medium 5.3 → high 7.5", "history.severity"},
	{"severity unknown 0.0 → critical 9.8", "history.severity"},
	{"fixed versions [] → [2.31.0]", "history.fixed"},
	{"fixed versions [2.31.0] → [2.31.0, 3.0.1]", "history.fixed"},
	{"every advisory of the vulnerability was withdrawn: GHSA-aaaa-bbbb-cccc, PYSEC-2023-1", "history.withdrawn"},
	{"no longer matches (the current SBOM)", "history.no_match"},
	{"no longer matches (knowledge base update)", "history.no_match"},
	{"the product decision (not_affected) needs review: its review date passed (2027-03-01)", "history.needs_review"},
	{"the organisation decision (affected) needs review: it became known exploited; a fix is available (2.31.0); its severity rose (medium 5.3 → high 7.5)", "history.needs_review"},
	{"not_affected (component_not_present), product scope, decided by ada@example.com", "history.analysis"},
	{"affected, version scope", "history.analysis"},
	{"under_investigation, organisation scope, decided by ci key, inherited from finding f1 of version v1", "history.analysis"},
	{"fixed, product scope, inherited from finding f1 of version v1", "history.analysis"},

	// Not worded by this version of rocca: shown as they are.
	{"", ""},
	{"reopened", ""},
	{"severity medium 5.30 → high 7.5", ""},
	{"severity medium high → high 7.5", ""},
	{"no longer matches (a cause of another version)", ""},
	{"the product decision (not_affected) needs review: somebody said so", ""},
	{"known exploited: listed in CISA KEV since 2026-13-45", ""},
	{"a person's note", ""},
}

// Every stored detail rocca writes reads back as its sentence, and the
// sentence words the detail exactly; others are not read.
func TestParseEventDetail(t *testing.T) {
	for _, c := range storedDetails {
		got, ok := findings.ParseEventDetail(c.detail)
		if ok != (c.code != "") || got.Code != c.code {
			t.Errorf("ParseEventDetail(%q) = %q, %v; want %q", c.detail, got.Code, ok, c.code)
			continue
		}
		if ok && got.English != c.detail {
			t.Errorf("ParseEventDetail(%q) words %q", c.detail, got.English)
		}
	}
}

// Arguments come back typed, for an interface to format in its locale.
func TestParseEventDetailArgs(t *testing.T) {
	s, _ := findings.ParseEventDetail("severity medium 5.3 → high 7.5")
	if len(s.Args) != 4 || s.Args[0] != model.RatingMedium || s.Args[1] != 5.3 || s.Args[2] != model.RatingHigh || s.Args[3] != 7.5 {
		t.Errorf("severity args %#v", s.Args)
	}
	e, _ := findings.ParseEventDetail("known exploited: listed in CISA KEV since 2026-12-06; EUVD")
	l, ok := e.Args[0].(msg.List)
	if !ok || len(l) != 2 || l[1] != "EUVD" {
		t.Fatalf("exploited args %#v", e.Args)
	}
	since, ok := l[0].(msg.Text)
	if !ok || since.Code != "history.listed_since" || since.Args[1] != model.Day(time.Date(2026, 12, 6, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("listing %#v", l[0])
	}
	r, _ := findings.ParseEventDetail("the product decision (not_affected) needs review: it became known exploited; a fix is available (2.31.0)")
	causes, ok := r.Args[2].(msg.List)
	if r.Args[0] != model.ScopeProduct || r.Args[1] != model.StatusNotAffected || !ok || len(causes) != 2 {
		t.Errorf("needs review args %#v", r.Args)
	}
}

// The details the writers produce (reconciliation, triage) read back.
func TestEventDetailsRoundTrip(t *testing.T) {
	at := time.Date(2026, 12, 7, 6, 0, 0, 0, time.UTC)
	decided := &model.FindingAnalysis{Analysis: model.Analysis{ID: "a1", Status: model.StatusNotAffected, Scope: model.ScopeProduct}}
	old := model.TrackedFinding{ID: "f1", VersionID: "v1", ComponentKey: "pkg:pypi/requests@2.28.1", VulnID: "CVE-2023-32681",
		Severity: model.Severity{Rating: model.RatingMedium, Score: 6.1}, State: model.FindingOpen, Analysis: decided}
	changed := requestsMatch(func(m *model.Finding) {
		m.Vulnerability.Severity = model.Severity{Rating: model.RatingHigh, Score: 7.5}
		m.FixedVersions = []string{"2.31.0"}
		m.Vulnerability.Exploited = []model.ExploitedMark{{Source: model.ExploitedEUKEV, CVE: "CVE-2023-32681",
			DateAdded: time.Date(2026, 12, 5, 0, 0, 0, 0, time.UTC)}, {Source: model.ExploitedEUVD}}
	})
	var details []string
	for _, run := range []struct {
		old     []model.TrackedFinding
		matches []model.Finding
		cause   string
	}{
		{[]model.TrackedFinding{old}, []model.Finding{changed}, ""},
		{[]model.TrackedFinding{old}, nil, findings.CauseKnowledgeBase},
		{[]model.TrackedFinding{old}, nil, ""},
		{[]model.TrackedFinding{{ID: "f1", VersionID: "v1", ComponentKey: "pkg:pypi/requests@2.28.1", VulnID: "CVE-2023-32681",
			State: model.FindingResolved}}, []model.Finding{requestsMatch(nil)}, ""},
	} {
		tx := &fakeTx{old: run.old}
		if _, err := findings.Reconcile(context.Background(), tx, findings.Scope{ProductID: "p1", VersionID: "v1", Cause: run.cause}, run.matches, at); err != nil {
			t.Fatal(err)
		}
		for _, e := range tx.events {
			details = append(details, e.Detail)
		}
	}
	inherited := &model.FindingAnalysis{Analysis: model.Analysis{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_present",
		Scope: model.ScopeOrganisation, DecidedBy: "ada@example.com", Origin: model.AnalysisOrigin{FindingID: "f9", VersionID: "v9"}}, Inherited: true}
	details = append(details, triage.Describe(decided), triage.Describe(inherited))
	if len(details) < 9 {
		t.Fatalf("only %d details: %q", len(details), details)
	}
	for _, d := range details {
		if s, ok := findings.ParseEventDetail(d); !ok || s.English != d {
			t.Errorf("detail %q written by rocca does not read back (%+v, %v)", d, s, ok)
		}
	}
}

// FuzzParseEventDetail: stored text, however odd, never panics, and a
// detail read back is worded exactly by its sentence.
func FuzzParseEventDetail(f *testing.F) {
	for _, c := range storedDetails {
		f.Add(c.detail)
	}
	f.Add("fixed versions [a] → [b] → [c]")
	f.Add("known exploited: listed in ; ;  since 2026-01-01")
	f.Add("the a decision (b) needs review: ; ")
	f.Fuzz(func(t *testing.T, detail string) {
		s, ok := findings.ParseEventDetail(detail)
		if ok && (s.English != detail || s.Code == "") {
			t.Errorf("ParseEventDetail(%q) = %+v", detail, s)
		}
		if !ok && s.Code != "" {
			t.Errorf("ParseEventDetail(%q) not ok with code %q", detail, s.Code)
		}
	})
}
