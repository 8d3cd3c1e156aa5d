package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesOnceAndRefusesNewerSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "sub", "dir", "rocca.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := migrations("sqlite")
	if err != nil {
		t.Fatal(err)
	}
	v, err := s.SchemaVersion(ctx)
	if err != nil || v != len(ms) {
		t.Fatalf("schema version %d (%v), want %d", v, err, len(ms))
	}
	s.Close()

	// Re-opening applies nothing and keeps the version.
	s, err = Open(ctx, "sqlite://"+path)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := s.SchemaVersion(ctx); v != len(ms) {
		t.Fatalf("after reopen: version %d", v)
	}
	// A database from a newer rocca is refused rather than misread.
	if _, err := s.db.ExecContext(ctx, `UPDATE schema_version SET version = 999`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(ctx, path)
	if err == nil || !strings.Contains(err.Error(), "newer than this rocca") {
		t.Fatalf("err = %v, want a newer-schema error", err)
	}
}

func TestOpenRejects(t *testing.T) {
	for _, u := range []string{"", "postgres://u:secret@localhost/db"} {
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
