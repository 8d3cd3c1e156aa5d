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
	var format string
	var keep string
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "Scan an example SBOM against a small built-in knowledge base",
		Long: `Show rocca's main job without network or feeds: build a throw-away knowledge base
from the demonstration advisories shipped in the binary (real, public
vulnerabilities restated by the rocca project as OSV records, with a KEV
excerpt and EPSS scores), then scan an example SBOM of an industrial HMI
gateway against it. Your own database is not touched.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
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
		},
	}
	cmd.Flags().StringVarP(&format, "format", "f", "table", "output format: table, json, sarif, cyclonedx")
	cmd.Flags().StringVar(&keep, "keep", "", "write the demo data and database into this directory and keep them")
	return cmd
}
