package config

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// EnvDatabaseURL names the environment variable selecting the database.
const EnvDatabaseURL = "ROCCA_DATABASE_URL"

// Config is rocca's effective configuration.
type Config struct {
	// DatabaseURL is a SQLite file path (or file:/sqlite:// URL) or a
	// postgres:// URL.
	DatabaseURL string
	// DatabaseSource tells where DatabaseURL came from: flag, env, default.
	DatabaseSource string
	// LogLevel is the minimum level logged to stderr.
	LogLevel slog.Level
}

// Flags are the command-line values that take part in resolution; empty
// strings mean "not given".
type Flags struct {
	Database string
	LogLevel string
}

// Resolve builds the configuration: flags win over the environment, which
// wins over defaults. getenv is os.Getenv in production.
func Resolve(f Flags, getenv func(string) string) (Config, error) {
	c := Config{LogLevel: slog.LevelWarn}
	switch {
	case f.Database != "":
		c.DatabaseURL, c.DatabaseSource = f.Database, "flag --database"
	case getenv(EnvDatabaseURL) != "":
		c.DatabaseURL, c.DatabaseSource = getenv(EnvDatabaseURL), "environment "+EnvDatabaseURL
	default:
		dir, err := DataDir(getenv)
		if err != nil {
			return c, err
		}
		c.DatabaseURL, c.DatabaseSource = filepath.Join(dir, "rocca.db"), "default"
	}
	if f.LogLevel != "" {
		if err := c.LogLevel.UnmarshalText([]byte(f.LogLevel)); err != nil {
			return c, fmt.Errorf("--log-level %q: want debug, info, warn or error", f.LogLevel)
		}
	}
	return c, nil
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
func (c Config) Redacted() string {
	u := c.DatabaseURL
	if at := strings.LastIndex(u, "@"); at > 0 && strings.Contains(u, "://") {
		scheme := u[:strings.Index(u, "://")+3]
		userinfo := u[len(scheme):at]
		if name, _, ok := strings.Cut(userinfo, ":"); ok {
			return scheme + name + ":***" + u[at:]
		}
	}
	return u
}
