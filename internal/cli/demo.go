package cli

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/config"
	"github.com/rocca-project/rocca/internal/demo"
	"github.com/rocca-project/rocca/internal/output"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/scan"
)

func newDemoCmd(e *env) *cobra.Command {
	var format, keep, addr string
	var scanOnly bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Start the web application with a demonstration organisation and knowledge base",
		Long: `Show rocca at work without network or feeds: build a throw-away database
(SQLite, in a temporary directory, or in --keep DIR) holding the
demonstration knowledge base shipped in the binary (real, public
vulnerabilities restated by the rocca project as OSV records, with a KEV
excerpt and EPSS scores), a demonstration organisation with a few products,
versions and SBOMs uploaded over the last weeks, and a user; then serve the
web application and the REST API on --addr, print the address and the
one-time login, and serve until interrupted (Ctrl-C). Your own database is
not touched.

With --scan, scan the example SBOM of an industrial HMI gateway against the
demonstration knowledge base instead, print the findings and exit.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if scanOnly {
				return runScanDemo(cmd, e, format, keep)
			}
			return runWebDemo(cmd, e, keep, addr)
		},
	}
	cmd.Flags().BoolVar(&scanOnly, "scan", false, "scan the example SBOM, print the findings and exit (the one-shot demo)")
	cmd.Flags().StringVar(&addr, "addr", "127.0.0.1:8080", "listen address of the web application (a free port when this one is taken)")
	cmd.Flags().StringVarP(&format, "format", "f", "table", "with --scan: output format: table, json, sarif, cyclonedx")
	cmd.Flags().StringVar(&keep, "keep", "", "write the demo data and database into this directory and keep them")
	return cmd
}

// runScanDemo is the one-shot demo: scan the example SBOM against the
// demonstration knowledge base and print the findings.
func runScanDemo(cmd *cobra.Command, e *env, format, keep string) error {
	fmtv, err := output.ParseFormat(format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	dir := keep
	if dir == "" {
		dir, err = os.MkdirTemp("", "rocca-demo-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
	}
	feeds, sbomPath, err := demo.WriteTo(dir)
	if err != nil {
		return err
	}
	cfg, err := config.Resolve(config.Flags{Database: filepath.Join(dir, "demo.db"), LogLevel: e.flags.LogLevel}, e.getenv)
	if err != nil {
		return usageErr("%v", err)
	}
	log := slog.New(slog.NewTextHandler(e.stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	a, err := app.Open(cmd.Context(), cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	rep, err := a.Importer().Import(cmd.Context(), feeds)
	if err != nil {
		return err
	}
	if rep.Failed() {
		return fmt.Errorf("demo data did not import:\n%s", rep.Summary())
	}
	f, err := os.Open(sbomPath)
	if err != nil {
		return err
	}
	defer f.Close()
	res, err := a.Scan(cmd.Context(), scan.Request{
		SBOM: f, Name: demo.SBOMName, Limits: sbom.DefaultLimits(), Tool: e.build.String(), Now: time.Now(),
	})
	if err != nil {
		return err
	}
	if err := output.Write(e.stdout, fmtv, res); err != nil {
		return err
	}
	if fmtv == output.Format("table") {
		fmt.Fprintf(e.stdout, "\nThis was a demonstration knowledge base (%d advisories). For real data:\n", res.Database.Advisories)
		fmt.Fprintln(e.stdout, "  rocca db import <osv ecosystem>.zip known_exploited_vulnerabilities.json")
		fmt.Fprintln(e.stdout, "  rocca scan your-product.cdx.json --fail-on high,kev")
		if keep != "" {
			fmt.Fprintf(e.stdout, "Demo files and database kept in %s\n", keep)
		}
	}
	return nil
}
