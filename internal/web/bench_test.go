package web_test

import (
	"bytes"
	"cmp"
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"math/rand/v2"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/uid"
	"github.com/rocca-project/rocca/internal/vexchange"
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

// largestCycloneDX returns the biggest CycloneDX document under the shared
// SBOM corpora that the portfolio reads and that has a serial number (each
// upload gets a new one, so that none is recognised as already stored), or
// skips the benchmark when the corpora are absent.
func largestCycloneDX(b *testing.B, svc *portfolio.Service) (name string, raw []byte) {
	b.Helper()
	root := filepath.Join(testutil.Corpora(b), "sbom")
	type cand struct {
		path string
		size int64
	}
	var cands []cand
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		if ext := filepath.Ext(path); ext != ".json" && ext != ".xml" {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		cands = append(cands, cand{path, info.Size()})
		return nil
	})
	if err != nil {
		b.Fatalf("walk %s: %v", root, err)
	}
	slices.SortFunc(cands, func(x, y cand) int { return cmp.Compare(y.size, x.size) })
	for _, c := range cands {
		raw, err := os.ReadFile(c.path)
		if err != nil {
			b.Fatal(err)
		}
		if !bytes.Contains(raw, []byte("CycloneDX")) && !bytes.Contains(raw, []byte("cyclonedx")) || !serialRe.Match(raw) {
			continue
		}
		doc, err := svc.Parse(raw, filepath.Base(c.path))
		if err != nil || !strings.EqualFold(doc.Format, "CycloneDX") {
			continue
		}
		rel, _ := filepath.Rel(root, c.path)
		b.Logf("upload document: %s (%d bytes, %d components)", rel, len(raw), len(doc.Components))
		return filepath.Base(c.path), raw
	}
	b.Skipf("no CycloneDX document with a serial number under %s", root)
	return "", nil
}

var serialRe = regexp.MustCompile(`urn:uuid:[0-9a-fA-F-]{36}`)

// uploader posts an SBOM to a version's upload page again and again, each
// time with a new serial number, through the web handler and the server's
// upload queue, while it is on.
type uploader struct {
	post func(raw []byte) error
	doc  []byte

	stopping atomic.Bool
	done     chan struct{}
	// ingests counts the uploads completed since start; took sums their
	// time.
	ingests atomic.Int64
	took    atomic.Int64
	err     atomic.Pointer[error]
}

// start begins uploading in the background.
func (u *uploader) start() {
	u.stopping.Store(false)
	u.ingests.Store(0)
	u.took.Store(0)
	u.done = make(chan struct{})
	go func() {
		defer close(u.done)
		for !u.stopping.Load() {
			raw := serialRe.ReplaceAllLiteral(u.doc, []byte("urn:uuid:"+uid.New()))
			t := time.Now()
			if err := u.post(raw); err != nil {
				u.err.Store(&err)
				return
			}
			u.took.Add(int64(time.Since(t)))
			u.ingests.Add(1)
		}
	}()
}

// stop waits for the upload in progress to finish and reports whether
// one failed.
func (u *uploader) stop() error {
	u.stopping.Store(true)
	<-u.done
	if p := u.err.Load(); p != nil {
		return *p
	}
	return nil
}

// quantile returns the q-quantile (nearest rank) of sorted durations, in
// milliseconds.
func quantile(sorted []time.Duration, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(q*float64(len(sorted)))) - 1
	return float64(sorted[max(i, 0)]) / float64(time.Millisecond)
}

// minIngests is how many whole uploads the measurement during an upload
// spans at least, so that its requests meet every phase of an ingestion
// (reading, matching, the write transaction) in their real proportions.
const minIngests = 2

// BenchmarkPagesDuringUpload measures the server time of every page over
// 1,000 products and 100,000 findings, idle and while an SBOM upload is
// being processed: each run makes its first half of the requests idle and
// the rest while the biggest CycloneDX document of the shared corpora is
// uploaded again and again through the version's upload page (the web
// handler, the server's upload queue and its workers, ingestion into the
// database), spanning at least minIngests whole uploads. It reports the
// median and 95th percentile of each half (idle-p50-ms, idle-p95-ms,
// upload-p50-ms, upload-p95-ms), the uploads completed and their mean
// time (ingests, ingest-ms); ns/op mixes both halves. Run it with -count
// to alternate idle and upload measurements.
func BenchmarkPagesDuringUpload(b *testing.B) {
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
			docName, doc := largestCycloneDX(b, svc)
			// The demonstration knowledge base: uploads are matched
			// against advisories, and the search page finds them.
			feeds, _, err := demo.WriteTo(b.TempDir())
			if err != nil {
				b.Fatal(err)
			}
			demokb.Import(b, st, feeds...)
			org := fillBench(b, st, svc)
			// A product whose versions have SBOMs: one ingested once (its
			// version and components pages), one receiving the uploads.
			prod := model.Product{Name: "Product upload", Role: model.RoleManufacturer}
			if err := svc.CreateProduct(ctx, org.ID, &prod); err != nil {
				b.Fatal(err)
			}
			stored := model.Version{ProductID: prod.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
			target := model.Version{ProductID: prod.ID, Name: "2.0", Lifecycle: model.LifecycleOnMarket}
			for _, v := range []*model.Version{&stored, &target} {
				if err := svc.CreateVersion(ctx, org.ID, v); err != nil {
					b.Fatal(err)
				}
			}
			if _, err := svc.Ingest(ctx, org.ID, stored.ID, doc, docName); err != nil {
				b.Fatal(err)
			}
			var someVersion, someFinding, someProduct string
			if err := st.DB().QueryRowContext(ctx, `SELECT f.id, f.version_id, v.product_id FROM finding f
				JOIN product_version v ON v.id = f.version_id WHERE f.org_id = '`+org.ID+`' ORDER BY f.id LIMIT 1 OFFSET 50000`).
				Scan(&someFinding, &someVersion, &someProduct); err != nil {
				b.Fatal(err)
			}
			q := portfolio.NewQueue(svc, config.DefaultWorkers, config.DefaultBacklog, config.DefaultQueueBytes)
			defer func() { _ = q.Shutdown(context.Background()) }()
			tri := triage.New(st, log, nil)
			cs, err := cases.New(st, log, cases.Options{})
			if err != nil {
				b.Fatal(err)
			}
			acc := newFakeAccounts()
			acc.svc = svc
			acc.add("owner@bench.test", password, web.Membership{OrgID: org.ID, OrgName: org.Name, Role: web.RoleOwner})
			newWeb := func(svc *portfolio.Service) *web.Web {
				w, err := web.New(web.Options{Portfolio: svc, Queue: q, Accounts: acc, Triage: tri, VEX: vexchange.New(st, tri, log, nil),
					KBStats: st.Stats, Cases: cs, NotAffected: cs.NotAffectedVia(tri), Log: log})
				if err != nil {
					b.Fatal(err)
				}
				return w
			}
			w := newWeb(svc)
			tok, err := acc.Login(ctx, "owner@bench.test", password, "")
			if err != nil {
				b.Fatal(err)
			}
			serve := func(w *web.Web, req *http.Request) *httptest.ResponseRecorder {
				req.AddCookie(&http.Cookie{Name: "rocca_session", Value: tok})
				rec := httptest.NewRecorder()
				w.ServeHTTP(rec, req)
				return rec
			}
			uploadPath := "/versions/" + target.ID + "/upload"
			m := csrfRe.FindStringSubmatch(serve(w, httptest.NewRequest("GET", uploadPath, nil)).Body.String())
			if m == nil {
				b.Fatal("no form token on the upload page")
			}
			// ROCCA_BENCH_BACKGROUND=parse makes the background work only
			// read the document (the CPU-heaviest part of an ingestion),
			// without the queue or the database: a control for telling
			// waits on the database from competition for the CPU.
			parseOnly := os.Getenv("ROCCA_BENCH_BACKGROUND") == "parse"
			if parseOnly {
				b.Log("background: reading the document only (ROCCA_BENCH_BACKGROUND=parse)")
			}
			up := &uploader{doc: doc, post: func(raw []byte) error {
				if parseOnly {
					_, err := svc.Parse(raw, docName)
					return err
				}
				var body bytes.Buffer
				mw := multipart.NewWriter(&body)
				if err := mw.WriteField("csrf", m[1]); err != nil {
					return err
				}
				fw, err := mw.CreateFormFile("sbom", docName)
				if err != nil {
					return err
				}
				if _, err := fw.Write(raw); err != nil {
					return err
				}
				if err := mw.Close(); err != nil {
					return err
				}
				req := httptest.NewRequest("POST", uploadPath, &body)
				req.Header.Set("Content-Type", mw.FormDataContentType())
				if rec := serve(w, req); rec.Code != http.StatusOK {
					return fmt.Errorf("upload: %d\n%.2000s", rec.Code, rec.Body.String())
				}
				return nil
			}}
			for _, p := range []struct {
				name, path string
				// cold serves every request from a new portfolio service,
				// whose dashboard figures are not cached yet.
				cold bool
			}{
				{"dashboard", "/", false},
				{"dashboard-cold", "/", true},
				{"findings", "/findings", false},
				{"findings-high-epss", "/findings?severity=high&sort=epss", false},
				{"version-findings", "/versions/" + someVersion + "/findings", false},
				{"finding", "/findings/" + someFinding, false},
				{"products", "/products", false},
				{"products-page10", "/products?page=10", false},
				{"product", "/products/" + someProduct, false},
				{"version", "/versions/" + stored.ID, false},
				{"components", "/versions/" + stored.ID + "/components", false},
				{"kb-search-id", "/kb?q=CVE-2021-44228", false},
				{"kb-search-package", "/kb?q=npm:lodash", false},
				{"cases", "/cases", false},
			} {
				b.Run(p.name, func(b *testing.B) {
					get := func() time.Duration {
						h := w
						if p.cold {
							b.StopTimer()
							h = newWeb(portfolio.New(st, log, sbom.Limits{}))
							b.StartTimer()
						}
						req := httptest.NewRequest("GET", p.path, nil)
						t := time.Now()
						rec := serve(h, req)
						d := time.Since(t)
						if rec.Code != http.StatusOK {
							b.Fatalf("%s: %d\n%.2000s", p.path, rec.Code, rec.Body.String())
						}
						return d
					}
					var idle, busy []time.Duration
					half := b.N / 2
					for range b.N - half {
						idle = append(idle, get())
					}
					if half > 0 {
						b.StopTimer()
						up.start()
						b.StartTimer()
						for len(busy) < half || up.ingests.Load() < minIngests {
							busy = append(busy, get())
						}
						b.StopTimer()
						if err := up.stop(); err != nil {
							b.Fatal(err)
						}
						n := up.ingests.Load()
						b.ReportMetric(float64(n), "ingests")
						b.ReportMetric(float64(up.took.Load())/float64(max(n, 1))/float64(time.Millisecond), "ingest-ms")
					}
					slices.Sort(idle)
					slices.Sort(busy)
					b.ReportMetric(quantile(idle, 0.5), "idle-p50-ms")
					b.ReportMetric(quantile(idle, 0.95), "idle-p95-ms")
					if len(busy) > 0 {
						b.ReportMetric(quantile(busy, 0.5), "upload-p50-ms")
						b.ReportMetric(quantile(busy, 0.95), "upload-p95-ms")
						b.ReportMetric(float64(len(busy)), "upload-n")
					}
				})
			}
		})
	}
}
