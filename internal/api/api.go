package api

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/buildinfo"
	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/metrics"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/uid"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// DefaultMaxBOMBytes bounds an uploaded SBOM.
const DefaultMaxBOMBytes = 50 << 20

// maxJSONBytes bounds the other JSON request bodies.
const maxJSONBytes = 1 << 20

// Options configure the API.
type Options struct {
	Service *portfolio.Service
	Queue   *portfolio.Queue
	// Notify manages the organisations' webhooks and e-mail subscriptions.
	Notify *notify.Service
	// Cases are the CRA reporting use cases (the /cases endpoints answer
	// 404 when nil).
	Cases *cases.Service
	// NotAffected records the not_affected decision of a case closed as
	// not exploitable (the triage use case; nil until it exists).
	NotAffected cases.NotAffected
	// Triage records and reads the analysis of findings.
	Triage *triage.Service
	// VEX imports and exports VEX documents and writes the per-version
	// reports (those endpoints answer 404 when nil).
	VEX *vexchange.Service
	// Metrics records requests and serves GET /metrics (404 when nil).
	Metrics *metrics.Metrics
	Log     *slog.Logger
	// Ready reports whether the database is reachable and migrated.
	Ready func(ctx context.Context) error
	// MaxBOMBytes bounds an SBOM upload (DefaultMaxBOMBytes when 0).
	MaxBOMBytes int64
	// MinBodyRate, BodyGrace and BodyTimeout pace request bodies
	// (DefaultMinBodyRate, DefaultBodyGrace, DefaultBodyTimeout when 0):
	// see body.go.
	MinBodyRate            int64
	BodyGrace, BodyTimeout time.Duration
	// Build is the binary's identity, reported by /healthz.
	Build buildinfo.Info
}

// API is the REST API's handler set.
type API struct {
	svc    *portfolio.Service
	queue  *portfolio.Queue
	notify *notify.Service
	triage *triage.Service
	vex    *vexchange.Service
	cases  *cases.Service
	// notAffected: Options.NotAffected.
	notAffected cases.NotAffected
	metrics     *metrics.Metrics
	log         *slog.Logger
	ready       func(ctx context.Context) error
	maxBOM      int64
	pace        bodyPace
	build       buildinfo.Info
	mux         *http.ServeMux
}

// New builds the API.
func New(o Options) *API {
	a := &API{svc: o.Service, queue: o.Queue, notify: o.Notify, triage: o.Triage, vex: o.VEX, cases: o.Cases, notAffected: o.NotAffected, metrics: o.Metrics, log: o.Log, ready: o.Ready,
		maxBOM: o.MaxBOMBytes, build: o.Build}
	if a.maxBOM <= 0 {
		a.maxBOM = DefaultMaxBOMBytes
	}
	a.pace = bodyPace{rate: o.MinBodyRate, grace: o.BodyGrace, timeout: o.BodyTimeout}
	if a.pace.rate <= 0 {
		a.pace.rate = DefaultMinBodyRate
	}
	if a.pace.grace <= 0 {
		a.pace.grace = DefaultBodyGrace
	}
	if a.pace.timeout <= 0 {
		a.pace.timeout = DefaultBodyTimeout
	}
	a.mux = http.NewServeMux()
	for _, r := range a.Routes() {
		h := r.handler
		a.mux.Handle(r.Method+" "+r.Pattern, h)
	}
	a.mux.Handle("/", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeProblem(w, r, problem{Status: http.StatusNotFound, Detail: "no such endpoint: " + r.URL.Path})
	}))
	return a
}

// ServeHTTP logs each request with its request id and dispatches it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	id := requestID(r.Header.Get("X-Request-Id"))
	w.Header().Set("X-Request-Id", id)
	r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
	// Responses hold an organisation's data: no cache may keep them.
	w.Header().Set("Cache-Control", "no-store")
	if r.TLS != nil {
		// Served over HTTPS: browsers are to use nothing else for a year.
		w.Header().Set("Strict-Transport-Security", "max-age=31536000")
	}
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	paceBody(sw, r, a.pace, start)
	a.mux.ServeHTTP(sw, r)
	took := time.Since(start)
	level := slog.LevelInfo
	if sw.status >= 500 {
		level = slog.LevelError
	}
	a.log.Log(r.Context(), level, "request", "request_id", id, "method", r.Method, "path", r.URL.Path, "route", r.Pattern,
		"status", sw.status, "bytes", sw.bytes, "duration", took, "remote", r.RemoteAddr)
	if a.metrics != nil {
		a.metrics.Request(r.Pattern, sw.status, took)
	}
}

type requestIDKey struct{}

// requestID returns the client's X-Request-Id when it is a sane token
// (at most 64 letters, digits, '-', '_' or '.'), else a new random id.
func requestID(given string) string {
	if n := len(given); n > 0 && n <= 64 && strings.Trim(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == "" {
		return given
	}
	return uid.New()
}

// requestIDOf returns the request id of a request's context.
func requestIDOf(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

func (a *API) metricsHandler(w http.ResponseWriter, r *http.Request) error {
	if a.metrics == nil {
		return &errProblem{problem{Status: http.StatusNotFound, Detail: "metrics are not enabled"}}
	}
	a.metrics.Handler().ServeHTTP(w, r)
	return nil
}

type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int64
	wrote  bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.wrote {
		w.status, w.wrote = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.wrote = true
	n, err := w.ResponseWriter.Write(b)
	w.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// authed is a handler that needs an API key; it returns an error to be
// rendered as a problem.
type authed func(w http.ResponseWriter, r *http.Request, k model.APIKey) error

// public is a handler that needs no key.
type public func(w http.ResponseWriter, r *http.Request) error
