package api_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/model"
)

func TestAnalysisEndpoints(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		put := func(id, body string) response {
			return s.do(t, "PUT", "/api/v1/findings/"+id+"/analysis", s.acmeKey, "application/json", []byte(body))
		}
		// Refusals name the field.
		for _, c := range []struct{ body, field string }{
			{`{"status":"not_affected"}`, "justification:"},
			{`{"status":"affected"}`, "action:"},
			{`{"status":"fixed","response":["patched"]}`, "response:"},
			{`{"status":"fixed","reviewDate":"tomorrow"}`, "reviewDate:"},
			{`{"status":"fixed","scope":"product","componentRange":"~1"}`, "componentRange:"},
			{`{"status":"fixed","colour":"red"}`, "request body:"},
			{`{"copyFrom":"3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81","status":"fixed"}`, "copyFrom:"},
			{`{"copyFrom":"3f2a6c1e-8b1d-4c55-9a7e-0d4b5e6f7a81"}`, "copyFrom:"},
		} {
			res := put(s.finding.ID, c.body)
			var p struct{ Detail string }
			res.decode(t, &p)
			if res.status != http.StatusBadRequest || res.header.Get("Content-Type") != "application/problem+json" || !strings.HasPrefix(p.Detail, c.field) {
				t.Errorf("%s: %d %s, want 400 naming %s", c.body, res.status, res.body, c.field)
			}
		}
		if res := s.get(t, "/api/v1/findings/"+s.finding.ID+"/analysis", s.acmeKey); !strings.Contains(string(res.body), `"current":null,"history":[]`) {
			t.Fatalf("refused statements were recorded: %s", res.body)
		}

		res := put(s.finding.ID, `{"status":"not_affected","justification":"component_not_present","impact":"the module is stripped",
			"response":["will_not_fix"],"detail":"checked by the build","scope":"organisation","reviewDate":"2999-01-01"}`)
		var ans struct {
			Decision        model.Analysis
			Effective       model.FindingAnalysis
			FindingsUpdated int
		}
		res.decode(t, &ans)
		if res.status != http.StatusOK || ans.Decision.Status != model.StatusNotAffected || ans.Effective.ID != ans.Decision.ID ||
			ans.Decision.DecidedBy != "test" || ans.FindingsUpdated != 1 || ans.Decision.Origin.VersionID != s.version.ID {
			t.Fatalf("PUT: %d %s", res.status, res.body)
		}
		var hist struct {
			Current model.FindingAnalysis
			History []model.Analysis
		}
		s.get(t, "/api/v1/findings/"+s.finding.ID+"/analysis", s.acmeKey).decode(t, &hist)
		if hist.Current.Scope != model.ScopeOrganisation || len(hist.History) != 1 || hist.Current.NeedsReview {
			t.Fatalf("GET: %+v", hist)
		}
		// The findings list carries the analysis and filters by it.
		var page struct{ Items []model.TrackedFinding }
		res = s.get(t, "/api/v1/versions/"+s.version.ID+"/findings?analysis=not_affected", s.acmeKey)
		res.decode(t, &page)
		if len(page.Items) != 1 || page.Items[0].ID != s.finding.ID || page.Items[0].Analysis == nil ||
			page.Items[0].Analysis.Justification != "component_not_present" || page.Items[0].Analysis.Origin.FindingID != s.finding.ID {
			t.Fatalf("analysis filter: %s", res.body)
		}
		for _, q := range []string{"analysis=wontfix", "actionable=maybe", "needs_review=2"} {
			if res := s.get(t, "/api/v1/versions/"+s.version.ID+"/findings?"+q, s.acmeKey); res.status != http.StatusBadRequest {
				t.Errorf("%s: %d", q, res.status)
			}
		}
		var all, actionable struct{ Items []model.TrackedFinding }
		s.get(t, "/api/v1/versions/"+s.version.ID+"/findings", s.acmeKey).decode(t, &all)
		s.get(t, "/api/v1/versions/"+s.version.ID+"/findings?actionable=true", s.acmeKey).decode(t, &actionable)
		if len(actionable.Items) != len(all.Items)-1 {
			t.Errorf("actionable: %d of %d", len(actionable.Items), len(all.Items))
		}

		var sum model.FindingSummary
		s.get(t, "/api/v1/versions/"+s.version.ID+"/findings/summary", s.acmeKey).decode(t, &sum)
		if sum.Open != len(all.Items) || sum.Actionable != len(all.Items)-1 || sum.ByAnalysis["not_affected"] != 1 ||
			sum.ByAnalysis["none"] != len(all.Items)-1 || sum.NeedsReview != 0 {
			t.Errorf("summary %+v of %d findings", sum, len(all.Items))
		}

		// Bulk: by filter, then refusals.
		bulk := func(body string) response {
			return s.do(t, "POST", "/api/v1/findings/analysis", s.acmeKey, "application/json", []byte(body))
		}
		res = bulk(`{"filter":{"versionId":"` + s.version.ID + `","analysis":["none"]},"status":"under_investigation"}`)
		var br struct{ Recorded, FindingsUpdated int }
		res.decode(t, &br)
		if res.status != http.StatusOK || br.Recorded != len(all.Items)-1 || br.FindingsUpdated != br.Recorded {
			t.Fatalf("bulk by filter: %d %s (%d findings)", res.status, res.body, len(all.Items))
		}
		for _, body := range []string{
			`{"status":"fixed"}`,
			`{"status":"fixed","findingIds":["` + s.finding.ID + `"],"filter":{"versionId":"` + s.version.ID + `"}}`,
			`{"status":"fixed","filter":{"state":"open"}}`,
			`{"status":"fixed","filter":{"versionId":"v1"}}`,
			`{"status":"fixed","filter":{"versionId":"` + s.version.ID + `","severity":"huge"}}`,
			`{"status":"fixed","filter":{"versionId":"` + s.version.ID + `","analysis":["done"]}}`,
			`{"status":"fixed","findingIds":["not-an-id"]}`,
		} {
			if res := bulk(body); res.status != http.StatusBadRequest {
				t.Errorf("bulk %s: %d %s", body, res.status, res.body)
			}
		}

		// Related decisions of another version, and copying one.
		v2 := model.Version{ProductID: s.product.ID, Name: "4.3.0"}
		if err := s.svc.CreateVersion(t.Context(), s.acme.ID, &v2); err != nil {
			t.Fatal(err)
		}
		if _, err := s.svc.Ingest(t.Context(), s.acme.ID, v2.ID, s.demo, "hmi.cdx.json"); err != nil {
			t.Fatal(err)
		}
		var page2 struct{ Items []model.TrackedFinding }
		s.get(t, "/api/v1/versions/"+v2.ID+"/findings?limit=1000", s.acmeKey).decode(t, &page2)
		var twin model.TrackedFinding
		for _, f := range page2.Items {
			if f.ComponentKey == s.finding.ComponentKey && f.VulnID == s.finding.VulnID {
				twin = f
			}
		}
		// The organisation-wide decision reached the new version.
		if twin.Analysis == nil || !twin.Analysis.Inherited || twin.Analysis.Status != model.StatusNotAffected {
			t.Fatalf("4.3.0's finding: %+v", twin)
		}
		var rel struct{ Items []model.Analysis }
		s.get(t, "/api/v1/findings/"+twin.ID+"/analysis/related", s.acmeKey).decode(t, &rel)
		if len(rel.Items) != 1 || rel.Items[0].ID != ans.Decision.ID {
			t.Fatalf("related: %+v", rel.Items)
		}
		res = put(twin.ID, `{"copyFrom":"`+rel.Items[0].ID+`"}`)
		res.decode(t, &ans)
		if res.status != http.StatusOK || ans.Effective.Scope != model.ScopeVersion || ans.Effective.Impact != "the module is stripped" ||
			ans.Decision.Source != "copy:"+rel.Items[0].ID {
			t.Fatalf("copy: %d %s", res.status, res.body)
		}
	})
}
