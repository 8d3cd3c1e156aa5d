package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/termtext"
)

func newDBCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the database: knowledge-base import, schema migrations, backups",
		Args:  exactArgs(0, "a subcommand"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newDBImportCmd(e), newDBInfoCmd(e), newDBMigrateCmd(e), newDBBackupCmd(e))
	return cmd
}

func newDBImportCmd(e *env) *cobra.Command {
	var asJSON, quiet bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import OSV zips or directories, the CISA KEV, EU KEV and EUVD lists and EPSS CSV files",
		Long: `Import vulnerability data into the knowledge base. The format of each PATH is
detected from its content:

  - an OSV all.zip (osv.dev's per-ecosystem layout) or a directory of OSV JSON files
  - a single OSV JSON record
  - the CISA Known Exploited Vulnerabilities JSON catalogue
  - the EU KEV JSON list (ENISA and the EU CSIRTs Network)
  - EUVD's exploited dump (JSON, /api/kev/dump) and its CVE-EUVD id mapping
    (CSV euvd_id,cve_id, /api/dump/cve-euvd-mapping)
  - a FIRST EPSS CSV (cve,epss,percentile; optionally gzip-compressed)

Any of them may be gzip-compressed. The exploited lists and the EUVD mapping
are whole lists: an entry the imported file no longer holds is removed. Only
ids, flags and dates are kept from EU KEV and EUVD, no descriptions.

Each PATH is imported in one transaction: a file that fails as a whole leaves
nothing behind, while invalid records inside it are rejected with their reason
and the rest is imported. Re-importing is idempotent: a record replaces the
stored one when its "modified" time is newer, or equal (or missing) with
changed content. Withdrawn records stop matching. Alias groups (one
vulnerability known as CVE, GHSA, GO-, PYSEC-...) are recomputed at the end.`,
		Example: `  rocca db import osv/Go.zip osv/PyPI.zip known_exploited_vulnerabilities.json
  rocca db import ./advisories/ epss_scores-current.csv.gz
  rocca db import eukev.json euvd-kev-dump.json cve-euvd-mapping.csv`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return usageErr("db import: expected at least one PATH")
			}
			return nil
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open()
			if err != nil {
				return err
			}
			defer a.Close()
			im := a.Importer()
			if !quiet {
				im.Progress = progressPrinter(e, time.Now())
			}
			rep, err := im.Import(cmd.Context(), args)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(e.stdout)
				enc.SetIndent("", "  ")
				if err := enc.Encode(rep); err != nil {
					return err
				}
			} else {
				fmt.Fprint(e.stdout, termtext.EscapeLines(rep.Summary()))
			}
			if rep.Failed() {
				return &exitError{code: ExitInput, err: fmt.Errorf("some files could not be imported (see above)")}
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the import report as JSON")
	cmd.Flags().BoolVarP(&quiet, "quiet", "q", false, "do not print progress")
	return cmd
}

// progressPrinter reports progress on stderr at most every two seconds per
// file, and always at the end of a file.
func progressPrinter(e *env, start time.Time) func(path string, done, total int) {
	last := map[string]time.Time{}
	return func(path string, done, total int) {
		now := time.Now()
		if done != total && now.Sub(last[path]) < 2*time.Second {
			return
		}
		last[path] = now
		if total > 0 {
			fmt.Fprintf(e.stderr, "  %s: %d/%d records (%s)\n", path, done, total, now.Sub(start).Round(100*time.Millisecond))
		} else {
			fmt.Fprintf(e.stderr, "  %s: %d records (%s)\n", path, done, now.Sub(start).Round(100*time.Millisecond))
		}
	}
}

func newDBInfoCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "info",
		Short: "Show where the database is and what the knowledge base holds",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			a, err := e.open()
			if err != nil {
				return err
			}
			defer a.Close()
			st, err := a.KnowledgeBaseStats(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database:   %s (%s, from %s)\n", a.Config.Redacted(), a.Engine(), a.Config.DatabaseSource)
			if v, err := a.SchemaVersion(cmd.Context()); err == nil {
				fmt.Fprintf(e.stdout, "schema:     version %d\n", v)
			}
			fmt.Fprintf(e.stdout, "advisories: %d\nKEV:        %d\nEPSS:       %d\n", st.Advisories, st.KEVEntries, st.EPSSScores)
			if !st.UpdatedAt.IsZero() {
				fmt.Fprintf(e.stdout, "updated:    %s\n", st.UpdatedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
}

// Database maintenance: schema migrations and backups.

func newDBMigrateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "migrate",
		Short: "Apply the embedded schema migrations and report the schema version",
		Long: `Apply the schema migrations embedded in this rocca that the database does not
have yet, each in its own transaction, and report the schema version before
and after. Every command applies pending migrations when it opens the
database; 'db migrate' does it explicitly, e.g. right after an upgrade and a
backup, before starting 'rocca serve'. A database of a newer rocca is refused.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			a, err := app.OpenNoMigrate(e.ctx, cfg, e.logger(cfg))
			if err != nil {
				return err
			}
			defer a.Close()
			rep, err := a.Migrate(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database: %s (%s)\n", cfg.Redacted(), a.Engine())
			if len(rep.Applied) == 0 {
				fmt.Fprintf(e.stdout, "schema version %d: up to date\n", rep.To)
				return nil
			}
			fmt.Fprintf(e.stdout, "schema version %d -> %d: applied %s\n", rep.From, rep.To, strings.Join(rep.Applied, ", "))
			return nil
		},
	}
}

func newDBBackupCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the SQLite database to FILE (PostgreSQL: use pg_dump)",
		Long: `Write a consistent copy of the SQLite database to FILE while the database stays
in use (rocca serve may keep running): SQLite's VACUUM INTO copies one snapshot.
FILE must not exist; rocca never overwrites it. The copy is taken as the
database is, without applying migrations, and is readable only by its owner.

Restore: stop rocca, then either copy the backup over the database file
(delete its -wal and -shm files first) or point ROCCA_DATABASE_URL (or
--database, or the configuration file) at the backup; start rocca.

PostgreSQL databases are backed up with PostgreSQL's own tools: this
command then prints the pg_dump and pg_restore commands and exits with
the usage error code.`,
		Example: `  rocca db backup /var/backups/rocca-$(date +%F).db
  ROCCA_DATABASE_URL=/var/backups/rocca-2026-12-01.db rocca db info`,
		Args: exactArgs(1, "the backup FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			if sqlstore.IsPostgres(cfg.DatabaseURL) {
				return usageErr("db backup: %s is a PostgreSQL database; back it up with pg_dump:\n"+
					"  pg_dump --format=custom --file=%s '%s'\n"+
					"and restore it into an empty database with:\n"+
					"  pg_restore --no-owner --dbname='<postgres URL>' %s", cfg.Redacted(), args[0], cfg.Redacted(), args[0])
			}
			if _, err := os.Stat(sqlstore.SQLitePath(cfg.DatabaseURL)); err != nil {
				return inputErr(fmt.Errorf("db backup: no database at %s: %w", cfg.Redacted(), err))
			}
			a, err := app.OpenNoMigrate(e.ctx, cfg, e.logger(cfg))
			if err != nil {
				return err
			}
			defer a.Close()
			err = a.Backup(cmd.Context(), args[0])
			if errors.Is(err, sqlstore.ErrBackupExists) {
				return usageErr("db backup: %s already exists; rocca does not overwrite it (choose a new name)", args[0])
			}
			if err != nil {
				return err
			}
			v, err := a.SchemaVersion(cmd.Context())
			if err != nil {
				return err
			}
			st, err := os.Stat(args[0])
			if err != nil {
				return fmt.Errorf("db backup: %w", err)
			}
			fmt.Fprintf(e.stdout, "backup of %s written to %s (%d bytes, schema version %d)\n", cfg.Redacted(), args[0], st.Size(), v)
			return nil
		},
	}
}
