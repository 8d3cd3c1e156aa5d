package web_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/triage"
)

// The case page's findings show their VEX decision in the person's
// language, not as its code.
func TestCaseVEXDecisionTranslated(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		fs, err := s.svc.OrgFindings(ctx, s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 1}})
		if err != nil || len(fs.Findings) == 0 {
			t.Fatalf("findings: %v", err)
		}
		f := fs.Findings[0]
		if _, err := s.tri.Record(ctx, s.acme.ID, triage.Actor{Kind: "user", Label: "editor@acme.test"}, []triage.Decision{{FindingID: f.ID,
			Statement: triage.Statement{Status: model.StatusAffected, Action: "update", Scope: model.ScopeVersion}}}); err != nil {
			t.Fatal(err)
		}
		b := s.browser(t).login("editor@acme.test")
		id := s.openCase(t, b, url.Values{"type": {"aev"}, "title": {"Exploited flaw"}, "vulns": {f.VulnID}, "versions": {s.version.ID}})
		b.post("/lang", url.Values{"lang": {"it"}, "next": {"/cases/" + id}})
		_, page := b.get("/cases/" + id)
		if !strings.Contains(page, `<span class="badge astatus affected">Interessato</span>`) {
			t.Errorf("the case's VEX decision is not shown in Italian:\n%.3000s", section(page, "<main"))
		}
	})
}
