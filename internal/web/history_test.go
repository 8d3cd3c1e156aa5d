package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// TestFindingHistoryInItalian, on both engines: each kind of detail rocca
// writes into a finding's history (packages findings and triage) is shown
// in Italian on the finding's page, not in English; a detail rocca did not
// word (another version's) is shown as it is, marked English.
func TestFindingHistoryInItalian(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) {
			s := newSiteOn(t, e.Store, demo)
			testFindingHistoryInItalian(t, s, e.Store)
		})
	}
}

func testFindingHistoryInItalian(t *testing.T, s *site, st store.Ingester) {
	tests := []struct {
		kind   model.FindingEventKind
		detail string
		want   string // the detail as the Italian page shows it
	}{
		{model.EventNew, "reopened: matches again", "riaperta: di nuovo riscontrata"},
		{model.EventExploited, "known exploited: listed in CISA KEV since 2026-12-06; EUVD",
			"sfruttata attivamente: presente in CISA KEV dal 6 dic 2026; EUVD"},
		{model.EventChanged, "no longer listed as known exploited", "non più elencata tra le vulnerabilità sfruttate attivamente"},
		{model.EventSeverity, "severity medium 5.3 → high 7.5", "gravità Media 5,3 → Alta 7,5"},
		{model.EventFixAvailable, "fixed versions [] → [2.31.0]", "versioni corrette [] → [2.31.0]"},
		{model.EventChanged, "fixed versions [2.31.0] → [2.31.0, 3.0.1]", "versioni corrette [2.31.0] → [2.31.0, 3.0.1]"},
		{model.EventWithdrawn, "every advisory of the vulnerability was withdrawn: GHSA-aaaa-bbbb-cccc",
			"tutti gli avvisi di sicurezza della vulnerabilità sono stati ritirati: GHSA-aaaa-bbbb-cccc"},
		{model.EventResolved, "no longer matches (the current SBOM)", "non più riscontrata (la SBOM attuale)"},
		{model.EventResolved, "no longer matches (knowledge base update)", "non più riscontrata (aggiornamento della base di conoscenza)"},
		{model.EventAnalysisReview, "the product decision (not_affected) needs review: its review date passed (2027-03-01)",
			"la decisione (ambito prodotto, non interessato) va riesaminata: la data di revisione è passata (1 mar 2027)"},
		{model.EventAnalysisReview, "the organisation decision (affected) needs review: it became known exploited; a fix is available (2.31.0)",
			"la decisione (ambito organizzazione, interessato) va riesaminata: è diventata nota come sfruttata; è disponibile una correzione (2.31.0)"},
		{model.EventAnalysis, "not_affected (component_not_present), product scope, decided by ada@example.com, inherited from finding f9 of version v9",
			"non interessato (componente assente), ambito prodotto, decisa da ada@example.com, ereditata dalla rilevazione f9 della versione v9"},
		{model.EventAnalysis, "under_investigation, version scope", "in esame, ambito versione"},
	}
	f := s.versionFindings(t, s.version.ID)[0]
	at := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)
	evs := []model.FindingEvent{{FindingID: f.ID, VersionID: s.version.ID, Kind: model.EventChanged,
		Detail: "written by another version of rocca", At: at}}
	for i, c := range tests {
		evs = append(evs, model.FindingEvent{FindingID: f.ID, VersionID: s.version.ID, Kind: c.kind, Detail: c.detail,
			At: at.Add(time.Duration(i+1) * time.Minute)})
	}
	if err := st.Ingest(context.Background(), s.acme.ID, func(tx store.IngestTx) error {
		return tx.AddEvents(context.Background(), evs)
	}); err != nil {
		t.Fatal(err)
	}
	b := s.browser(t).login("viewer@acme.test")
	b.post("/lang", url.Values{"lang": {"it"}, "next": {"/"}})
	code, body := b.get("/findings/" + f.ID)
	if code != http.StatusOK {
		t.Fatalf("finding page: %d", code)
	}
	hist := historyOf(t, body)
	for _, c := range tests {
		t.Run(c.detail, func(t *testing.T) {
			if !strings.Contains(hist, `<span class="meta">(`+c.want+`)</span>`) {
				t.Errorf("history lacks %q (untranslated or marked English)\n%s", c.want, hist)
			}
			if strings.Contains(hist, "("+c.detail+")") {
				t.Errorf("history shows the English %q", c.detail)
			}
		})
	}
	if !strings.Contains(hist, `<span class="meta" lang="en">(written by another version of rocca)</span>`) {
		t.Errorf("a detail rocca did not word is not shown as it is, marked English\n%s", hist)
	}

	// In English the page shows the stored wording, without the mark.
	b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	_, body = b.get("/findings/" + f.ID)
	if hist := historyOf(t, body); !strings.Contains(hist, `<span class="meta">(no longer matches (the current SBOM))</span>`) {
		t.Errorf("English history:\n%s", hist)
	}
}

var historyRe = regexp.MustCompile(`(?s)<ol class="history">.*?</ol>`)

// historyOf is a finding page's history list, unescaped.
func historyOf(t *testing.T, body string) string {
	t.Helper()
	h := historyRe.FindString(body)
	if h == "" {
		t.Fatalf("no history on the page\n%s", body)
	}
	return html.UnescapeString(h)
}
