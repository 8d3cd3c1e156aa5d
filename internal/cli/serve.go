package cli

import (
	"log/slog"
	"runtime/debug"
	"strconv"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
)

func newServeCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Run the REST API server (portfolio API and Dependency-Track-compatible upload)",
		Long: `Serve rocca's REST API on --addr: products, versions, SBOM uploads, components,
findings and knowledge-base lookups under /api/v1 (OpenAPI document at
/api/v1/openapi.json), a Dependency-Track-compatible BOM upload (PUT/POST
/api/v1/bom), webhooks and e-mail subscriptions, the probes /healthz (process
up) and /readyz (database reachable and migrated), and Prometheus /metrics.

In the background (durable jobs in the same database, shared by every serve on
it): the feeds are synchronised on their intervals (--feeds-schedule off for
offline sites, which use 'rocca db import'; 'rocca feeds status' shows them);
every knowledge-base change, from the schedule or from 'rocca db import' run
beside the server, re-matches the versions whose current SBOM contains the
packages it touches; the events are sent to the webhooks and e-mail
subscriptions; Dependency-Track uploads are kept in the database until
processed, so a crash loses none. See docs/watch.md.

Environment knobs: ROCCA_JOB_RESCUE_AFTER (how long a job interrupted by a
crash waits before it runs again, default 11m), ROCCA_WEBHOOK_ALLOW_LOOPBACK=1
(allow webhooks to loopback addresses, for development).

Every /api/v1 request needs an organisation's API key in the X-Api-Key header
(or Authorization: Bearer KEY): create one with 'rocca apikey create'.

While the database has no user, serve logs (at warn level) a one-time setup
URL: whoever opens it creates the first administrator of the web application
and their organisation. 'rocca user create --admin' does the same from the
command line. Login failures are rate-limited per account and per address;
security-relevant actions go to the audit log ('rocca audit verify').

Pending schema migrations are applied at start; serve refuses to run on a
database whose schema is not the one this rocca needs.

Settings come from the flags, else the environment (ROCCA_ADDR,
ROCCA_MAX_BOM_BYTES, ROCCA_WORKERS, ROCCA_BACKLOG, ROCCA_SHUTDOWN_TIMEOUT,
ROCCA_MIN_BODY_RATE, ROCCA_TLS_CERT, ROCCA_TLS_KEY, ROCCA_REMINDER_LEAD_TIMES),
else the configuration
file, else the defaults: see 'rocca config'.

With --tls-cert and --tls-key, serve speaks HTTPS only (TLS 1.2 or later)
and its responses carry Strict-Transport-Security; the files are read at
start (restart serve to load a renewed certificate). Without them it speaks
plain HTTP: put it behind a TLS-terminating proxy when it listens beyond
localhost.

A request body must keep coming: after 10 seconds, at an average of at least
--min-body-rate, and all of it within 5 minutes; a slower client gets 408.

With --smtp-host and --smtp-from (ROCCA_SMTP_*; the password only through
ROCCA_SMTP_PASSWORD or the file), serve sends the e-mail subscriptions'
notifications through that SMTP server, with STARTTLS (--smtp-tls starttls,
the default), TLS from the first byte (tls, usually port 465), or in clear
(none: only to a relay on this machine). Without them, e-mail subscriptions
are refused.

The deadlines of CRA reporting cases are reminded about (to the case owner and
the reporting contacts, through the notification channels) at
--reminder-lead-times before each (default 12h,4h,1h: durations such as 90m,
2d, up to 14d, no repeats) and once when overdue. See docs/reporting.md.

Logs are structured (log/slog) on stderr, at info level unless a log level is
configured. SIGINT or SIGTERM shut the server down gracefully: it stops
accepting connections, finishes requests in flight and running jobs
(within the shutdown timeout; accepted uploads not yet started are processed
after the next start), then closes the database.`,
		Example: `  rocca org create "Example Macchine"
  rocca apikey create --org "Example Macchine" --name ci
  rocca serve --addr 0.0.0.0:8080
  rocca serve --addr 0.0.0.0:8443 --tls-cert /etc/rocca/tls.crt --tls-key /etc/rocca/tls.key
  ROCCA_CONFIG=/etc/rocca/rocca.conf rocca serve`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			cfg = cfg.WithDefaultLogLevel(slog.LevelInfo)
			if sqlstore.SQLitePath(cfg.DatabaseURL) == ":memory:" && !sqlstore.IsPostgres(cfg.DatabaseURL) {
				// One connection would serve both the writes and the reads
				// made inside them; and nothing would survive the process.
				return usageErr("serve: an in-memory database (:memory:) cannot be served; give a file or a postgres:// URL")
			}
			a, err := app.Open(e.ctx, cfg, e.logger(cfg))
			if err != nil {
				return err
			}
			defer a.Close()
			if e.getenv("GOGC") == "" {
				// The server's heap is mostly uploads being parsed, which die
				// young: collecting at half the live heap rather than the
				// whole keeps its peak near 1.5 times what the uploads hold
				// (docs/sbom.md, "Memory") for a few per cent more CPU.
				debug.SetGCPercent(serveGCPercent)
			}
			opts := app.ServerOptionsOf(cfg)
			opts.Build = e.build
			opts.WebhookLoopback = e.getenv(EnvWebhookLoopback) == "1"
			if v := e.getenv(EnvJobRescueAfter); v != "" {
				d, err := time.ParseDuration(v)
				if err != nil || d < time.Second {
					return usageErr(EnvJobRescueAfter + ": want a duration of at least 1s, such as 90s or 11m")
				}
				opts.RescueAfter = d
			}
			srv, err := a.NewServer(cmd.Context(), opts)
			if err != nil {
				return err
			}
			return srv.Serve(cmd.Context(), cfg.ShutdownTimeout)
		},
	}
	addServerFlags(cmd, &e.flags)
	addFeedFlags(cmd.Flags(), &e.flags.Feeds)
	addSMTPFlags(cmd, &e.flags.SMTP)
	return cmd
}

// serveGCPercent is the garbage collector's target of `rocca serve`
// unless GOGC is set.
const serveGCPercent = 50

// EnvJobRescueAfter sets how long a background job interrupted by a crash
// (its process killed) waits before it runs again: 11 minutes by default.
// Jobs are idempotent; a shorter time resumes interrupted uploads sooner
// at the price of running again a job that is merely slow.
const EnvJobRescueAfter = "ROCCA_JOB_RESCUE_AFTER"

// EnvWebhookLoopback, set to 1, allows webhooks to loopback addresses
// (receivers on the server's own host, in development and tests). They
// are refused otherwise, like link-local addresses (cloud metadata).
const EnvWebhookLoopback = "ROCCA_WEBHOOK_ALLOW_LOOPBACK"

// addSMTPFlags registers the SMTP settings' flags (on serve and config).
// The password has none: a command line is visible to every user of the
// machine.
func addSMTPFlags(cmd *cobra.Command, f *config.SMTPFlags) {
	cmd.Flags().StringVar(&f.Host, "smtp-host", "", "SMTP server for e-mail notifications (default none: e-mail off)")
	cmd.Flags().StringVar(&f.Port, "smtp-port", "", "SMTP server port (default "+strconv.Itoa(config.DefaultSMTPPort)+")")
	cmd.Flags().StringVar(&f.Username, "smtp-username", "", "SMTP user name; the password comes from ROCCA_SMTP_PASSWORD or the file")
	cmd.Flags().StringVar(&f.From, "smtp-from", "", "sender address of e-mail notifications")
	cmd.Flags().StringVar(&f.TLS, "smtp-tls", "", "starttls, tls or none (loopback relays only) (default starttls)")
}

// addServerFlags registers the server settings' flags (on serve, and on
// config to show their effect). They are strings: config parses and
// validates them with the same rules as the environment and the file.
func addServerFlags(cmd *cobra.Command, f *config.Flags) {
	cmd.Flags().StringVar(&f.Addr, "addr", "", "listen address HOST:PORT (default "+config.DefaultAddr+")")
	cmd.Flags().StringVar(&f.MaxBOMBytes, "max-bom-bytes", "", "largest SBOM upload accepted, in bytes or with KiB/MiB/GiB; larger bodies get 413 (default 50MiB)")
	cmd.Flags().StringVar(&f.Workers, "workers", "", "SBOM uploads processed at once (default "+strconv.Itoa(config.DefaultWorkers)+")")
	cmd.Flags().StringVar(&f.MaxComponents, "max-components", "", "most components an SBOM upload may list; more get 400 (default "+strconv.Itoa(config.DefaultMaxComponents)+")")
	cmd.Flags().StringVar(&f.Backlog, "backlog", "", "uploads queued before new ones get 503 (default "+strconv.Itoa(config.DefaultBacklog)+")")
	cmd.Flags().StringVar(&f.QueueBytes, "queue-bytes", "", "bytes of SBOMs waiting for a worker before new uploads get 503, in bytes or with KiB/MiB/GiB (default 256MiB)")
	cmd.Flags().StringVar(&f.ShutdownTimeout, "shutdown-timeout", "", "how long shutdown waits for requests and queued uploads (default "+config.DefaultShutdownTimeout.String()+")")
	cmd.Flags().StringVar(&f.MinBodyRate, "min-body-rate", "", "slowest request body accepted, in bytes/s (or KiB/MiB) after a 10s grace; slower bodies get 408 (default 16KiB)")
	cmd.Flags().StringVar(&f.TLSCert, "tls-cert", "", "PEM certificate (chain) file: with --tls-key, serve HTTPS and send HSTS")
	cmd.Flags().StringVar(&f.TLSKey, "tls-key", "", "PEM private key file of --tls-cert")
	cmd.Flags().StringVar(&f.TrustProxy, "trust-proxy", "", "true behind a TLS-terminating reverse proxy: trust X-Forwarded-Proto (Secure session cookies)")
	cmd.Flags().StringVar(&f.ReminderLeadTimes, "reminder-lead-times", "", "when CRA reporting deadlines are reminded about, before each: comma-separated durations up to 14d (default 12h,4h,1h; overdue is always reminded)")
}
