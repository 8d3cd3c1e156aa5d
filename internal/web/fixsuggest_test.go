package web_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// The fix form of a vulnerability case is pre-filled with rocca's
// suggestion (the fixed versions the knowledge base knows; the date only
// where EU KEV's patchedSince gives it) and says so, in English and
// Italian; nothing is recorded, and no final-report deadline runs, until
// the person sends the form. A case without a known fix gets an empty
// form and no note.
func TestCaseFixSuggestionForm(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			s := newSiteOn(t, e.Store, demo)
			s.clock.set(time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC))
			b := s.browser(t).login("editor@acme.test").inZone("UTC")
			id := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Log4Shell on the gateway"}, "vulns": {"CVE-2021-44228"},
				"versions": {s.version.ID}, "awareness": {"2026-12-07T09:00"}, "reason": {"KEV listing reaches our gateway"}})
			_, page := b.get("/cases/" + id)
			form := fixForm(page, id)
			for _, want := range []string{"data-fix-suggested", "suggestion, from the fixed versions its knowledge base knows",
				"Nothing is recorded", "Date unknown: enter when the fix was released.",
				`lang="en" aria-describedby="fix-hint">org.apache.logging.log4j/log4j-core 2.14.1: fixed in 2.15.0`, `name="at" type="datetime-local" required value=""`} {
				if !strings.Contains(form, want) {
					t.Errorf("fix form lacks %q:\n%s", want, form)
				}
			}
			b.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
			_, page = b.get("/cases/" + id)
			form = fixForm(page, id)
			for _, want := range []string{"Suggerimento di rocca", "Data sconosciuta: inserisci quando la correzione è stata rilasciata.",
				"log4j-core 2.14.1: fixed in 2.15.0"} {
				if !strings.Contains(form, want) {
					t.Errorf("Italian fix form lacks %q:\n%s", want, form)
				}
			}

			// EU KEV's patchedSince: the date is pre-filled too.
			path := filepath.Join(t.TempDir(), "eukev.json")
			if err := os.WriteFile(path, []byte(`[{"cveID": "CVE-2021-44228", "euvdID": "EUVD-2021-1234", "dateAdded": "2021-12-10", "patchedSince": "2021-12-10"}]`), 0o600); err != nil {
				t.Fatal(err)
			}
			demokb.Import(t, e.Store, path)
			b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
			_, page = b.get("/cases/" + id)
			form = fixForm(page, id)
			for _, want := range []string{`value="2021-12-10T00:00"`, "Suggested date: the EU KEV list", "CVE-2021-44228"} {
				if !strings.Contains(form, want) {
					t.Errorf("fix form lacks %q:\n%s", want, form)
				}
			}

			// Shown, not recorded: no fix, no final report.
			d, err := s.cases.Get(context.Background(), s.acme.ID, id)
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := d.Deadline(reporting.StageFinalReport); ok || !d.FixAvailable.IsZero() {
				t.Fatalf("the suggestion recorded a fix: %s, clocks %+v", d.FixAvailable, d.Clocks)
			}
			// The person confirms it: recorded, the final report runs 14 days.
			if code, _ := b.post("/cases/"+id+"/fix", url.Values{"at": {"2021-12-10T00:00"}, "details": {"org.apache.logging.log4j/log4j-core 2.14.1: fixed in 2.15.0."}}); code != http.StatusSeeOther {
				t.Fatalf("record the fix: %d", code)
			}
			if d, err = s.cases.Get(context.Background(), s.acme.ID, id); err != nil {
				t.Fatal(err)
			}
			if fr, ok := d.Deadline(reporting.StageFinalReport); !ok || fr.Due.Format(time.RFC3339) != "2021-12-24T00:00:00Z" {
				t.Fatalf("final report %+v %v", fr, ok)
			}
			// Recorded: the form shows the record, no longer the suggestion.
			_, page = b.get("/cases/" + id)
			if form = fixForm(page, id); strings.Contains(form, "data-fix-suggested") {
				t.Errorf("suggestion note beside a recorded fix:\n%s", form)
			}

			// No fixed version known: an empty form, no note.
			other := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Exploited elsewhere"}, "vulns": {"CVE-2099-0007"},
				"versions": {s.version.ID}})
			_, page = b.get("/cases/" + other)
			form = fixForm(page, other)
			if !strings.Contains(form, `aria-describedby="fix-hint"></textarea>`) || strings.Contains(form, "data-fix-suggested") {
				t.Errorf("fix form of a case without a known fix:\n%s", form)
			}
		})
	}
}

// fixForm returns the case page's fix form.
func fixForm(page, id string) string {
	i := strings.Index(page, `action="/cases/`+id+`/fix"`)
	if i < 0 {
		return "(no fix form)"
	}
	end := strings.Index(page[i:], "</form>")
	if end < 0 {
		return page[i:]
	}
	return page[i : i+end]
}
