package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
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

// Benchmarks of the server path. Figures and how to reproduce them:
// bench/PORTFOLIO-FIGURES.md.
//
//	ROCCA_BENCH_DB    a knowledge base to ingest against: a SQLite file
//	                  (copied first, so it is not modified) or a postgres://
//	                  URL; default: the demo knowledge base.
//	ROCCA_BENCH_SBOM  the SBOM to upload (e.g. bench/gensbom -n 10000);
//	                  default: 10,000 synthetic npm components.

// benchStore opens the knowledge base named by ROCCA_BENCH_DB.
func benchStore(b *testing.B) (*sqlstore.Store, string) {
	b.Helper()
	src := os.Getenv("ROCCA_BENCH_DB")
	if src == "" {
		es, _ := demokb.Open(b)
		return es[0].Store, "demo knowledge base (SQLite)"
	}
	u := src
	if !strings.HasPrefix(src, "postgres") {
		u = filepath.Join(b.TempDir(), "kb.db")
		for _, suffix := range []string{"", "-wal"} {
			data, err := os.ReadFile(src + suffix)
			if err != nil && suffix == "" {
				b.Fatal(err)
			}
			if err == nil {
				if err := os.WriteFile(u+suffix, data, 0o600); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	st, err := sqlstore.Open(context.Background(), u)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	info, _ := st.Stats(context.Background())
	return st, fmt.Sprintf("%s (%s, %d advisories)", filepath.Base(src), st.Engine(), info.Advisories)
}

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
