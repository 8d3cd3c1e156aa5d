package api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// Benchmarks of the server path. Figures: BENCHMARKS.md, section "Issue #4 —
// portfolio server"; bench/portfolio.sh runs the whole measurement on both
// engines.
//
//	ROCCA_BENCH_DB    a knowledge base to ingest against: a SQLite file or a
//	                  postgres:// URL. Either is copied first (the file and
//	                  its WAL; the PostgreSQL database with CREATE DATABASE
//	                  … TEMPLATE, so nobody may be connected to it), so the
//	                  benchmark never writes into it. Default: the demo
//	                  knowledge base.
//	ROCCA_BENCH_SBOM  the SBOM to upload (e.g. bench/gensbom -n 10000);
//	                  default: 10,000 synthetic npm components.

// benchStore opens a copy of the knowledge base named by ROCCA_BENCH_DB.
func benchStore(b *testing.B) (*sqlstore.Store, string) {
	b.Helper()
	src := os.Getenv("ROCCA_BENCH_DB")
	if src == "" {
		es, _ := demokb.Open(b)
		return es[0].Store, "demo knowledge base (SQLite)"
	}
	var u, name string
	if sqlstore.IsPostgres(src) {
		u, name = benchCopyPostgres(b, src)
	} else {
		u, name = benchCopySQLite(b, src), filepath.Base(src)
	}
	st, err := sqlstore.Open(context.Background(), u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	info, err := st.Stats(context.Background())
	if err != nil {
		b.Fatal(err)
	}
	if info.Advisories == 0 {
		b.Fatalf("ROCCA_BENCH_DB %s holds no advisories", name)
	}
	return st, fmt.Sprintf("%s (%s, %d advisories)", name, st.Engine(), info.Advisories)
}

// benchCopySQLite copies the SQLite file src (and its WAL) into a temporary
// directory and returns the copy's path.
func benchCopySQLite(b *testing.B, src string) string {
	b.Helper()
	dst := filepath.Join(b.TempDir(), "kb.db")
	for _, suffix := range []string{"", "-wal"} {
		data, err := os.ReadFile(src + suffix)
		if err != nil {
			if suffix == "" || !errors.Is(err, fs.ErrNotExist) {
				b.Fatalf("copy knowledge base: %v", err)
			}
			continue
		}
		if err := os.WriteFile(dst+suffix, data, 0o600); err != nil {
			b.Fatalf("copy knowledge base: %v", err)
		}
	}
	return dst
}

// benchCopyPostgres creates a new database from the PostgreSQL database src
// as its template (a file-level copy made by the server), dropped when the
// benchmark ends, and returns its URL and a printable name.
func benchCopyPostgres(b *testing.B, src string) (string, string) {
	b.Helper()
	u, err := url.Parse(src)
	if err != nil {
		b.Fatalf("ROCCA_BENCH_DB: %v", err)
	}
	tmpl := strings.TrimPrefix(u.Path, "/")
	if tmpl == "" {
		b.Fatalf("ROCCA_BENCH_DB %s names no database", u.Redacted())
	}
	// CREATE DATABASE runs from another database of the same server.
	admin := *u
	admin.Path = "/postgres"
	db, err := sql.Open("pgx", admin.String())
	if err != nil {
		b.Fatalf("connect to %s: %v", admin.Redacted(), err)
	}
	defer db.Close()
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "rocca_bench_" + hex.EncodeToString(rnd[:])
	ctx := context.Background()
	q := fmt.Sprintf(`CREATE DATABASE %s TEMPLATE %s`, name, pgIdent(tmpl))
	if _, err := db.ExecContext(ctx, q); err != nil {
		b.Fatalf("copy knowledge base %s: %v", tmpl, err)
	}
	b.Cleanup(func() {
		db, err := sql.Open("pgx", admin.String())
		if err != nil {
			b.Logf("drop %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			b.Logf("drop %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String(), tmpl
}

// pgIdent quotes a PostgreSQL identifier.
func pgIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

func benchSBOM(b *testing.B) []byte {
	b.Helper()
	if p := os.Getenv("ROCCA_BENCH_SBOM"); p != "" {
		data, err := os.ReadFile(p)
		if err != nil {
			b.Fatal(err)
		}
		return data
	}
	var comps []map[string]string
	for i := range 10000 {
		name := fmt.Sprintf("bench-%05d", i)
		comps = append(comps, map[string]string{"type": "library", "bom-ref": name, "name": name, "version": "1.0.0",
			"purl": "pkg:npm/" + name + "@1.0.0"})
	}
	doc, _ := json.Marshal(map[string]any{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": comps})
	return doc
}

// BenchmarkUploadSBOM uploads an SBOM to a new version through the API
// (POST /api/v1/versions/{version}/sboms, synchronous) until its findings
// are stored.
func BenchmarkUploadSBOM(b *testing.B) {
	st, kbName := benchStore(b)
	doc := benchSBOM(b)
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := portfolio.New(st, log, sbom.Limits{})
	srv := httptest.NewServer(api.New(api.Options{Service: svc, Log: log, Ready: st.Ready}))
	defer srv.Close()
	org := model.Organisation{Name: fmt.Sprintf("bench-%d", time.Now().UnixNano())}
	if err := st.CreateOrg(ctx, &org); err != nil {
		b.Fatal(err)
	}
	key, _, err := svc.CreateAPIKey(ctx, org.Name, "bench")
	if err != nil {
		b.Fatal(err)
	}
	p := model.Product{Name: "bench"}
	if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
		b.Fatal(err)
	}
	b.Logf("knowledge base: %s; SBOM %d bytes", kbName, len(doc))
	var res portfolio.IngestResult
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		b.StopTimer()
		v := model.Version{ProductID: p.ID, Name: fmt.Sprintf("v%d", i)}
		if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
			b.Fatal(err)
		}
		req, _ := http.NewRequest("POST", srv.URL+"/api/v1/versions/"+v.ID+"/sboms", bytes.NewReader(doc))
		req.Header.Set("X-Api-Key", key)
		b.StartTimer()
		r, err := srv.Client().Do(req)
		if err != nil {
			b.Fatal(err)
		}
		body, _ := io.ReadAll(r.Body)
		r.Body.Close()
		if r.StatusCode != http.StatusCreated {
			b.Fatalf("upload: %d %s", r.StatusCode, body)
		}
		if err := json.Unmarshal(body, &res); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(res.SBOM.Components), "components")
	b.ReportMetric(float64(res.Open), "findings")
}

// BenchmarkFindingsFirstPage measures the server time of the first page
// (100, the default) of a version holding 5,000 findings, on each test
// engine, for the default sort and a filtered, EPSS-sorted query.
func BenchmarkFindingsFirstPage(b *testing.B) {
	for _, e := range testutil.Engines(b) {
		st, err := sqlstore.Open(context.Background(), e.URL)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { st.Close() })
		h, key, version := seedFindings(b, st, 5000)
		for _, q := range []string{"", "?severity=high&sort=epss", "?kev=true&state=open&sort=first_seen"} {
			b.Run(e.Name+"/"+strings.TrimPrefix(q, "?"), func(b *testing.B) {
				for b.Loop() {
					req := httptest.NewRequest("GET", "/api/v1/versions/"+version+"/findings"+q, nil)
					req.Header.Set("X-Api-Key", key)
					rec := httptest.NewRecorder()
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%d %s", rec.Code, rec.Body)
					}
				}
			})
		}
	}
}

// seedFindings stores n findings in a new version and returns the API,
// a key and the version id.
func seedFindings(b *testing.B, st *sqlstore.Store, n int) (http.Handler, string, string) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := portfolio.New(st, log, sbom.Limits{})
	org := model.Organisation{Name: "bench"}
	if err := st.CreateOrg(ctx, &org); err != nil {
		b.Fatal(err)
	}
	key, _, err := svc.CreateAPIKey(ctx, "bench", "bench")
	if err != nil {
		b.Fatal(err)
	}
	p := model.Product{Name: "bench"}
	if err := svc.CreateProduct(ctx, org.ID, &p); err != nil {
		b.Fatal(err)
	}
	v := model.Version{ProductID: p.ID, Name: "1"}
	if err := svc.CreateVersion(ctx, org.ID, &v); err != nil {
		b.Fatal(err)
	}
	ratings := []model.Rating{model.RatingLow, model.RatingMedium, model.RatingHigh, model.RatingCritical, model.RatingUnknown}
	now := time.Now()
	err = st.Ingest(ctx, org.ID, func(tx store.IngestTx) error {
		for i := range n {
			f := model.TrackedFinding{VersionID: v.ID, ComponentKey: fmt.Sprintf("pkg:npm/c%05d@1.0.0", i/3),
				Component: model.Component{Name: fmt.Sprintf("c%05d", i/3), Version: "1.0.0"},
				VulnID:    fmt.Sprintf("GHSA-%05d", i), VulnIDs: []string{fmt.Sprintf("GHSA-%05d", i)}, Summary: "benchmark finding",
				Severity: model.Severity{Rating: ratings[i%5], Score: float64(i%100) / 10}, KEV: i%50 == 0,
				EPSS: float64(i%997) / 997, State: model.FindingOpen, FirstSeen: now.Add(time.Duration(i) * time.Second), LastSeen: now}
			if err := tx.PutFinding(ctx, &f); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return api.New(api.Options{Service: svc, Log: log, Ready: st.Ready}), key, v.ID
}
