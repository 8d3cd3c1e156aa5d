package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/rocca-project/rocca/internal/redact"
)

const pathSep = string(filepath.Separator)

// Config is rocca's effective configuration, resolved once by Resolve.
type Config struct {
	// DatabaseURL is a SQLite file path (or file:/sqlite:// URL) or a
	// postgres:// URL.
	DatabaseURL string
	// DatabaseSource tells where DatabaseURL came from (see Setting.Source).
	DatabaseSource string
	// LogLevel is the minimum level logged to stderr.
	LogLevel slog.Level
	// Addr is the server's listen address, HOST:PORT.
	Addr string
	// MaxBOMBytes bounds an uploaded SBOM.
	MaxBOMBytes int64
	// MaxComponents bounds the components of an uploaded SBOM.
	MaxComponents int
	// Workers and Backlog size the server's upload queue; QueueBytes
	// bounds the bytes of the SBOMs waiting in it.
	Workers, Backlog int
	QueueBytes       int64
	// ShutdownTimeout bounds the server's graceful shutdown.
	ShutdownTimeout time.Duration
	// MinBodyRate is the slowest average rate, in bytes per second, at
	// which the server reads a request body after a grace period.
	MinBodyRate int64
	// TLSCert and TLSKey are PEM files; when both are set the server
	// speaks HTTPS.
	TLSCert, TLSKey string
	// TrustProxy makes the server believe a request's X-Forwarded-Proto
	// (behind a TLS-terminating reverse proxy): https then marks the web
	// application's session cookie Secure.
	TrustProxy bool
	// ReminderLeads are the reminder lead times of the CRA reporting
	// deadlines, longest first.
	ReminderLeads []time.Duration
	// File is the configuration file read ("" when none), FileSource how
	// it was named (flag --config or environment ROCCA_CONFIG).
	File, FileSource string

	// Feeds are the feed sync's settings.
	Feeds Feeds
	// SMTP is the server e-mail notifications are sent through.
	SMTP SMTP

	origins []string
}

// Flags are the command-line values that take part in resolution, as
// typed; empty strings mean "not given".
type Flags struct {
	ConfigFile      string
	Database        string
	LogLevel        string
	Addr            string
	MaxBOMBytes     string
	MaxComponents   string
	Workers         string
	Backlog         string
	QueueBytes      string
	ShutdownTimeout string
	MinBodyRate     string
	TLSCert         string
	TLSKey          string
	TrustProxy      string
	// ReminderLeadTimes is --reminder-lead-times.
	ReminderLeadTimes string
	// Feeds are the feed settings' flags.
	Feeds FeedFlags
	// SMTP are the SMTP settings' flags.
	SMTP SMTPFlags
}

func (f Flags) value(key string) string {
	switch key {
	case "database":
		return f.Database
	case "log_level":
		return f.LogLevel
	case "addr":
		return f.Addr
	case "max_bom_bytes":
		return f.MaxBOMBytes
	case "workers":
		return f.Workers
	case "backlog":
		return f.Backlog
	case "queue_bytes":
		return f.QueueBytes
	case "max_components":
		return f.MaxComponents
	case "shutdown_timeout":
		return f.ShutdownTimeout
	case "min_body_rate":
		return f.MinBodyRate
	case "tls_cert":
		return f.TLSCert
	case "tls_key":
		return f.TLSKey
	case "trust_proxy":
		return f.TrustProxy
	case "reminder_lead_times":
		return f.ReminderLeadTimes
	}
	if v := f.Feeds.value(key); v != "" {
		return v
	}
	return f.SMTP.value(key)
}

// Resolve builds the configuration. Each setting is taken from the first
// of: its flag, its environment variable, the configuration file (named by
// --config, else ROCCA_CONFIG; none by default), its default. getenv is
// os.Getenv in production. Errors name the setting and where its value
// came from.
func Resolve(f Flags, getenv func(string) string) (Config, error) {
	var c Config
	c.File, c.FileSource = f.ConfigFile, "flag --config"
	if c.File == "" {
		c.File, c.FileSource = getenv(EnvConfig), "environment "+EnvConfig
	}
	if c.File == "" {
		c.FileSource = ""
	}
	var file map[string]fileValue
	if c.File != "" {
		data, err := readFile(c.File)
		if err != nil {
			return c, err
		}
		if file, err = parseFile(data, knownKey); err != nil {
			return c, fmt.Errorf("config file %s: %w", c.File, err)
		}
	}
	c.origins = make([]string, len(settings))
	for i, s := range settings {
		raw, origin := f.value(s.key), "flag --"+s.flag
		if raw == "" {
			raw, origin = getenv(s.env), "environment "+s.env
		}
		if fv, ok := file[s.key]; raw == "" && ok {
			raw, origin = fv.value, fmt.Sprintf("file %s:%d", c.File, fv.line)
			if s.path {
				raw = relativeTo(c.File, raw)
			}
		}
		if raw == "" {
			var err error
			if raw, err = s.def(getenv); err != nil {
				return c, err
			}
			origin = "default"
		}
		if err := s.set(&c, raw); err != nil {
			shown := redact.DatabaseURL(raw)
			if s.secret {
				shown = redact.Mask
			}
			return c, fmt.Errorf("%s %q (%s): %w", s.key, shown, origin, err)
		}
		c.origins[i] = origin
	}
	c.DatabaseSource = c.origins[0]
	if (c.TLSCert == "") != (c.TLSKey == "") {
		return c, fmt.Errorf("tls_cert (%s) and tls_key (%s): set both to serve HTTPS, or neither",
			c.Source("tls_cert"), c.Source("tls_key"))
	}
	if err := c.checkSMTP(); err != nil {
		return c, err
	}
	return c, nil
}

// relativeTo resolves a relative SQLite path given in a configuration
// file against the file's directory, so that the file means the same
// database whatever the working directory.
func relativeTo(file, db string) string {
	if strings.Contains(db, "://") || strings.HasPrefix(db, "file:") || db == ":memory:" || filepath.IsAbs(db) {
		return db
	}
	return filepath.Join(filepath.Dir(file), db)
}

// Setting is one resolved value as `rocca config` shows it.
type Setting struct {
	// Key is the name in the configuration file.
	Key string `json:"key"`
	// Value is the effective value, with passwords redacted.
	Value string `json:"value"`
	// Source is where the value came from: "flag --NAME",
	// "environment NAME", "file PATH:LINE" or "default".
	Source string `json:"source"`
	// Env and Flag name the environment variable and the flag ("" for a
	// setting without one).
	Env  string `json:"env"`
	Flag string `json:"flag"`
	// Doc says what the setting is.
	Doc string `json:"doc"`
}

// Settings returns every setting with its effective value (secrets
// redacted) and origin, in a fixed order.
func (c Config) Settings() []Setting {
	out := make([]Setting, len(settings))
	for i, s := range settings {
		out[i] = Setting{Key: s.key, Value: s.get(c), Source: c.origins[i], Env: s.env, Flag: "--" + s.flag, Doc: s.doc}
		if s.flag == "" {
			out[i].Flag = ""
		}
	}
	return out
}

// Source returns where the setting key came from ("" for an unknown key).
func (c Config) Source(key string) string {
	for i, s := range settings {
		if s.key == key {
			return c.origins[i]
		}
	}
	return ""
}

// WithDefaultLogLevel returns c with its log level set to l when the level
// was not configured (its source is the default): `rocca serve` logs at
// info by default, the other commands at warn.
func (c Config) WithDefaultLogLevel(l slog.Level) Config {
	c.origins = append([]string(nil), c.origins...) // c's copy only
	for i, s := range settings {
		if s.key == "log_level" && c.origins[i] == "default" {
			c.LogLevel = l
			c.origins[i] = "default (serve)"
		}
	}
	return c
}

// DataDir returns the per-user directory for rocca's data:
// $XDG_DATA_HOME/rocca or ~/.local/share/rocca on Unix,
// ~/Library/Application Support/rocca on macOS, %LocalAppData%\rocca on Windows.
func DataDir(getenv func(string) string) (string, error) {
	switch runtime.GOOS {
	case "windows":
		if d := getenv("LocalAppData"); d != "" {
			return filepath.Join(d, "rocca"), nil
		}
	case "darwin":
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, "Library", "Application Support", "rocca"), nil
		}
	default:
		if d := getenv("XDG_DATA_HOME"); d != "" && filepath.IsAbs(d) {
			return filepath.Join(d, "rocca"), nil
		}
		if h := getenv("HOME"); h != "" {
			return filepath.Join(h, ".local", "share", "rocca"), nil
		}
	}
	h, err := os.UserHomeDir()
	if err != nil {
		return "", errors.New("cannot find a data directory: set --database or " + EnvDatabaseURL)
	}
	return filepath.Join(h, ".rocca"), nil
}

// Redacted returns the database URL without any password.
func (c Config) Redacted() string { return redact.DatabaseURL(c.DatabaseURL) }
