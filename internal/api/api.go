package api

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/buildinfo"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
)

// DefaultMaxBOMBytes bounds an uploaded SBOM.
const DefaultMaxBOMBytes = 50 << 20

// maxJSONBytes bounds the other JSON request bodies.
const maxJSONBytes = 1 << 20

// Options configure the API.
type Options struct {
	Service *portfolio.Service
	Queue   *portfolio.Queue
	Log     *slog.Logger
	// Ready reports whether the database is reachable and migrated.
	Ready func(ctx context.Context) error
	// MaxBOMBytes bounds an SBOM upload (DefaultMaxBOMBytes when 0).
	MaxBOMBytes int64
	// Build is the binary's identity, reported by /healthz.
	Build buildinfo.Info
}

// API is the REST API's handler set.
type API struct {
	svc    *portfolio.Service
	queue  *portfolio.Queue
	log    *slog.Logger
	ready  func(ctx context.Context) error
	maxBOM int64
	build  buildinfo.Info
	mux    *http.ServeMux
}

// New builds the API.
func New(o Options) *API {
	a := &API{svc: o.Service, queue: o.Queue, log: o.Log, ready: o.Ready, maxBOM: o.MaxBOMBytes, build: o.Build}
	if a.maxBOM <= 0 {
		a.maxBOM = DefaultMaxBOMBytes
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

// ServeHTTP logs each request and dispatches it.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
	a.mux.ServeHTTP(sw, r)
	level := slog.LevelInfo
	if sw.status >= 500 {
		level = slog.LevelError
	}
	a.log.Log(r.Context(), level, "request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
		"bytes", sw.bytes, "duration", time.Since(start), "remote", r.RemoteAddr)
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
