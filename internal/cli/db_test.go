package cli_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

func TestDBMigrate(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			code, out, errs := run(t, "db", "migrate", "--database", e.URL)
			if code != cli.ExitOK || !strings.Contains(out, "schema version 0 -> 16: applied 0001_knowledge_base.sql, 0002_portfolio.sql, 0003_kb_summary.sql, 0004_affected_by_package.sql, 0005_kb_changes.sql, 0006_watch.sql, 0007_upload_queue.sql, 0008_watch_indexes.sql, 0009_triage.sql, 0010_accounts.sql, 0011_reporting.sql, 0012_web_indexes.sql, 0013_triage_overview.sql, 0014_mail_locale.sql, 0015_case_owner.sql, 0016_finding_event_finding.sql") {
				t.Fatalf("first migrate: %d %q %s", code, out, errs)
			}
			code, out, errs = run(t, "db", "migrate", "--database", e.URL)
			if code != cli.ExitOK || !strings.Contains(out, "schema version 16: up to date") {
				t.Fatalf("second migrate: %d %q %s", code, out, errs)
			}
			if strings.Contains(out+errs, "@") && !strings.Contains(out, ":***@") {
				t.Errorf("migrate output shows a password: %s", out)
			}
		})
	}
}

// TestDBBackupRestore follows the README: back up the database while it is
// in use, refuse to overwrite, then restore by pointing the database
// setting at the backup and find the data.
func TestDBBackupRestore(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "rocca.db")
	if code, _, errs := run(t, "org", "create", "Example Macchine", "--database", db); code != cli.ExitOK {
		t.Fatalf("org create: %d %s", code, errs)
	}
	// The database stays open (as under rocca serve) while the copy is taken.
	held, err := sqlstore.Open(context.Background(), db)
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.Orgs(context.Background()); err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(dir, "rocca-backup.db")
	code, out, errs := run(t, "db", "backup", backup, "--database", db)
	if code != cli.ExitOK || !strings.Contains(out, "written to "+backup) {
		t.Fatalf("db backup: %d %q %s", code, out, errs)
	}
	if code, _, errs := run(t, "db", "backup", backup, "--database", db); code != cli.ExitUsage || !strings.Contains(errs, "already exists") {
		t.Errorf("backup over an existing file: %d %s", code, errs)
	}

	// Restore, way 1: point ROCCA_DATABASE_URL at the backup.
	t.Setenv("ROCCA_DATABASE_URL", backup)
	code, out, errs = run(t, "org", "list")
	if code != cli.ExitOK || !strings.Contains(out, "Example Macchine") {
		t.Fatalf("org list on the backup: %d %q %s", code, out, errs)
	}
	// Restore, way 2: with rocca stopped, copy the backup into place.
	held.Close()
	restored := filepath.Join(dir, "restored", "rocca.db")
	if err := os.MkdirAll(filepath.Dir(restored), 0o750); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(restored, data, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs = run(t, "org", "list", "--database", restored)
	if code != cli.ExitOK || !strings.Contains(out, "Example Macchine") {
		t.Fatalf("org list on the copied backup: %d %q %s", code, out, errs)
	}
}

func TestDBBackupRefusals(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"postgres", []string{"db", "backup", filepath.Join(dir, "pg.dump"), "--database", "postgres://rocca:topsecret@127.0.0.1:1/rocca"}, cli.ExitUsage, "pg_dump --format=custom"},
		{"no database", []string{"db", "backup", filepath.Join(dir, "b.db"), "--database", filepath.Join(dir, "none.db")}, cli.ExitInput, "no database at"},
		{"no file", []string{"db", "backup", "--database", filepath.Join(dir, "none.db")}, cli.ExitUsage, "expected the backup FILE"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, errs := run(t, tt.args...)
			if code != tt.code || !strings.Contains(errs, tt.want) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errs, tt.code, tt.want)
			}
			if strings.Contains(errs, "topsecret") {
				t.Errorf("stderr shows the password: %s", errs)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(dir, "none.db")); err == nil {
		t.Error("db backup created the missing database")
	}
}

// TestServeRefusesNewerSchema: serve does not run on a database whose
// schema is not the one this rocca needs.
func TestServeRefusesNewerSchema(t *testing.T) {
	db := filepath.Join(t.TempDir(), "rocca.db")
	if code, _, errs := run(t, "db", "migrate", "--database", db); code != cli.ExitOK {
		t.Fatalf("migrate: %d %s", code, errs)
	}
	raw, err := sql.Open("sqlite", db)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := raw.Exec(`UPDATE schema_version SET version = 99`); err != nil {
		t.Fatal(err)
	}
	raw.Close()
	code, _, errs := run(t, "serve", "--addr", "127.0.0.1:0", "--database", db)
	if code != cli.ExitFailure || !strings.Contains(errs, "newer than this rocca") {
		t.Errorf("serve on a newer schema: exit %d, %s", code, errs)
	}
}
