package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/buildinfo"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/redact"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/scan"
	"github.com/rocca-project/rocca/internal/termtext"
)

// Exit codes, documented in the README and in `rocca --help`.
const (
	ExitOK       = 0 // success; for scan: no finding breaks --fail-on
	ExitFindings = 1 // scan: findings break the --fail-on policy
	ExitUsage    = 2 // bad command line
	ExitInput    = 3 // an input file is unreadable or invalid
	ExitFailure  = 4 // rocca itself failed (database, I/O)
)

const exitCodesHelp = `Exit codes:
  0  success (scan: no finding breaks the --fail-on policy)
  1  scan: findings break the --fail-on policy
  2  usage error (unknown command or flag, missing argument)
  3  input error (unreadable or invalid SBOM, VEX or feed file)
  4  rocca failed (database or I/O error)`

// exitError carries an exit code through cobra.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

func usageErr(format string, a ...any) error {
	return &exitError{code: ExitUsage, err: fmt.Errorf(format, a...)}
}

func inputErr(err error) error { return &exitError{code: ExitInput, err: err} }

// env is what every command shares: streams, flags and how to open the App.
type env struct {
	ctx    context.Context
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	flags  config.Flags
	build  buildinfo.Info // the binary's identity, read once in Run
	dbURL  string         // the database URL once resolved, to redact from messages
}

// config resolves the configuration from the flags, the environment and
// the configuration file; a bad value is a usage error.
func (e *env) config() (config.Config, error) {
	cfg, err := config.Resolve(e.flags, e.getenv)
	if err != nil {
		return cfg, usageErr("%v", err)
	}
	e.dbURL = cfg.DatabaseURL
	return cfg, nil
}

// logger returns the stderr logger at the configured level. When the
// database URL holds a password, every string and error logged is
// scrubbed of it.
func (e *env) logger(cfg config.Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel}
	if dbURL := cfg.DatabaseURL; len(redact.Secrets(dbURL)) > 0 {
		opts.ReplaceAttr = func(_ []string, a slog.Attr) slog.Attr {
			switch a.Value.Kind() {
			case slog.KindString:
				return slog.String(a.Key, redact.Message(a.Value.String(), dbURL))
			case slog.KindAny:
				if err, ok := a.Value.Any().(error); ok {
					return slog.String(a.Key, redact.Message(err.Error(), dbURL))
				}
			}
			return a
		}
	}
	return slog.New(slog.NewTextHandler(e.stderr, opts))
}

// redact removes the passwords of every database URL rocca was given (flag,
// environment, resolved configuration) from a message about to be printed.
func (e *env) redact(msg string) string {
	for _, u := range []string{e.flags.Database, e.getenv(config.EnvDatabaseURL), e.dbURL} {
		msg = redact.Message(msg, u)
	}
	return msg
}

// open resolves the configuration and opens the App, applying pending
// schema migrations.
func (e *env) open() (*app.App, error) {
	cfg, err := e.config()
	if err != nil {
		return nil, err
	}
	return app.Open(e.ctx, cfg, e.logger(cfg))
}

// Run executes rocca with args (without the program name) and returns the
// process exit code.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return RunIO(ctx, args, os.Stdin, stdout, stderr)
}

// RunIO is Run with standard input given (passwords are read from it
// when it is not a terminal).
func RunIO(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr, getenv: os.Getenv, build: buildinfo.Read()}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil && ee.code != ExitFindings {
			fmt.Fprintf(stderr, "rocca: %s\n", termtext.EscapeLines(e.redact(ee.err.Error())))
			limitHint(stderr, ee.err)
		}
		if ee.code == ExitUsage {
			fmt.Fprintln(stderr, "Run 'rocca --help' for usage.")
		}
		return ee.code
	}
	var ie *scan.InputError
	if errors.As(err, &ie) {
		fmt.Fprintf(stderr, "rocca: %s\n", termtext.EscapeLines(e.redact(err.Error())))
		limitHint(stderr, err)
		return ExitInput
	}
	// Errors cobra raises itself (unknown command, wrong arguments) are usage errors.
	if isCobraUsage(err) {
		fmt.Fprintf(stderr, "rocca: %s\nRun 'rocca --help' for usage.\n", termtext.EscapeLines(e.redact(err.Error())))
		return ExitUsage
	}
	fmt.Fprintf(stderr, "rocca: %s\n", termtext.EscapeLines(e.redact(err.Error())))
	return ExitFailure
}

// limitHint tells which flag sets the limit an SBOM went over.
func limitHint(stderr io.Writer, err error) {
	if errors.Is(err, sbom.ErrTooLarge) {
		fmt.Fprintln(stderr, "rocca: the limit is set with --max-sbom-size (bytes, after decompression)")
	}
}

// isCobraUsage recognises the errors cobra itself returns for a bad
// command line (it has no typed errors for them).
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:   "rocca",
		Short: "Vulnerability management for the Cyber Resilience Act and NIS2",
		Long: `rocca keeps products, their SBOMs and a factory's assets under vulnerability watch,
offline, from a local knowledge base of OSV advisories, CISA KEV and FIRST EPSS.

Database: --database PATH, else $` + config.EnvDatabaseURL + `, else the configuration
file, else a SQLite file in the user's data directory (~/.local/share/rocca/rocca.db
on Linux). Every setting is taken from its flag, else its environment variable, else
the configuration file (--config FILE or $` + config.EnvConfig + `), else its default:
'rocca config' shows the effective values and where each came from.

` + exitCodesHelp,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.PersistentFlags().StringVar(&e.flags.ConfigFile, "config", "", "configuration file (env "+config.EnvConfig+"; default: none)")
	root.PersistentFlags().StringVar(&e.flags.Database, "database", "", "database: SQLite file path or postgres:// URL (default: user data directory; env "+config.EnvDatabaseURL+")")
	root.PersistentFlags().StringVar(&e.flags.LogLevel, "log-level", "", "log level on stderr: debug, info, warn, error (default warn, serve: info; env "+config.EnvLogLevel+")")
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return usageErr("%v", err)
	})
	root.AddCommand(newVersionCmd(e), newDBCmd(e), newScanCmd(e), newDemoCmd(e), newSBOMCmd(e))
	// Server and tenant administration (portfolio, issue #4).
	root.AddCommand(newServeCmd(e), newOrgCmd(e), newAPIKeyCmd(e), newProductCmd(e), newVEXCmd(e))
	root.AddCommand(newConfigCmd(e), newFeedsCmd(e))
	// Web application accounts and the audit log (issue 9).
	root.AddCommand(newUserCmd(e), newAuditCmd(e))
	return root
}

// exactArgs is cobra.ExactArgs with a usage-classified error.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usageErr("%s: expected %s, got %d arguments", cmd.CommandPath(), what, len(args))
		}
		return nil
	}
}
