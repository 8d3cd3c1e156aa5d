package config

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/reporting"
)

// Environment variables. Each setting has one; EnvConfig names the file.
const (
	EnvConfig          = "ROCCA_CONFIG"
	EnvDatabaseURL     = "ROCCA_DATABASE_URL"
	EnvLogLevel        = "ROCCA_LOG_LEVEL"
	EnvAddr            = "ROCCA_ADDR"
	EnvMaxBOMBytes     = "ROCCA_MAX_BOM_BYTES"
	EnvWorkers         = "ROCCA_WORKERS"
	EnvBacklog         = "ROCCA_BACKLOG"
	EnvQueueBytes      = "ROCCA_QUEUE_BYTES"
	EnvMaxComponents   = "ROCCA_MAX_COMPONENTS"
	EnvShutdownTimeout = "ROCCA_SHUTDOWN_TIMEOUT"
	EnvMinBodyRate     = "ROCCA_MIN_BODY_RATE"
	EnvTLSCert         = "ROCCA_TLS_CERT"
	EnvTLSKey          = "ROCCA_TLS_KEY"
	EnvTrustProxy      = "ROCCA_TRUST_PROXY"
	EnvReminderLeads   = "ROCCA_REMINDER_LEAD_TIMES"
)

// Defaults of the server settings.
const (
	DefaultAddr            = "127.0.0.1:8080"
	DefaultMaxBOMBytes     = 50 << 20
	DefaultWorkers         = 2
	DefaultBacklog         = 64
	DefaultQueueBytes      = 256 << 20
	DefaultMaxComponents   = 1_000_000
	DefaultShutdownTimeout = 30 * time.Second
	DefaultMinBodyRate     = 16 << 10
)

// setting describes one configuration value: its key in the file, its
// environment variable, its flag, its default and how to parse it into
// Config.
type setting struct {
	key, env, flag string
	doc            string
	// path is true for a file path: relative in a configuration file, it
	// is resolved against the file's directory.
	path bool
	// secret is true for a password: its value is never printed, not
	// even in an error. A secret has no flag (flag is "").
	secret bool
	def    func(getenv func(string) string) (string, error)
	set    func(c *Config, v string) error
	get    func(c Config) string
}

func constant(v string) func(func(string) string) (string, error) {
	return func(func(string) string) (string, error) { return v, nil }
}

// keyValueDSN recognises a libpq key=value connection string
// ("host=db user=rocca password=..."), which is not a file path.
var keyValueDSN = regexp.MustCompile(`(?i)(?:^|\s)(?:host|hostaddr|port|user|password|dbname|sslmode)\s*=`)

// settings lists every setting, in the order `rocca config` prints them:
// the general ones, then the feed settings (feeds.go), then the SMTP
// settings (smtp.go). Index 0 is the database (Config.DatabaseSource
// mirrors its origin).
var settings = append(append(generalSettings[:], feedSettings()...), smtpSettings()...)

// nGeneral is the number of general settings.
const nGeneral = 14

var generalSettings = [nGeneral]setting{
	{key: "database", env: EnvDatabaseURL, flag: "database", path: true,
		doc: "SQLite file path or postgres:// URL",
		def: func(getenv func(string) string) (string, error) {
			dir, err := DataDir(getenv)
			if err != nil {
				return "", err
			}
			return dir + pathSep + "rocca.db", nil
		},
		set: func(c *Config, v string) error {
			if !strings.Contains(v, "://") && keyValueDSN.MatchString(v) {
				// Taken as a SQLite path, it would create a file named
				// after the connection string, password included.
				return errors.New("a key=value connection string is not supported: give a postgres:// URL")
			}
			c.DatabaseURL = v
			return nil
		},
		get: func(c Config) string { return c.Redacted() }},
	{key: "log_level", env: EnvLogLevel, flag: "log-level",
		doc: "debug, info, warn or error (serve: info unless set)", def: constant("warn"),
		set: func(c *Config, v string) error {
			switch strings.ToLower(v) {
			case "debug", "info", "warn", "warning", "error":
			default:
				return errors.New("want debug, info, warn or error")
			}
			return c.LogLevel.UnmarshalText([]byte(strings.TrimSuffix(strings.ToLower(v), "ing")))
		},
		get: func(c Config) string { return levelName(c.LogLevel) }},
	{key: "addr", env: EnvAddr, flag: "addr", doc: "serve: listen address HOST:PORT", def: constant(DefaultAddr),
		set: func(c *Config, v string) error {
			if _, port, err := net.SplitHostPort(v); err != nil || port == "" {
				return errors.New("want HOST:PORT")
			}
			c.Addr = v
			return nil
		},
		get: func(c Config) string { return c.Addr }},
	{key: "max_bom_bytes", env: EnvMaxBOMBytes, flag: "max-bom-bytes",
		doc: "serve: largest SBOM upload (bytes, or with KiB/MiB/GiB)", def: constant(strconv.Itoa(DefaultMaxBOMBytes)),
		set: func(c *Config, v string) (err error) { c.MaxBOMBytes, err = parseBytes(v); return err },
		get: func(c Config) string { return strconv.FormatInt(c.MaxBOMBytes, 10) }},
	{key: "max_components", env: EnvMaxComponents, flag: "max-components",
		doc: "serve: most components an SBOM upload may list", def: constant(strconv.Itoa(DefaultMaxComponents)),
		set: func(c *Config, v string) (err error) { c.MaxComponents, err = parseCount(v, 10_000_000); return err },
		get: func(c Config) string { return strconv.Itoa(c.MaxComponents) }},
	{key: "workers", env: EnvWorkers, flag: "workers", doc: "serve: SBOM uploads processed at once",
		def: constant(strconv.Itoa(DefaultWorkers)),
		set: func(c *Config, v string) (err error) { c.Workers, err = parseCount(v, 256); return err },
		get: func(c Config) string { return strconv.Itoa(c.Workers) }},
	{key: "backlog", env: EnvBacklog, flag: "backlog", doc: "serve: uploads queued before new ones get 503",
		def: constant(strconv.Itoa(DefaultBacklog)),
		set: func(c *Config, v string) (err error) { c.Backlog, err = parseCount(v, 100000); return err },
		get: func(c Config) string { return strconv.Itoa(c.Backlog) }},
	{key: "queue_bytes", env: EnvQueueBytes, flag: "queue-bytes",
		doc: "serve: bytes of SBOMs waiting for a worker before new uploads get 503 (bytes, or with KiB/MiB/GiB)",
		def: constant(strconv.Itoa(DefaultQueueBytes)),
		set: func(c *Config, v string) (err error) { c.QueueBytes, err = parseBytes(v); return err },
		get: func(c Config) string { return strconv.FormatInt(c.QueueBytes, 10) }},
	{key: "shutdown_timeout", env: EnvShutdownTimeout, flag: "shutdown-timeout",
		doc: "serve: how long shutdown waits (Go duration: 30s, 2m)", def: constant(DefaultShutdownTimeout.String()),
		set: func(c *Config, v string) error {
			d, err := time.ParseDuration(v)
			if err != nil || d <= 0 {
				return errors.New("want a positive duration such as 30s or 2m")
			}
			c.ShutdownTimeout = d
			return nil
		},
		get: func(c Config) string { return c.ShutdownTimeout.String() }},
	{key: "min_body_rate", env: EnvMinBodyRate, flag: "min-body-rate",
		doc: "serve: slowest request body accepted, bytes/s after a 10s grace (bytes, or with KiB/MiB); slower ones get 408",
		def: constant(strconv.Itoa(DefaultMinBodyRate)),
		set: func(c *Config, v string) (err error) { c.MinBodyRate, err = parseBytes(v); return err },
		get: func(c Config) string { return strconv.FormatInt(c.MinBodyRate, 10) }},
	{key: "tls_cert", env: EnvTLSCert, flag: "tls-cert", path: true,
		doc: "serve: PEM certificate chain; with tls_key, serve HTTPS (with HSTS)", def: constant(""),
		set: func(c *Config, v string) error { c.TLSCert = v; return nil },
		get: func(c Config) string { return c.TLSCert }},
	{key: "tls_key", env: EnvTLSKey, flag: "tls-key", path: true,
		doc: "serve: PEM private key of tls_cert", def: constant(""),
		set: func(c *Config, v string) error { c.TLSKey = v; return nil },
		get: func(c Config) string { return c.TLSKey }},
	{key: "trust_proxy", env: EnvTrustProxy, flag: "trust-proxy",
		doc: "serve: true behind a TLS-terminating reverse proxy: trust its X-Forwarded-Proto (Secure session cookies)",
		def: constant("false"),
		set: func(c *Config, v string) (err error) {
			c.TrustProxy, err = strconv.ParseBool(v)
			if err != nil {
				return errors.New("want true or false")
			}
			return nil
		},
		get: func(c Config) string { return strconv.FormatBool(c.TrustProxy) }},
	{key: "reminder_lead_times", env: EnvReminderLeads, flag: "reminder-lead-times",
		doc: "serve: when CRA reporting deadlines are reminded about, before each (comma-separated durations up to 14d: 12h,4h,1h; overdue is always reminded)",
		def: func(func(string) string) (string, error) { return reporting.FormatLeads(reporting.DefaultLeads()), nil },
		set: func(c *Config, v string) (err error) { c.ReminderLeads, err = reporting.ParseLeadList(v); return err },
		get: func(c Config) string { return reporting.FormatLeads(c.ReminderLeads) }},
}

func knownKey(k string) bool {
	for _, s := range settings {
		if s.key == k {
			return true
		}
	}
	return false
}

func levelName(l slog.Level) string {
	switch l {
	case slog.LevelDebug:
		return "debug"
	case slog.LevelInfo:
		return "info"
	case slog.LevelWarn:
		return "warn"
	case slog.LevelError:
		return "error"
	}
	return strings.ToLower(l.String())
}

// maxBOMLimit caps max_bom_bytes: an SBOM is held in memory while parsed.
const maxBOMLimit = 4 << 30

// parseBytes reads a positive byte count, optionally with a binary unit.
func parseBytes(v string) (int64, error) {
	mult := int64(1)
	num := v
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"B", 1}} {
		if strings.HasSuffix(v, u.suffix) {
			num, mult = strings.TrimSpace(strings.TrimSuffix(v, u.suffix)), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(num, 10, 64)
	if err != nil || n <= 0 || n > maxBOMLimit/mult {
		return 0, fmt.Errorf("want a byte count from 1 to 4GiB (e.g. 52428800 or 50MiB)")
	}
	return n * mult, nil
}

func parseCount(v string, hi int) (int, error) {
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > hi {
		return 0, fmt.Errorf("want a whole number from 1 to %d", hi)
	}
	return n, nil
}
