package cli

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"
)

func newDBCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "db",
		Short: "Manage the vulnerability knowledge base",
		Args:  exactArgs(0, "a subcommand"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return cmd.Help()
		},
	}
	cmd.AddCommand(newDBImportCmd(e), newDBInfoCmd(e))
	return cmd
}

func newDBImportCmd(e *env) *cobra.Command {
	var asJSON, quiet bool
	cmd := &cobra.Command{
		Use:   "import PATH...",
		Short: "Import OSV zips or directories, the CISA KEV catalogue and EPSS CSV files",
		Long: `Import vulnerability data into the knowledge base. The format of each PATH is
detected from its content:

  - an OSV all.zip (osv.dev's per-ecosystem layout) or a directory of OSV JSON files
  - a single OSV JSON record
  - the CISA Known Exploited Vulnerabilities JSON catalogue
  - a FIRST EPSS CSV (cve,epss,percentile; optionally gzip-compressed)

Each PATH is imported in one transaction: a file that fails as a whole leaves
nothing behind, while invalid records inside it are rejected with their reason
and the rest is imported. Re-importing is idempotent: a record replaces the
stored one when its "modified" time is newer, or equal (or missing) with
changed content. Withdrawn records stop matching. Alias groups (one
vulnerability known as CVE, GHSA, GO-, PYSEC-...) are recomputed at the end.`,
		Example: `  rocca db import osv/Go.zip osv/PyPI.zip known_exploited_vulnerabilities.json
  rocca db import ./advisories/ epss_scores-current.csv.gz`,
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
				fmt.Fprint(e.stdout, rep.Summary())
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
			st, err := a.Store.Stats(cmd.Context())
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "database:   %s (%s, from %s)\n", a.Config.Redacted(), a.Store.Engine(), a.Config.DatabaseSource)
			fmt.Fprintf(e.stdout, "advisories: %d\nKEV:        %d\nEPSS:       %d\n", st.Advisories, st.KEVEntries, st.EPSSScores)
			if !st.UpdatedAt.IsZero() {
				fmt.Fprintf(e.stdout, "updated:    %s\n", st.UpdatedAt.Format(time.RFC3339))
			}
			return nil
		},
	}
}
