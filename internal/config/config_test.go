package config

import (
	"log/slog"
	"path/filepath"
	"runtime"
	"testing"
)

func TestResolve(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("default paths are tested on Linux")
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	tests := []struct {
		name    string
		flags   Flags
		env     map[string]string
		wantURL string
		wantSrc string
		wantLvl slog.Level
		wantErr bool
	}{
		{"flag wins", Flags{Database: "/x.db"}, map[string]string{EnvDatabaseURL: "/env.db"}, "/x.db", "flag --database", slog.LevelWarn, false},
		{"env", Flags{}, map[string]string{EnvDatabaseURL: "/env.db", "HOME": "/h"}, "/env.db", "environment ROCCA_DATABASE_URL", slog.LevelWarn, false},
		{"xdg default", Flags{}, map[string]string{"XDG_DATA_HOME": "/data", "HOME": "/h"}, filepath.Join("/data", "rocca", "rocca.db"), "default", slog.LevelWarn, false},
		{"home default", Flags{}, map[string]string{"HOME": "/h"}, "/h/.local/share/rocca/rocca.db", "default", slog.LevelWarn, false},
		{"log level", Flags{LogLevel: "debug"}, map[string]string{"HOME": "/h"}, "/h/.local/share/rocca/rocca.db", "default", slog.LevelDebug, false},
		{"bad log level", Flags{LogLevel: "loud"}, map[string]string{"HOME": "/h"}, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := Resolve(tt.flags, env(tt.env))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if tt.wantErr {
				return
			}
			if c.DatabaseURL != tt.wantURL || c.DatabaseSource != tt.wantSrc || c.LogLevel != tt.wantLvl {
				t.Errorf("got %q from %q level %v, want %q from %q level %v", c.DatabaseURL, c.DatabaseSource, c.LogLevel, tt.wantURL, tt.wantSrc, tt.wantLvl)
			}
		})
	}
}

func TestRedacted(t *testing.T) {
	c := Config{DatabaseURL: "postgres://rocca:secret@db:5432/rocca"}
	if got, want := c.Redacted(), "postgres://rocca:***@db:5432/rocca"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}
