package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver
)

// PostgresEnv names the environment variable through which the test
// command (scripts/test.sh) hands the tests a throw-away PostgreSQL
// cluster: a postgres:// URL of a role allowed to create databases.
const PostgresEnv = "ROCCA_TEST_POSTGRES_URL"

// Engine is one database engine a storage test runs against.
type Engine struct {
	// Name is "sqlite" or "postgres".
	Name string
	// URL opens a fresh, empty database of the engine, as
	// ROCCA_DATABASE_URL would name it.
	URL string
}

// Engines returns a fresh empty database on every engine: always SQLite
// (a file in t.TempDir()), and PostgreSQL when PostgresEnv is set (a new
// database in that cluster, dropped when the test ends). Outside the test
// command PostgreSQL is skipped with a message (t.Log), never silently:
// the storage suite then runs on SQLite only.
func Engines(t testing.TB) []Engine {
	t.Helper()
	engines := []Engine{{Name: "sqlite", URL: filepath.Join(t.TempDir(), "rocca.db")}}
	if pg := PostgresURL(t); pg != "" {
		engines = append(engines, Engine{Name: "postgres", URL: pg})
	}
	return engines
}

// PostgresURL returns the URL of a fresh PostgreSQL database, dropped when
// the test ends, or "" (with a log line saying why) when PostgresEnv is not
// set. When ROCCA_REQUIRE_POSTGRES=1 (set by the test command) a missing
// PostgreSQL fails the test instead.
func PostgresURL(t testing.TB) string {
	t.Helper()
	admin := os.Getenv(PostgresEnv)
	if admin == "" {
		if os.Getenv("ROCCA_REQUIRE_POSTGRES") == "1" {
			t.Fatalf("%s is not set but ROCCA_REQUIRE_POSTGRES=1", PostgresEnv)
		}
		t.Logf("PostgreSQL not tested: %s is not set (./scripts/test.sh starts a throw-away cluster and sets it)", PostgresEnv)
		return ""
	}
	u, err := url.Parse(admin)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	var b [6]byte
	_, _ = rand.Read(b[:])
	name := "rocca_test_" + hex.EncodeToString(b[:])
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := sql.Open("pgx", admin)
	if err != nil {
		t.Fatalf("connect to %s: %v", u.Redacted(), err)
	}
	defer db.Close()
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create database %s on %s: %v", name, u.Redacted(), err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		db, err := sql.Open("pgx", admin)
		if err != nil {
			t.Logf("drop database %s: %v", name, err)
			return
		}
		defer db.Close()
		if _, err := db.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
