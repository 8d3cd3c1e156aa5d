package sqlstore

import (
	"context"
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
