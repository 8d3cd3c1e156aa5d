package app

import (
	"context"
	"crypto/tls"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/buildinfo"
	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/feeds"
	"github.com/rocca-project/rocca/internal/findings"
	"github.com/rocca-project/rocca/internal/jobs"
	"github.com/rocca-project/rocca/internal/metrics"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vexchange"
	"github.com/rocca-project/rocca/internal/watch"
	"github.com/rocca-project/rocca/internal/web"
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
	svc := portfolio.New(a.Store, a.Log, lim)
	a.auditUploads(svc)
	return svc
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
	// Poll is how often the watch and the outbox are checked for work
	// (jobs.Config.Poll; 1 s when 0).
	Poll time.Duration
	// MinBodyRate paces request bodies (api.DefaultMinBodyRate when 0).
	MinBodyRate int64
	// TLSCert and TLSKey are PEM files; when set, the server speaks HTTPS.
	TLSCert, TLSKey string
	// Build is the binary's identity, logged at start and served by /healthz.
	Build buildinfo.Info
	// WebhookLoopback allows webhooks to loopback addresses (development
	// and tests; refused otherwise, see notify.NewClient).
	WebhookLoopback bool
	// RescueAfter is how long a job interrupted by a crash waits before it
	// runs again (jobs.Config.RescueAfter; 11 min when 0).
	RescueAfter time.Duration
	// Feeds, when set, are synchronised on their schedule (checked every
	// minute; each source keeps its own interval).
	Feeds *feeds.Config
	// JobsID names this server in the job engine among the servers
	// sharing the database (jobs.Config.ID; River's host-and-start-time
	// name when "").
	JobsID string
	// SMTP, when set, sends the e-mail notifications; without it e-mail
	// subscriptions are refused.
	SMTP *notify.SMTPConfig
	// TrustProxy makes the web application trust X-Forwarded-Proto (behind
	// a TLS-terminating proxy) for its cookies' Secure attribute.
	TrustProxy bool
	// ReminderLeads are the CRA reporting deadlines' reminder lead times
	// (reporting.DefaultLeads() when nil).
	ReminderLeads []time.Duration
}

// mount serves the REST API (/api/, /healthz, /readyz, /metrics) and the
// web application (every other path) from one server.
func mount(apiH, webH http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if strings.HasPrefix(p, "/api/") || p == "/healthz" || p == "/readyz" || p == "/metrics" {
			apiH.ServeHTTP(w, r)
			return
		}
		webH.ServeHTTP(w, r)
	})
}

// Server is rocca's HTTP server with its background upload queue and
// durable jobs (the watch, notifications).
type Server struct {
	HTTP *http.Server
	// Accounts is the accounts service the web application uses.
	Accounts *accounts.Service
	queue    *portfolio.Queue
	jobs     *jobs.Engine
	// portfolio is the use cases the API and the web application share
	// (its dashboard cache is warmed while the server runs).
	portfolio *portfolio.Service
	app       *App
	// certFile and keyFile are set when the server speaks HTTPS.
	certFile, keyFile string
	build             buildinfo.Info
}

// VEX returns the VEX import, export and report use cases on the App's
// store, recording through a triage service of its own.
func (a *App) VEX() *vexchange.Service {
	return a.exchange(triage.New(a.Store, a.Log, nil))
}

func (a *App) exchange(tr *triage.Service) *vexchange.Service {
	return vexchange.New(a.Store, tr, a.Log, nil)
}

// Watcher returns the knowledge-base watch on the App's store.
func (a *App) Watcher() *watch.Watcher {
	return watch.New(a.Store, findings.New(a.Store, a.Log, nil), a.Log, nil)
}

// Cases returns the CRA reporting use cases on the App's store; n, when
// set, keeps the reporting contacts' e-mail subscription; leads are the
// reminder lead times (the defaults when nil).
func (a *App) Cases(n *notify.Service, leads []time.Duration) (*cases.Service, error) {
	o := cases.Options{Leads: leads}
	if n != nil {
		o.Contacts, o.Owners = n, n
	}
	return cases.New(a.Store, a.Log, o)
}

// Notifier returns the notification service on the App's store; mailer
// sends e-mail (nil: e-mail off).
func (a *App) Notifier(mailer notify.Mailer) *notify.Service {
	return a.notifier(mailer, false)
}

// notifier is Notifier with webhooks to loopback addresses allowed or not.
func (a *App) notifier(mailer notify.Mailer, allowLoopback bool) *notify.Service {
	n := notify.New(a.Store, notify.NewClient(15*time.Second, allowLoopback), a.Log, nil)
	if !allowLoopback {
		n = n.RefusingLoopback()
	}
	if mailer != nil {
		n = n.WithMailer(mailer)
	}
	return n
}

// NewServer builds the server: portfolio service, upload queue, job
// engine (River's tables are migrated here) and API.
func (a *App) NewServer(ctx context.Context, o ServerOptions) (*Server, error) {
	if o.MaxBOMBytes <= 0 {
		o.MaxBOMBytes = api.DefaultMaxBOMBytes
	}
	if o.QueueBytes <= 0 {
		o.QueueBytes = config.DefaultQueueBytes
	}
	svc := a.Portfolio(o.MaxBOMBytes, o.MaxComponents)
	q := portfolio.NewQueue(svc, max(o.Workers, 1), max(o.Backlog, 1), o.QueueBytes)
	var mailer notify.Mailer
	if o.SMTP != nil {
		m, err := notify.NewSMTPMailer(*o.SMTP)
		if err != nil {
			return nil, err
		}
		mailer = m
		a.Log.Info("e-mail notifications", "smtp", net.JoinHostPort(o.SMTP.Host, strconv.Itoa(o.SMTP.Port)), "tls", o.SMTP.TLS, "from", o.SMTP.From)
	}
	w, n := a.Watcher(), a.notifier(mailer, o.WebhookLoopback)
	acc := a.Accounts()
	cs, err := a.Cases(n, o.ReminderLeads)
	if err != nil {
		return nil, err
	}
	tr := triage.New(a.Store, a.Log, nil)
	// A known-exploited vulnerability reaching a version on the market
	// opens its reporting case within the re-match of that change.
	w.AfterRematch(cs.SyncOrgs)
	var je *jobs.Engine
	fcfg := feeds.DefaultConfig()
	if o.Feeds != nil {
		fcfg = *o.Feeds
	}
	sy := feeds.New(fcfg, a.Store, nil, a.Log, nil)
	m := metrics.New(metrics.Sources{
		QueueDepth: func(ctx context.Context) (map[string]int, error) { return je.QueueDepth(ctx) },
		Findings:   a.Store.OpenFindingCounts,
		FeedAges:   feedAges(sy),
	}, a.Log)
	handlers := jobs.Handlers{
		WatchPending: w.Pending,
		Watch: func(ctx context.Context) error {
			rep, err := w.Run(ctx)
			if rep.Changes > 0 {
				m.Rematch(rep.Took)
			}
			return err
		},
		DispatchPending: n.Pending,
		Dispatch: func(ctx context.Context, enqueue func(context.Context, *sql.Tx, []model.DeliveryRef) error) error {
			_, err := n.Dispatch(ctx, enqueue)
			return err
		},
		Deliver: n.Deliver,
		Upload:  q.RunQueued,
		Maintain: func(ctx context.Context) error {
			if n, err := acc.PruneSessions(ctx); err != nil {
				a.Log.Warn("expired sessions not pruned", "error", err)
			} else if n > 0 {
				a.Log.Info("pruned expired sessions", "sessions", n)
			}
			// Decisions past their review date are flagged for review
			// (finding.analysis_review), once each.
			if _, err := tr.ExpireReviews(ctx); err != nil {
				a.Log.Warn("decisions past their review date not flagged", "error", err)
			}
			now := time.Now()
			n, err := a.Store.PruneWatch(ctx, watch.Cursor, now.Add(-keepProcessed), now.Add(-keepDeliveries))
			if n > 0 {
				a.Log.Info("pruned processed change-log entries, outbox events and deliveries", "rows", n)
			}
			return err
		},
	}
	handlers.Reporting = cs.Periodic
	if o.Feeds != nil {
		handlers.FeedsEvery = time.Minute
		handlers.FeedSync = func(ctx context.Context, source string) error {
			if source == "" {
				// The minute's check: one job per due source (unique while
				// it waits or runs), each with its own time limit.
				sts, err := sy.Status(ctx)
				if err != nil {
					return err
				}
				for _, st := range sts {
					if st.Due {
						if err := je.SyncFeed(ctx, st.Source); err != nil {
							return err
						}
					}
				}
				return nil
			}
			if _, err := sy.Sync(ctx, source); err != nil {
				// Recorded in the source's state (rocca feeds status, metrics);
				// a later check retries, so the job itself does not.
				a.Log.Warn("feed sync failed", "source", source, "error", err)
			}
			return nil
		}
	}
	je, err = jobs.New(ctx, a.Store.DB(), a.Store.Engine(), jobs.Config{UploadWorkers: o.Workers, Poll: o.Poll,
		RescueAfter: o.RescueAfter, ID: o.JobsID, Observe: m.Job}, handlers, a.Log)
	if err != nil {
		return nil, err
	}
	// Asynchronous uploads are stored with their job: a crash loses none.
	q.MakeDurable(je.EnqueueUpload)
	h := api.New(api.Options{Service: svc, Queue: q, Notify: n, Triage: tr, VEX: a.exchange(tr), Cases: cs, NotAffected: cs.NotAffectedVia(tr), Metrics: m, Log: a.Log, Ready: a.Store.Ready, MaxBOMBytes: o.MaxBOMBytes,
		MinBodyRate: o.MinBodyRate, BodyTimeout: api.DefaultBodyTimeout, Build: o.Build})
	wa, err := web.New(web.Options{Portfolio: svc, Queue: q, Accounts: web.AccountsOf(acc), Triage: tr, VEX: a.exchange(tr), FeedStatus: sy.Status, KBStats: a.Store.Stats, Notify: n, Log: a.Log,
		TrustForwardedProto: o.TrustProxy, MaxBOMBytes: o.MaxBOMBytes, Cases: cs, NotAffected: cs.NotAffectedVia(tr)})
	if err != nil {
		return nil, err
	}
	return &Server{Accounts: acc, app: a, queue: q, jobs: je, portfolio: svc, certFile: o.TLSCert, keyFile: o.TLSKey, build: o.Build, HTTP: &http.Server{
		Addr:    o.Addr,
		Handler: mount(h, wa),
		// Headers must arrive quickly; bodies (SBOMs of tens of MiB from
		// CI runners) keep a minimum pace (the API sets their deadlines)
		// and, with synchronous ingestion, get minutes in all.
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       api.DefaultBodyTimeout,
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}}, nil
}

// Serve checks that the database is ready, listens and serves until ctx
// ends, then shuts down gracefully within grace: stop accepting, finish
// in-flight requests, drain the upload queue. It returns nil after a clean
// shutdown.
func (s *Server) Serve(ctx context.Context, grace time.Duration) error {
	if err := s.app.Store.Ready(ctx); err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	if s.certFile != "" {
		// Loaded before listening: a bad certificate stops the start.
		cert, err := tls.LoadX509KeyPair(s.certFile, s.keyFile)
		if err != nil {
			return fmt.Errorf("serve: TLS certificate %s and key %s: %w", s.certFile, s.keyFile, err)
		}
		s.HTTP.TLSConfig = &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}
	}
	ln, err := net.Listen("tcp", s.HTTP.Addr)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	return s.ServeListener(ctx, ln, grace)
}

// ServeListener is Serve on a listener the caller opened.
func (s *Server) ServeListener(ctx context.Context, ln net.Listener, grace time.Duration) error {
	if err := s.app.Store.Ready(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	if err := s.jobs.Start(ctx); err != nil {
		ln.Close()
		return fmt.Errorf("serve: %w", err)
	}
	tlsOn := s.HTTP.TLSConfig != nil
	// The setup URL is logged before "listening", so that whoever waits
	// for the server to listen finds it already there.
	if err := s.announceSetup(ctx, ln.Addr(), tlsOn); err != nil {
		ln.Close()
		_ = s.jobs.Stop(context.Background())
		return fmt.Errorf("serve: %w", err)
	}
	// The dashboard figures of the organisations people look at are
	// recomputed in the background after their findings change.
	wctx, stopWarm := context.WithCancel(ctx)
	warmed := make(chan struct{})
	go func() { defer close(warmed); s.portfolio.WarmDashboards(wctx, dashboardWarmEvery) }()
	defer func() { stopWarm(); <-warmed }()
	s.app.Log.Info("listening", append([]any{"addr", ln.Addr().String(), "engine", s.app.Store.Engine(), "tls", tlsOn},
		s.build.LogAttrs()...)...)
	errc := make(chan error, 1)
	go func() {
		if tlsOn {
			errc <- s.HTTP.ServeTLS(ln, "", "")
			return
		}
		errc <- s.HTTP.Serve(ln)
	}()
	select {
	case err := <-errc:
		_ = s.jobs.Stop(context.Background())
		_ = s.queue.Shutdown(context.Background())
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	s.app.Log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), grace)
	defer cancel()
	herr := s.HTTP.Shutdown(sctx)
	// Jobs first: an upload job waits for the queue's workers.
	qerr := s.jobs.Stop(sctx)
	qerr = errors.Join(qerr, s.queue.Shutdown(sctx))
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		herr = errors.Join(herr, err)
	}
	if err := errors.Join(herr, qerr); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	s.app.Log.Info("stopped")
	return nil
}

// dashboardWarmEvery is how often the server looks for organisations whose
// dashboard figures are out of date (one index seek each).
const dashboardWarmEvery = 5 * time.Second

// keepProcessed is how long processed change-log entries and dispatched
// outbox events are kept; keepDeliveries how long finished deliveries
// stay in the delivery log.
const (
	keepProcessed  = 7 * 24 * time.Hour
	keepDeliveries = 30 * 24 * time.Hour
)

// feedAges reports each configured source's time since its last success
// (sources that never succeeded are left out).
func feedAges(sy *feeds.Syncer) func(ctx context.Context) (map[string]time.Duration, error) {
	return func(ctx context.Context) (map[string]time.Duration, error) {
		sts, err := sy.Status(ctx)
		if err != nil {
			return nil, err
		}
		out := make(map[string]time.Duration, len(sts))
		for _, st := range sts {
			if !st.Never {
				out[st.Source] = st.Age
			}
		}
		return out, nil
	}
}

// ServerOptionsOf returns the server options of a configuration.
func ServerOptionsOf(c config.Config) ServerOptions {
	o := ServerOptions{Addr: c.Addr, MaxBOMBytes: c.MaxBOMBytes, MaxComponents: c.MaxComponents, Workers: c.Workers,
		Backlog: c.Backlog, QueueBytes: c.QueueBytes,
		MinBodyRate: c.MinBodyRate, TLSCert: c.TLSCert, TLSKey: c.TLSKey, TrustProxy: c.TrustProxy, ReminderLeads: c.ReminderLeads}
	if c.Feeds.Schedule {
		fc := feeds.ConfigFrom(c.Feeds)
		o.Feeds = &fc
	}
	if c.SMTP.Enabled() {
		o.SMTP = &notify.SMTPConfig{Host: c.SMTP.Host, Port: c.SMTP.Port, Username: c.SMTP.Username, Password: c.SMTP.Password,
			From: c.SMTP.From, TLS: c.SMTP.TLS}
	}
	return o
}

// announceSetup, when the database has no user yet, makes a one-time
// setup token and logs the URL of the setup page with it: whoever can
// read the server's log creates the first administrator there (or with
// `rocca user create --admin`). Each start makes a new token.
func (s *Server) announceSetup(ctx context.Context, addr net.Addr, tlsOn bool) error {
	token, err := s.Accounts.StartSetup(ctx)
	if err != nil || token == "" {
		return err
	}
	scheme := "http"
	if tlsOn {
		scheme = "https"
	}
	u := url.URL{Scheme: scheme, Host: addr.String(), Path: accounts.SetupPath, RawQuery: url.Values{"token": {token}}.Encode()}
	s.app.Log.Warn("no user yet: create the first administrator at the setup URL (one-time token), or with rocca user create --admin",
		"url", u.String())
	return nil
}
