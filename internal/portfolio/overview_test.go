package portfolio_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
)

// count sums a dashboard's open findings, and its known-exploited ones.
func count(d portfolio.Dashboard) (open, kev int) {
	for _, c := range d.Counts {
		open += c.N
		if c.KEV {
			kev += c.N
		}
	}
	return open, kev
}

// TestDashboard checks the dashboard's figures against the version's
// findings, that they follow a new upload at once (the cached figures are
// recomputed after a finding event), and the trend's last day.
func TestDashboard(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		now := time.Now()
		d, err := svc.Dashboard(ctx, org, now)
		if err != nil {
			t.Fatal(err)
		}
		if open, _ := count(d); open != 0 || len(d.Urgent) != 0 || len(d.Top) != 0 || len(d.Trend) != portfolio.TrendDays {
			t.Fatalf("empty organisation: %+v", d)
		}
		res, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "demo.json")
		if err != nil {
			t.Fatal(err)
		}
		d, err = svc.Dashboard(ctx, org, now)
		if err != nil {
			t.Fatal(err)
		}
		open, kev := count(d)
		if open != res.Open || kev == 0 {
			t.Errorf("dashboard counts %d open (%d KEV), the upload left %d", open, kev, res.Open)
		}
		if len(d.Urgent) != 1 || d.Urgent[0].Open != open || d.Urgent[0].KEV != kev || d.Urgent[0].ProductName != "Linea HMI Gateway" {
			t.Errorf("urgent products: %+v", d.Urgent)
		}
		if len(d.Top) == 0 || !d.Top[0].KEV || d.Top[0].ProductName != "Linea HMI Gateway" || d.Top[0].VersionName != "4.2.0" {
			t.Errorf("top findings: %+v", d.Top)
		}
		if last := d.Trend[len(d.Trend)-1]; last.Open != open || d.Trend[0].Open != 0 {
			t.Errorf("trend from %d to %d, want 0 to %d", d.Trend[0].Open, last.Open, open)
		}
		// An SBOM without the vulnerable components resolves the
		// findings: the next dashboard shows none.
		empty := bytes.Replace(demoSBOM, []byte(`"components"`), []byte(`"components": [], "x-components"`), 1)
		if _, err := svc.Ingest(ctx, org, v.ID, empty, "empty.json"); err != nil {
			t.Fatal(err)
		}
		d, err = svc.Dashboard(ctx, org, now)
		if err != nil {
			t.Fatal(err)
		}
		if open, _ := count(d); open != 0 || len(d.Top) != 0 {
			t.Errorf("after resolution: %d open, top %d", open, len(d.Top))
		}
	})
}

// TestOrgFindings checks the organisation-wide list: every sort pages
// through the same findings without repeating one, the filters apply, and
// another organisation's product or version is not found.
func TestOrgFindings(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		res, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "demo.json")
		if err != nil {
			t.Fatal(err)
		}
		for _, sort := range []store.FindingSort{"", store.SortKEV, store.SortSeverity, store.SortEPSS, store.SortFirstSeen, store.SortComponent} {
			seen := map[string]bool{}
			q := store.OrgFindingQuery{FindingQuery: store.FindingQuery{State: model.FindingOpen, Sort: sort, Limit: 2}}
			for {
				page, err := svc.OrgFindings(ctx, org, q)
				if err != nil {
					t.Fatalf("sort %q: %v", sort, err)
				}
				for _, f := range page.Findings {
					if seen[f.ID] {
						t.Errorf("sort %q: %s twice", sort, f.ID)
					}
					seen[f.ID] = true
					if f.ProductName != "Linea HMI Gateway" || f.VersionName != "4.2.0" {
						t.Errorf("sort %q: names %q %q", sort, f.ProductName, f.VersionName)
					}
				}
				if page.Next == "" {
					break
				}
				q.Cursor = page.Next
			}
			if len(seen) != res.Open {
				t.Errorf("sort %q: %d findings, want %d", sort, len(seen), res.Open)
			}
		}
		yes := true
		kev, err := svc.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{KEV: &yes, Limit: 100}})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range kev.Findings {
			if !f.KEV {
				t.Errorf("kev filter kept %s", f.VulnID)
			}
		}
		search, err := svc.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 100}, Search: "LOG4J"})
		if err != nil || len(search.Findings) != 1 || search.Findings[0].VulnID != "CVE-2021-44228" {
			t.Errorf("search log4j: %+v %v", search.Findings, err)
		}
		if _, err := svc.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 10}, Search: "100%_"}); err != nil {
			t.Errorf("search with LIKE wildcards: %v", err)
		}
		other, err := svc.CreateOrg(ctx, "other")
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range []store.OrgFindingQuery{{FindingQuery: store.FindingQuery{VersionID: v.ID, Limit: 10}},
			{FindingQuery: store.FindingQuery{Limit: 10}, ProductID: v.ProductID}} {
			if _, err := svc.OrgFindings(ctx, other.ID, q); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("another organisation's version or product: %v", err)
			}
		}
		page, _ := svc.OrgFindings(ctx, org, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 1}})
		if _, err := svc.Finding(ctx, other.ID, page.Findings[0].ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("another organisation's finding: %v", err)
		}
		d, err := svc.Finding(ctx, org, page.Findings[0].ID)
		if err != nil || len(d.History) == 0 || d.Product.ID != v.ProductID {
			t.Errorf("finding detail: %+v %v", d, err)
		}
	})
}

// TestSearchKnowledgeBase finds by id, alias and package.
func TestSearchKnowledgeBase(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, _ string, _ model.Version, _ []byte) {
		ctx := context.Background()
		for q, want := range map[string]string{
			"CVE-2021-44228": "CVE-2021-44228", "GHSA-jfh8-c2jp-5v3q": "CVE-2021-44228",
			"pkg:maven/org.apache.logging.log4j/log4j-core": "CVE-2021-44228", "npm:lodash": "CVE-2021-23337",
			"pkg:npm/lodash@4.17.20": "CVE-2021-23337",
		} {
			vs, err := svc.SearchKnowledgeBase(ctx, q, 10)
			if err != nil || len(vs) == 0 || vs[0].ID != want {
				t.Errorf("%s: %+v %v", q, vs, err)
			}
		}
		if vs, err := svc.SearchKnowledgeBase(ctx, "CVE-1999-0001", 10); err != nil || len(vs) != 0 {
			t.Errorf("unknown id: %v %v", vs, err)
		}
	})
}

// TestSearchComponents pages a version's components in document order
// without the subject, and searches their name, group, version and
// package URL case-insensitively.
func TestSearchComponents(t *testing.T) {
	setup(t, func(t *testing.T, svc *portfolio.Service, org string, v model.Version, demoSBOM []byte) {
		ctx := context.Background()
		if m, err := svc.SearchComponents(ctx, org, v.ID, "", 0, 50); err != nil || m.Total != 0 || len(m.Components) != 0 {
			t.Fatalf("no SBOM yet: %+v %v", m, err)
		}
		if _, err := svc.Ingest(ctx, org, v.ID, demoSBOM, "demo.json"); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			q             string
			offset, limit int
			want          []string
			total         int
		}{
			{"", 0, 3, []string{"log4j-core", "spring-beans", "golang.org/x/net"}, 9},
			{"", 7, 3, []string{"openssl", "PLC runtime firmware"}, 9},
			{"FLASK", 0, 50, []string{"Flask"}, 1},
			{" org.springframework ", 0, 50, []string{"spring-beans"}, 1},
			{"2.28", 0, 50, []string{"requests"}, 1},
			{"pkg:npm/", 0, 50, []string{"lodash"}, 1},
			{"linea", 0, 50, nil, 0},
		} {
			m, err := svc.SearchComponents(ctx, org, v.ID, c.q, c.offset, c.limit)
			var got []string
			for _, comp := range m.Components {
				got = append(got, comp.Name)
			}
			if err != nil || !slices.Equal(got, c.want) || m.Total != c.total {
				t.Errorf("%q from %d: %v (total %d) %v, want %v (total %d)", c.q, c.offset, got, m.Total, err, c.want, c.total)
			}
		}
	})
}
