package api_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/api"
)

func TestMetricsAndRequestID(t *testing.T) {
	engines(t, 0, func(t *testing.T, s *server) {
		if res := s.get(t, "/api/v1/products", s.acmeKey); res.status != http.StatusOK || len(res.header.Get("X-Request-Id")) < 16 {
			t.Fatalf("products: %d, request id %q", res.status, res.header.Get("X-Request-Id"))
		}
		req, _ := http.NewRequest("GET", s.URL+"/api/v1/products", nil)
		req.Header.Set("X-Api-Key", s.acmeKey)
		for given, echoed := range map[string]bool{"ci-run-42.step_3": true, "bad id with spaces": false, strings.Repeat("x", 65): false} {
			req.Header.Set("X-Request-Id", given)
			res, err := s.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			res.Body.Close()
			if got := res.Header.Get("X-Request-Id"); (got == given) != echoed || got == "" {
				t.Errorf("X-Request-Id %q answered %q", given, got)
			}
		}
		s.get(t, "/api/v1/no-such-thing", s.acmeKey)
		res := s.get(t, "/metrics", "")
		if res.status != http.StatusOK {
			t.Fatalf("metrics: %d", res.status)
		}
		body := string(res.body)
		for _, want := range []string{
			`rocca_http_requests_total{code="200",route="GET /api/v1/products"} 4`,
			`rocca_http_requests_total{code="404",route="/"} 1`,
			`rocca_http_request_duration_seconds_bucket{route="GET /api/v1/products",le="+Inf"} 4`,
			`rocca_findings_open{kev="true",severity="critical"} 2`,
			`go_goroutines`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %s", want)
			}
		}
		if strings.Contains(body, s.acme.ID) || strings.Contains(body, s.version.ID) {
			t.Error("metrics name an organisation's ids")
		}
	})
}

// A request its client abandons is not a server failure: no 500, no
// error log line.
func TestAbandonedRequestIsNotAnError(t *testing.T) {
	var logs strings.Builder
	h := harness{options: func(o *api.Options) { o.Log = slog.New(slog.NewTextHandler(&logs, nil)) }}
	enginesWith(t, h, func(t *testing.T, s *server) {
		logs.Reset()
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		req := httptest.NewRequest("GET", "/api/v1/products", nil).WithContext(ctx)
		req.Header.Set("X-Api-Key", s.acmeKey)
		rec := httptest.NewRecorder()
		s.api.ServeHTTP(rec, req)
		if rec.Code == http.StatusInternalServerError || strings.Contains(logs.String(), "level=ERROR") ||
			!strings.Contains(logs.String(), "abandoned") {
			t.Errorf("abandoned request: %d\n%s", rec.Code, logs.String())
		}
	})
}
