package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/uid"
	"github.com/rocca-project/rocca/internal/web"
)

// Benchmark scale: the 1,000 products and 100,000 findings (one
// version each, 100 findings per version), with one event per finding
// spread over 60 days and a fifth of them resolved.
const (
	benchProducts = 1000
	benchPerVer   = 100
)

// fillBench writes the benchmark's organisation: products and versions
// through the use cases, findings and their events straight into the
// tables (matching 100,000 components would only slow the set-up down).
func fillBench(b *testing.B, st *sqlstore.Store, svc *portfolio.Service) model.Organisation {
	b.Helper()
	ctx := context.Background()
	org, err := svc.CreateOrg(ctx, "bench")
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	ratings := []model.Rating{model.RatingCritical, model.RatingHigh, model.RatingHigh, model.RatingMedium, model.RatingMedium,
		model.RatingMedium, model.RatingLow, "unknown"}
	now := time.Now().UTC().Truncate(time.Microsecond)
	const stamp = "2006-01-02T15:04:05.000000Z"
	// Products and versions first: SQLite has one writer connection, which
	// the findings' transaction below holds.
	var versions []string
	for p := 0; p < benchProducts; p++ {
		prod := model.Product{Name: fmt.Sprintf("Product %04d", p), Role: model.RoleManufacturer}
		if err := svc.CreateProduct(ctx, org.ID, &prod); err != nil {
			b.Fatal(err)
		}
		v := model.Version{ProductID: prod.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
		if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
			b.Fatal(err)
		}
		versions = append(versions, v.ID)
	}
	tx, err := st.DB().BeginTx(ctx, nil)
	if err != nil {
		b.Fatal(err)
	}
	rebind := func(q string) string {
		if st.Engine() != "postgres" {
			return q
		}
		var sb strings.Builder
		n := 0
		for _, r := range q {
			if r == '?' {
				n++
				fmt.Fprintf(&sb, "$%d", n)
				continue
			}
			sb.WriteRune(r)
		}
		return sb.String()
	}
	const fcols = `id, org_id, version_id, component_id, component_key, component_name, component_version, component_group,
		component_purl, ecosystem, package, vuln_id, vuln_ids, advisories, summary, severity_rating, severity_rank, severity_score,
		severity_vector, severity_source, kev, kev_date_added, epss_score, epss_percentile, fixed_versions, state, first_seen,
		last_seen, resolved_at`
	frow := "(" + strings.TrimSuffix(strings.Repeat("?, ", 29), ", ") + ")"
	erow := "(?, ?, ?, ?, ?, ?, ?)"
	for p, vid := range versions {
		var fargs, eargs []any
		for i := 0; i < benchPerVer; i++ {
			id := uid.New()
			r := ratings[rng.IntN(len(ratings))]
			kev := rng.IntN(50) == 0
			fixed := `[]`
			if rng.IntN(2) == 0 {
				fixed = `["2.0.1"]`
			}
			state, resolved := "open", ""
			first := now.Add(-time.Duration(rng.IntN(60*24)) * time.Hour)
			if rng.IntN(5) == 0 {
				state, resolved = "resolved", now.Format(stamp)
			}
			vuln := fmt.Sprintf("CVE-2026-%05d", rng.IntN(20000))
			fargs = append(fargs, id, org.ID, vid, "", fmt.Sprintf("pkg:npm/lib%d@1.%d", i, p), fmt.Sprintf("lib%d", i), fmt.Sprintf("1.%d", p), "",
				fmt.Sprintf("pkg:npm/lib%d@1.%d", i, p), "npm", fmt.Sprintf("lib%d", i), vuln, `["`+vuln+`"]`, `["GHSA-x"]`, "A vulnerability",
				string(r), r.Rank(), rng.Float64()*10, "", "", kev, "", rng.Float64(), rng.Float64(), fixed, state,
				first.Format(stamp), now.Format(stamp), resolved)
			eargs = append(eargs, org.ID, vid, id, "", "new", "", first.Format(stamp))
		}
		if _, err := tx.ExecContext(ctx, rebind(`INSERT INTO finding (`+fcols+`) VALUES `+strings.TrimSuffix(strings.Repeat(frow+", ", benchPerVer), ", ")), fargs...); err != nil {
			b.Fatal(err)
		}
		if _, err := tx.ExecContext(ctx, rebind(`INSERT INTO finding_event (org_id, version_id, finding_id, sbom_id, kind, detail, at) VALUES `+
			strings.TrimSuffix(strings.Repeat(erow+", ", benchPerVer), ", ")), eargs...); err != nil {
			b.Fatal(err)
		}
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	// Statistics for the planners; on PostgreSQL also the visibility map
	// that index-only scans need (autovacuum's work on a live server).
	analyse := `ANALYZE`
	if st.Engine() == "postgres" {
		analyse = `VACUUM ANALYZE`
	}
	if _, err := st.DB().ExecContext(ctx, analyse); err != nil {
		b.Fatal(err)
	}
	return org
}

// cpuTime is the process's CPU time so far (user and system).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// reportCPU reports the CPU time per operation since start: on a shared,
// loaded machine it moves less than the wall time (which includes the
// wait for a CPU). With PostgreSQL it leaves out the server's own time.
func reportCPU(b *testing.B, start time.Duration) {
	b.ReportMetric(float64(cpuTime()-start)/float64(time.Millisecond)/float64(b.N), "cpu-ms/op")
}

// BenchmarkPages measures the server time of the dashboard and the
// findings lists (rendering included) over 1,000 products and 100,000
// findings, on each test engine.
func BenchmarkPages(b *testing.B) {
	for _, e := range testutil.Engines(b) {
		b.Run(e.Name, func(b *testing.B) {
			ctx := context.Background()
			st, err := sqlstore.Open(ctx, e.URL)
			if err != nil {
				b.Fatal(err)
			}
			defer st.Close()
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			svc := portfolio.New(st, log, sbom.Limits{})
			org := fillBench(b, st, svc)
			acc := newFakeAccounts()
			acc.svc = svc
			acc.add("owner@bench.test", password, web.Membership{OrgID: org.ID, OrgName: org.Name, Role: web.RoleOwner})
			w, err := web.New(web.Options{Portfolio: svc, Accounts: acc, Log: log})
			if err != nil {
				b.Fatal(err)
			}
			tok, err := acc.Login(ctx, "owner@bench.test", password, "")
			if err != nil {
				b.Fatal(err)
			}
			get := func(b *testing.B, path string) string {
				req := httptest.NewRequest("GET", path, nil)
				req.AddCookie(&http.Cookie{Name: "rocca_session", Value: tok})
				rec := httptest.NewRecorder()
				w.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("%s: %d\n%.2000s", path, rec.Code, rec.Body.String())
				}
				return rec.Body.String()
			}
			// The second page of the default list, by its cursor.
			first := get(b, "/findings")
			i := strings.Index(first, `rel="next"`)
			j := strings.LastIndex(first[:max(i, 0)], `href="`)
			if i < 0 || j < 0 {
				b.Fatal("no next page link")
			}
			next := strings.ReplaceAll(first[j+len(`href="`):strings.Index(first[j+len(`href="`):], `"`)+j+len(`href="`)], "&amp;", "&")
			for _, q := range []struct {
				name string
				fn   func() error
			}{
				{"q-dashboard-cold", func() error {
					// A new service has no cached figures.
					_, err := portfolio.New(st, log, sbom.Limits{}).Dashboard(ctx, org.ID, time.Now())
					return err
				}},
				{"q-stats", func() error { _, err := st.OpenFindingStats(ctx, org.ID); return err }},
				{"q-events", func() error { _, err := st.EventCounts(ctx, org.ID, time.Now().AddDate(0, 0, -30)); return err }},
				{"q-top", func() error {
					_, err := st.OrgFindings(ctx, org.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{State: model.FindingOpen, Sort: store.SortKEV, Limit: 5}})
					return err
				}},
			} {
				b.Run(q.name, func(b *testing.B) {
					cpu := cpuTime()
					for b.Loop() {
						if err := q.fn(); err != nil {
							b.Fatal(err)
						}
					}
					reportCPU(b, cpu)
				})
			}
			for _, p := range []struct{ name, path string }{
				{"dashboard", "/"},
				{"findings", "/findings"},
				{"findings-page2", next},
				{"findings-high-epss", "/findings?severity=high&sort=epss"},
				{"findings-kev-fix-search", "/findings?kev=yes&fix=yes&q=lib4"},
				{"products", "/products?page=10"},
			} {
				b.Run(p.name, func(b *testing.B) {
					cpu := cpuTime()
					for b.Loop() {
						get(b, p.path)
					}
					reportCPU(b, cpu)
				})
			}
		})
	}
}
