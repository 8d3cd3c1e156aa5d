package cases_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// importFeed writes a feed file and imports it, then runs the watch as
// the server's jobs would.
func (f *fixture) importFeed(t *testing.T, name, content string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	demokb.Import(t, f.st, path)
	if _, err := f.w.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// euKEV is an EU KEV list holding exploitedCVE, patched since the date
// given ("" for none).
func euKEV(patched string) string {
	p := ""
	if patched != "" {
		p = `, "patchedSince": "` + patched + `"`
	}
	return `[{"cveID": "` + exploitedCVE + `", "euvdID": "EUVD-2023-1234", "dateAdded": "2026-12-06", "originSource": "CSIRT"` + p + `}]`
}

// The case's fix suggestion lists the fixed versions the knowledge base
// knows for each affected component, a date only where the EU KEV list
// gives one (never in the future), and changes no deadline: the fix
// stays unrecorded until a person records it.
func TestFixSuggestion(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		f.listExploited(t)
		d, ok := f.caseOf(t, exploitedCVE)
		if !ok {
			t.Fatal("no case")
		}
		sug, err := f.cases.SuggestFix(ctx, f.org, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if sug == nil {
			t.Fatal("no suggestion for a vulnerability with a known fixed version")
		}
		if sug.Details != "requests 2.28.1: fixed in 2.31.0." {
			t.Errorf("details %q", sug.Details)
		}
		if len(sug.Components) != 1 || sug.Components[0].Component != "requests" || !slices.Equal(sug.Components[0].FixedVersions, []string{"2.31.0"}) {
			t.Errorf("components %+v", sug.Components)
		}
		if !slices.Contains(sug.Advisories, "PYSEC-2023-74") {
			t.Errorf("advisories %v", sug.Advisories)
		}
		if !sug.AvailableAt.IsZero() || sug.DateSource != "" || !strings.Contains(sug.Basis, "date unknown: enter when the fix was released") {
			t.Errorf("date %s source %q basis %q: the knowledge base knows no date", sug.AvailableAt, sug.DateSource, sug.Basis)
		}

		// The suggestion records nothing: no fix, no final-report deadline.
		f.clock.Set(at(t, "2026-12-07T09:00:00Z"))
		if d, err = f.cases.ConfirmAwareness(ctx, f.org, d.ID, "alice", at(t, "2026-12-07T08:00:00Z"), "confirmed"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.cases.SuggestFix(ctx, f.org, d.ID); err != nil {
			t.Fatal(err)
		}
		if d, err = f.cases.Get(ctx, f.org, d.ID); err != nil {
			t.Fatal(err)
		}
		if !d.FixAvailable.IsZero() || d.FixDetails != "" {
			t.Fatalf("fix recorded by the suggestion: %s %q", d.FixAvailable, d.FixDetails)
		}
		checkClocks(t, d, map[reporting.Stage]string{reporting.StageEarlyWarning: "2026-12-08T08:00:00Z", reporting.StageNotification: "2026-12-10T08:00:00Z"})

		// EU KEV's patchedSince gives the date, at the start of its day (UTC).
		f.importFeed(t, "eukev.json", euKEV("2023/05/22"))
		if sug, err = f.cases.SuggestFix(ctx, f.org, d.ID); err != nil || sug == nil {
			t.Fatalf("suggestion %+v %v", sug, err)
		}
		if got := sug.AvailableAt.Format(time.RFC3339); got != "2023-05-22T00:00:00Z" || sug.DateSource != cases.DateSourceEUKEV || sug.DateCVE != exploitedCVE {
			t.Errorf("date %s source %q cve %q", got, sug.DateSource, sug.DateCVE)
		}
		if !strings.Contains(sug.Basis, "patchedSince of "+exploitedCVE+" (2023-05-22)") {
			t.Errorf("basis %q", sug.Basis)
		}
		if d, err = f.cases.Get(ctx, f.org, d.ID); err != nil || !d.FixAvailable.IsZero() || len(d.Clocks) != 2 {
			t.Fatalf("a suggested date changed the case: %+v %v", d, err)
		}

		// A patchedSince after now is not a fix available: no date.
		f.importFeed(t, "eukev.json", euKEV("2027-01-15"))
		if sug, err = f.cases.SuggestFix(ctx, f.org, d.ID); err != nil || sug == nil {
			t.Fatalf("suggestion %+v %v", sug, err)
		}
		if !sug.AvailableAt.IsZero() {
			t.Errorf("future patchedSince suggested: %s", sug.AvailableAt)
		}
	})
}

// No fixed version known, no suggestion: a vulnerability whose advisory
// has no fixed event, a case opened by hand for a vulnerability without
// findings, and a severe incident.
func TestFixSuggestionNoneKnown(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		const cve = "CVE-2026-41000"
		f.importFeed(t, "ROCCA-TEST-NOFIX.json", `{"schema_version": "1.6.0", "id": "ROCCA-TEST-NOFIX",
  "modified": "2026-12-01T00:00:00Z", "published": "2026-12-01T00:00:00Z", "aliases": ["`+cve+`"],
  "summary": "Test record without a fix",
  "affected": [{"package": {"ecosystem": "PyPI", "name": "requests"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}]}]}]}`)
		f.importFeed(t, "eukev.json", `[{"cveID": "`+cve+`", "euvdID": "EUVD-2026-41000", "dateAdded": "2026-12-06", "patchedSince": "2026-12-05"}]`)
		d, ok := f.caseOf(t, cve)
		if !ok {
			t.Fatal("no case for the exploited vulnerability without a fix")
		}
		byHand, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "aev", Title: "Exploited elsewhere", VulnIDs: []string{"CVE-2026-41999"}})
		if err != nil {
			t.Fatal(err)
		}
		si, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Ransomware on the update server"})
		if err != nil {
			t.Fatal(err)
		}
		for name, id := range map[string]string{"no fixed event": d.ID, "by hand without findings": byHand.ID, "severe incident": si.ID} {
			sug, err := f.cases.SuggestFix(ctx, f.org, id)
			if err != nil || sug != nil {
				t.Errorf("%s: suggestion %+v %v, want none", name, sug, err)
			}
		}
	})
}
