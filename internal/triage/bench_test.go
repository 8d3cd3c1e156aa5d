package triage_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/triage"
)

// benchFindings is the size of the bulk triage of issue 10's acceptance.
const benchFindings = 10_000

// setupBulk makes a SQLite database (a file, as served) with one version
// holding n open findings, each of its own package and vulnerability.
func setupBulk(b *testing.B, n int) (*sqlstore.Store, string, string, string) {
	b.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, filepath.Join(b.TempDir(), "rocca.db"))
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	svc := portfolio.New(st, discard(), sbom.Limits{})
	org := model.Organisation{Name: "acme"}
	if err := st.CreateOrg(ctx, &org); err != nil {
		b.Fatal(err)
	}
	p := model.Product{Name: "P", Role: model.RoleManufacturer}
	if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
		b.Fatal(err)
	}
	v := model.Version{ProductID: p.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
	if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
		b.Fatal(err)
	}
	at := time.Now().UTC()
	fs := make([]*model.TrackedFinding, n)
	for i := range fs {
		name := fmt.Sprintf("pkg%05d", i)
		purl := "pkg:pypi/" + name + "@1.0.0"
		vuln := fmt.Sprintf("CVE-2099-%05d", i)
		fs[i] = &model.TrackedFinding{VersionID: v.ID, ComponentKey: purl, Component: model.Component{Name: name, Version: "1.0.0", PURL: purl},
			Ecosystem: "PyPI", Package: name, VulnID: vuln, VulnIDs: []string{vuln, fmt.Sprintf("GHSA-bench-%05d", i)},
			Advisories: []string{vuln}, Summary: "a benchmark vulnerability", Severity: model.Severity{Rating: model.RatingHigh, Score: 7.5, Source: "bench"},
			FixedVersions: []string{"1.0.1"}, State: model.FindingOpen, FirstSeen: at, LastSeen: at}
	}
	if err := st.Ingest(ctx, org.ID, func(tx store.IngestTx) error { return tx.PutFindings(ctx, fs) }); err != nil {
		b.Fatal(err)
	}
	return st, org.ID, p.ID, v.ID
}

// BenchmarkBulkTriage: one not_affected statement applied to the 10,000
// findings of a version selected by a filter, in one transaction: one
// history entry, finding event and notification per finding. Version
// scope (each decision reaches its finding) and product scope (each
// decision is checked against every finding of its package in the
// organisation).
func BenchmarkBulkTriage(b *testing.B) {
	for _, scope := range []model.AnalysisScope{model.ScopeVersion, model.ScopeProduct} {
		b.Run(string(scope), func(b *testing.B) {
			st, org, _, version := setupBulk(b, benchFindings)
			svc := triage.New(st, discard(), nil)
			stmt := triage.Statement{Status: model.StatusNotAffected, Justification: "vulnerable_code_not_in_execute_path", Scope: scope,
				Detail: "bulk triage benchmark"}
			sel := triage.Selection{Filter: &store.FindingFilter{VersionID: version}}
			ctx := context.Background()
			cpu0 := cpuTime()
			for b.Loop() {
				res, err := svc.Bulk(ctx, org, ci, sel, stmt)
				if err != nil {
					b.Fatal(err)
				}
				if res.Recorded != benchFindings || res.Updated != benchFindings {
					b.Fatalf("%+v", res)
				}
			}
			// The machine is shared: the process's CPU time (user and
			// system, all threads) per triage tells what it costs apart
			// from waiting for a CPU.
			b.ReportMetric((cpuTime()-cpu0).Seconds()/float64(b.N), "cpu-s/op")
		})
	}
}
