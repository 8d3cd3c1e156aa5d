package api_test

import (
	"bytes"
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

func TestPortfolioEndpoints(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		key := s.acmeKey
		// Create a product and a version, upload an SBOM synchronously.
		res := s.do(t, "POST", "/api/v1/products", key, "application/json",
			[]byte(`{"name":"Press controller","craRole":"importer","supportPeriodEnd":"2032-06-30","securityContact":"psirt@example.com"}`))
		var p model.Product
		res.decode(t, &p)
		if res.status != 201 || p.Role != model.RoleImporter || p.SupportEnd.Year() != 2032 || res.header.Get("Location") == "" {
			t.Fatalf("create product: %d %s", res.status, res.body)
		}
		res = s.do(t, "POST", "/api/v1/products/"+p.ID+"/versions", key, "application/json", []byte(`{"name":"1.0","lifecycle":"on_market","releaseDate":"2026-01-15"}`))
		var v model.Version
		res.decode(t, &v)
		if res.status != 201 || v.Lifecycle != model.LifecycleOnMarket {
			t.Fatalf("create version: %d %s", res.status, res.body)
		}
		doc := demokb.WithGraph(s.demo)
		res = s.do(t, "POST", "/api/v1/versions/"+v.ID+"/sboms?name=hmi.cdx.json", key, "application/vnd.cyclonedx+json", doc)
		var ing struct {
			SBOM      model.StoredSBOM
			Duplicate bool
			New       int
		}
		res.decode(t, &ing)
		if res.status != 201 || ing.New == 0 || ing.SBOM.Name != "hmi.cdx.json" {
			t.Fatalf("upload: %d %s", res.status, res.body)
		}
		if res := s.do(t, "POST", "/api/v1/versions/"+v.ID+"/sboms", key, "", doc); res.status != 200 {
			t.Errorf("duplicate upload: %d %s", res.status, res.body)
		}
		// Download: the original bytes.
		res = s.get(t, "/api/v1/sboms/"+ing.SBOM.ID+"/content", key)
		if res.status != 200 || !bytes.Equal(res.body, doc) {
			t.Errorf("download: %d, %d bytes, want %d", res.status, len(res.body), len(doc))
		}
		// Components, one page at a time, then one with its path.
		var comps []model.StoredComponent
		path := "/api/v1/versions/" + v.ID + "/components?limit=4"
		for path != "" {
			var page struct {
				Items []model.StoredComponent
				Next  string
			}
			s.get(t, path, key).decode(t, &page)
			comps = append(comps, page.Items...)
			path = ""
			if page.Next != "" {
				path = "/api/v1/versions/" + v.ID + "/components?limit=4&cursor=" + page.Next
			}
		}
		if len(comps) != 9 {
			t.Fatalf("%d components, want 9", len(comps))
		}
		for _, c := range comps {
			if c.Name != "log4j-core" {
				continue
			}
			var cp struct {
				Name string
				Path []struct{ Name string }
			}
			s.get(t, "/api/v1/components/"+c.ID, key).decode(t, &cp)
			if cp.Name != "log4j-core" || cp.Path == nil {
				t.Errorf("component: %+v", cp)
			}
			if len(cp.Path) > 0 && (len(cp.Path) != 3 || cp.Path[1].Name != "spring-beans") {
				t.Errorf("path: %+v", cp.Path)
			}
		}
		// Findings: filters and cursor pagination.
		var all struct{ Items []model.TrackedFinding }
		s.get(t, "/api/v1/versions/"+v.ID+"/findings?limit=1000", key).decode(t, &all)
		var paged []model.TrackedFinding
		path = "/api/v1/versions/" + v.ID + "/findings?limit=2&sort=epss"
		for path != "" {
			var page struct {
				Items []model.TrackedFinding
				Next  string
			}
			s.get(t, path, key).decode(t, &page)
			paged = append(paged, page.Items...)
			path = ""
			if page.Next != "" {
				path = "/api/v1/versions/" + v.ID + "/findings?limit=2&sort=epss&cursor=" + page.Next
			}
		}
		if len(all.Items) == 0 || len(paged) != len(all.Items) {
			t.Errorf("%d findings paged, %d in one page", len(paged), len(all.Items))
		}
		var kev struct{ Items []model.TrackedFinding }
		s.get(t, "/api/v1/versions/"+v.ID+"/findings?kev=true&severity=critical&state=open", key).decode(t, &kev)
		if len(kev.Items) == 0 {
			t.Error("no open critical KEV finding")
		}
		for _, f := range kev.Items {
			if !f.KEV || f.Severity.Rating != model.RatingCritical {
				t.Errorf("filter let through %+v", f)
			}
		}
		var evs struct {
			Items []model.FindingEvent
			Next  string
		}
		s.get(t, "/api/v1/versions/"+v.ID+"/finding-events?limit=1", key).decode(t, &evs)
		if len(evs.Items) != 1 || evs.Next == "" || evs.Items[0].Kind != model.EventNew {
			t.Errorf("events: %+v", evs)
		}
		// Knowledge base lookup by an alias.
		var vu model.Vulnerability
		res = s.get(t, "/api/v1/vulnerabilities/CVE-2021-44228", key)
		res.decode(t, &vu)
		if res.status != 200 || vu.ID != "CVE-2021-44228" || vu.KEV == nil || len(vu.IDs) < 2 {
			t.Errorf("vulnerability: %d %s", res.status, res.body)
		}
		if res := s.get(t, "/api/v1/vulnerabilities/CVE-1999-0001", key); res.status != 404 {
			t.Errorf("unknown vulnerability: %d", res.status)
		}
		// Bearer authentication; a revoked key is refused.
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/organisation", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		r, err := s.Client().Do(req)
		if err != nil || r.StatusCode != 200 {
			t.Fatalf("bearer: %v %v", r, err)
		}
		r.Body.Close()
		k, _ := s.svc.Authenticate(context.Background(), key)
		if err := s.st.RevokeAPIKey(context.Background(), k.ID, time.Now()); err != nil {
			t.Fatal(err)
		}
		if res := s.get(t, "/api/v1/organisation", key); res.status != 401 || res.header.Get("WWW-Authenticate") == "" {
			t.Errorf("revoked key: %d", res.status)
		}
		if res := s.get(t, "/readyz", ""); res.status != 200 {
			t.Errorf("readyz: %d", res.status)
		}
	})
}
