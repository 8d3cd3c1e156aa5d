package sqlstore

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil"
)

func TestOpenMigratesOnceAndRefusesNewerSchema(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			u := e.URL
			if e.Name == "sqlite" {
				u = strings.Replace(u, "rocca.db", "sub/dir/rocca.db", 1)
			}
			s, err := Open(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			if s.Engine() != e.Name {
				t.Errorf("engine %q, want %q", s.Engine(), e.Name)
			}
			ms, err := migrations(e.Name)
			if err != nil {
				t.Fatal(err)
			}
			v, err := s.SchemaVersion(ctx)
			if err != nil || v != len(ms) {
				t.Fatalf("schema version %d (%v), want %d", v, err, len(ms))
			}
			if err := s.Ready(ctx); err != nil {
				t.Fatalf("ready: %v", err)
			}
			s.Close()

			// Re-opening applies nothing and keeps the version.
			if e.Name == "sqlite" {
				u = "sqlite://" + u
			}
			s, err = OpenNoMigrate(ctx, u)
			if err != nil {
				t.Fatal(err)
			}
			rep, err := s.Migrate(ctx)
			if err != nil || rep.From != len(ms) || rep.To != len(ms) || len(rep.Applied) != 0 {
				t.Fatalf("after reopen: %+v %v", rep, err)
			}
			// A stale schema is not ready.
			if _, err := s.db.ExecContext(ctx, `UPDATE schema_version SET version = 1`); err != nil {
				t.Fatal(err)
			}
			if err := s.Ready(ctx); err == nil || !strings.Contains(err.Error(), "schema version 1") {
				t.Errorf("ready on a stale schema: %v", err)
			}
			// A database from a newer rocca is refused rather than misread.
			if _, err := s.db.ExecContext(ctx, `UPDATE schema_version SET version = 999`); err != nil {
				t.Fatal(err)
			}
			s.Close()
			_, err = Open(ctx, u)
			if err == nil || !strings.Contains(err.Error(), "newer than this rocca") {
				t.Fatalf("err = %v, want a newer-schema error", err)
			}
		})
	}
}

func TestMigrateReportsFreshDatabase(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := OpenNoMigrate(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			if v, err := s.SchemaVersion(ctx); err != nil || v != 0 {
				t.Fatalf("fresh database: version %d, %v", v, err)
			}
			if err := s.Ready(ctx); err == nil {
				t.Error("a fresh database is ready")
			}
			rep, err := s.Migrate(ctx)
			latest, _ := s.LatestSchemaVersion()
			if err != nil || rep.From != 0 || rep.To != latest || len(rep.Applied) != latest {
				t.Fatalf("migrate: %+v %v (latest %d)", rep, err, latest)
			}
		})
	}
}

func TestMigrationTwinsMatch(t *testing.T) {
	lite, err := migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	pg, err := migrations("postgres")
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("%d SQLite migrations, %d PostgreSQL", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].name != pg[i].name {
			t.Errorf("migration %d: %s vs %s", i+1, lite[i].name, pg[i].name)
		}
	}
}

func TestOpenRejects(t *testing.T) {
	// Port 1 on loopback: nothing listens, the connection is refused at once.
	for _, u := range []string{"", "postgres://u:secret@127.0.0.1:1/db?connect_timeout=5",
		"postgres://u@127.0.0.1:1/db?password=secret&connect_timeout=5",
		"postgres://u@127.0.0.1:1/db?password=secret&sslmode=bogus",
		"postgres://u:secret%zz@127.0.0.1:1/db"} {
		_, err := Open(context.Background(), u)
		if err == nil {
			t.Errorf("Open(%q) succeeded", u)
		}
		if err != nil && strings.Contains(err.Error(), "secret") {
			t.Errorf("error leaks the password: %v", err)
		}
	}
}

func TestRebind(t *testing.T) {
	d := dialect{name: "postgres", dollar: true}
	if got := d.rebind(`SELECT a FROM t WHERE x = ? AND y IN (?, ?)`); got != `SELECT a FROM t WHERE x = $1 AND y IN ($2, $3)` {
		t.Errorf("rebind: %s", got)
	}
	if got := sqliteDialect.rebind(`x = ?`); got != `x = ?` {
		t.Errorf("sqlite rebind changed the query: %s", got)
	}
}

// TestSQLiteFilesPrivate: a fresh database file and the -wal and -shm files
// SQLite makes beside it after a write are readable by their owner only.
func TestSQLiteFilesPrivate(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix file modes")
	}
	path := filepath.Join(t.TempDir(), "sub", "rocca.db")
	s, err := Open(context.Background(), path) // creates the file, migrates: a write
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.db.ExecContext(context.Background(), `CREATE TABLE private_probe (x INTEGER); INSERT INTO private_probe VALUES (1)`); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{path, path + "-wal", path + "-shm"} {
		st, err := os.Stat(name)
		if err != nil {
			t.Fatalf("after a write: %v", err)
		}
		if mode := st.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %#o, want 0600", filepath.Base(name), mode)
		}
	}
	// An existing file keeps its mode.
	shared := filepath.Join(t.TempDir(), "shared.db")
	if err := os.WriteFile(shared, nil, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(shared, 0o640); err != nil {
		t.Fatal(err)
	}
	s2, err := Open(context.Background(), shared)
	if err != nil {
		t.Fatal(err)
	}
	s2.Close()
	if st, err := os.Stat(shared); err != nil || st.Mode().Perm() != 0o640 {
		t.Errorf("existing database file: %v, %v; want its mode 0640 kept", st.Mode(), err)
	}
}
