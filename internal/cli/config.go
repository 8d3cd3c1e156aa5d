package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/config"
)

func newConfigCmd(e *env) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "config",
		Short: "Print the effective configuration and where each value came from",
		Long: `Print every setting with its effective value and its source: a flag, an
environment variable, the configuration file (with its line) or the default.
Each setting is taken from the first of these, in this order:

  1. its flag (--database, --log-level, and the serve flags, accepted here too)
  2. its environment variable (ROCCA_DATABASE_URL, ROCCA_LOG_LEVEL, ROCCA_ADDR, ...)
  3. the configuration file named by --config FILE or ROCCA_CONFIG (none by default)
  4. its default

Passwords in database URLs are shown as ***. The database is not opened.

The configuration file holds one "key = value" per line (a subset of TOML):

  # /etc/rocca/rocca.conf
  database = "postgres://rocca:secret@db.internal:5432/rocca"
  log_level = info
  addr = "0.0.0.0:8080"
  max_bom_bytes = 50MiB
  max_components = 1000000
  workers = 4
  backlog = 64
  queue_bytes = 256MiB
  shutdown_timeout = 30s

Values may be bare or quoted ("..." with backslash escapes, or '...' taken
literally); # starts a comment. A relative SQLite path is relative to the
file's directory. Unknown keys and repeated keys are errors.`,
		Example: `  rocca config
  rocca --config /etc/rocca/rocca.conf config --json
  ROCCA_WORKERS=8 rocca config --addr 0.0.0.0:8080`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			cfg, err := e.config()
			if err != nil {
				return err
			}
			if asJSON {
				return printConfigJSON(e, cfg)
			}
			if cfg.File != "" {
				fmt.Fprintf(e.stdout, "configuration file: %s (from %s)\n\n", cfg.File, cfg.FileSource)
			} else {
				fmt.Fprintf(e.stdout, "configuration file: none (--config FILE or %s)\n\n", config.EnvConfig)
			}
			tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "SETTING\tVALUE\tSOURCE\tENVIRONMENT\tFLAG")
			for _, s := range cfg.Settings() {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", s.Key, s.Value, s.Source, s.Env, s.Flag)
			}
			return tw.Flush()
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the configuration as JSON")
	addServerFlags(cmd, &e.flags)
	addFeedFlags(cmd.Flags(), &e.flags.Feeds)
	addSMTPFlags(cmd, &e.flags.SMTP)
	return cmd
}

func printConfigJSON(e *env, cfg config.Config) error {
	out := struct {
		File       string           `json:"file,omitempty"`
		FileSource string           `json:"fileSource,omitempty"`
		Settings   []config.Setting `json:"settings"`
	}{cfg.File, cfg.FileSource, cfg.Settings()}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
