package app

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
)

// Portfolio returns the portfolio service on the App's store. SBOMs are
// read with the reader's default limits except for the size (the API's
// body limit) and the number of components, which the caller bounds when
// they are positive.
func (a *App) Portfolio(maxBOMBytes int64, maxComponents int) *portfolio.Service {
	lim := sbom.DefaultLimits()
	if maxBOMBytes > 0 {
		lim.MaxBytes = maxBOMBytes
	}
	if maxComponents > 0 {
		lim.MaxComponents = maxComponents
	}
	return portfolio.New(a.Store, a.Log, lim)
}

// ServerOptions configure the HTTP server.
type ServerOptions struct {
	// Addr is the listen address, HOST:PORT.
	Addr string
	// MaxBOMBytes bounds an uploaded SBOM (api.DefaultMaxBOMBytes when 0).
	MaxBOMBytes int64
	// MaxComponents bounds its components (the reader's default when 0).
	MaxComponents int
	// Workers and Backlog size the upload queue; QueueBytes bounds the
	// bytes waiting in it (config.DefaultQueueBytes when 0).
	Workers, Backlog int
	QueueBytes       int64
}

// Server is rocca's HTTP server with its background upload queue.
type Server struct {
	HTTP  *http.Server
	queue *portfolio.Queue
	app   *App
}

// NewServer builds the server: portfolio service, upload queue and API.
func (a *App) NewServer(o ServerOptions) *Server {
	if o.MaxBOMBytes <= 0 {
		o.MaxBOMBytes = api.DefaultMaxBOMBytes
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = config.DefaultQueueBytes
	}
	svc := a.Portfolio(o.MaxBOMBytes, o.MaxComponents)
	q := portfolio.NewQueue(svc, max(o.Workers, 1), max(o.Backlog, 1), o.QueueBytes)
	h := api.New(api.Options{Service: svc, Queue: q, Log: a.Log, Ready: a.Store.Ready, MaxBOMBytes: o.MaxBOMBytes})
	return &Server{app: a, queue: q, HTTP: &http.Server{
		Addr:    o.Addr,
		Handler: h,
		// Headers must arrive quickly; bodies (SBOMs of tens of MiB from
		// CI runners) and synchronous ingestion get minutes.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}}
}

// Serve checks that the database is ready, listens and serves until ctx
// ends, then shuts down gracefully within grace: stop accepting, finish
// in-flight requests, drain the upload queue. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, grace time.Duration) error {
	if err := s.app.Store.Ready(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	ln, err := net.Listen("tcp", s.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	s.app.Log.Info("listening", "addr", ln.Addr().String(), "engine", s.app.Store.Engine())
	errc := make(chan error, 1)
	go func() { errc <- s.HTTP.Serve(ln) }()
	select {
	case err := <-errc:
		_ = s.queue.Shutdown(context.Background())
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.app.Log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	herr := s.HTTP.Shutdown(sctx)
	qerr := s.queue.Shutdown(sctx)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		herr = errors.Join(herr, err)
	}
	if err := errors.Join(herr, qerr); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.app.Log.Info("stopped")
	return nil
}

// ServerOptionsOf returns the server options of a configuration.
func ServerOptionsOf(c config.Config) ServerOptions {
	return ServerOptions{Addr: c.Addr, MaxBOMBytes: c.MaxBOMBytes, MaxComponents: c.MaxComponents, Workers: c.Workers,
		Backlog: c.Backlog, QueueBytes: c.QueueBytes}
}
