package cli

import (
	"fmt"
	"io"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/output"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/scan"
)

type scanFlags struct {
	format  string
	output  string
	failOn  []string
	vex     []string
	maxSize int64
	strict  bool
}

func newScanCmd(e *env) *cobra.Command {
	var f scanFlags
	cmd := &cobra.Command{
		Use:   "scan SBOM",
		Short: "Match an SBOM's components against the local knowledge base",
		Long: `Scan an SBOM (CycloneDX, SPDX; see 'rocca sbom --help'; "-" reads standard input) offline against the
local knowledge base and report the vulnerabilities affecting its components.

Components are identified by their Package URL. Those that cannot be looked up
(no purl, unknown ecosystem, unparsable version) are listed as "not matched"
with the reason, never silently dropped.

Formats: table (default), json, sarif (SARIF 2.1.0 for code-scanning tools),
cyclonedx (a CycloneDX 1.6 VDR keeping the input's bom-refs).

--fail-on sets the exit code for CI: a severity (low, medium, high, critical)
and/or kev (known exploited: CISA KEV, EU KEV or EUVD). Findings marked
not_affected or fixed by a --vex document (OpenVEX, CycloneDX VEX or CSAF
VEX, detected from the content) are shown as such and never fail.

` + exitCodesHelp,
		Example: `  rocca scan product.cdx.json
  rocca scan product.cdx.json --format sarif -o rocca.sarif --fail-on high,kev
  rocca scan --vex triage.openvex.json --fail-on kev product.cdx.json`,
		Args: exactArgs(1, "one SBOM file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runScan(cmd, e, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.format, "format", "f", "table", "output format: table, json, sarif, cyclonedx")
	fl.StringVarP(&f.output, "output", "o", "", "write the report to this file instead of standard output")
	fl.StringSliceVar(&f.failOn, "fail-on", nil, "exit 1 when a finding is at least this severity (low, medium, high, critical) and/or known exploited (kev)")
	fl.StringArrayVar(&f.vex, "vex", nil, "OpenVEX, CycloneDX VEX or CSAF VEX file marking findings not_affected/fixed (repeatable; format detected from the content)")
	fl.BoolVar(&f.strict, "strict", false, "refuse an SBOM that does not conform to its specification version (exit 3, issues listed)")
	fl.Int64Var(&f.maxSize, "max-sbom-size", sbom.DefaultLimits().MaxBytes, "largest SBOM accepted, in bytes (after decompression)")
	return cmd
}

func runScan(cmd *cobra.Command, e *env, path string, f scanFlags) error {
	format, err := output.ParseFormat(f.format)
	if err != nil {
		return usageErr("--format: %v", err)
	}
	policy, err := scan.ParsePolicy(f.failOn)
	if err != nil {
		return usageErr("%v", err)
	}
	in, name, err := openInput(path)
	if err != nil {
		return inputErr(err)
	}
	defer in.Close()
	req := scan.Request{SBOM: in, Name: name, Tool: e.build.String(), Now: time.Now(), Strict: f.strict}
	req.Limits = sbom.DefaultLimits()
	req.Limits.MaxBytes = f.maxSize
	for _, v := range f.vex {
		vf, err := os.Open(v)
		if err != nil {
			return inputErr(fmt.Errorf("VEX: %w", err))
		}
		defer vf.Close()
		req.VEX = append(req.VEX, scan.NamedReader{Name: v, R: vf})
	}
	a, err := e.open()
	if err != nil {
		return err
	}
	defer a.Close()
	res, err := a.Scan(cmd.Context(), req)
	if err != nil {
		return err
	}
	if res.Database.Advisories == 0 {
		fmt.Fprintf(e.stderr, "rocca: warning: the knowledge base at %s is empty; import feeds with 'rocca db import' (or try 'rocca demo')\n", a.Config.Redacted())
	}
	if err := writeReport(e.stdout, f.output, format, res); err != nil {
		return err
	}
	if bad := policy.Violations(res.Findings); len(bad) > 0 {
		fmt.Fprintf(e.stderr, "rocca: %d finding(s) break the --fail-on policy\n", len(bad))
		return &exitError{code: ExitFindings}
	}
	return nil
}

func writeReport(stdout io.Writer, path string, format output.Format, res *model.ScanResult) error {
	return writeOutput(stdout, path, func(w io.Writer) error { return output.Write(w, format, res) })
}

// writeOutput runs write on stdout when path is empty, else on a temporary
// file renamed to path once complete, so that a failed run never leaves a
// half-written file behind.
func writeOutput(stdout io.Writer, path string, write func(io.Writer) error) error {
	if path == "" {
		return write(stdout)
	}
	tmp, err := os.CreateTemp(dirOf(path), ".rocca-output-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if err := write(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

func dirOf(path string) string {
	for i := len(path) - 1; i >= 0; i-- {
		if os.IsPathSeparator(path[i]) {
			return path[:i+1]
		}
	}
	return "."
}

// openInput opens a file, or standard input for "-".
func openInput(path string) (io.ReadCloser, string, error) {
	if path == "-" {
		return io.NopCloser(os.Stdin), "<stdin>", nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, path, err
	}
	return f, path, nil
}
