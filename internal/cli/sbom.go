package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/sbom/convert"
	"github.com/rocca-project/rocca/internal/sbom/quality"
	"github.com/rocca-project/rocca/internal/sbom/strict"
	"github.com/rocca-project/rocca/internal/sbom/summary"
	"github.com/rocca-project/rocca/internal/termtext"
)

const sbomFormatsHelp = `Formats are detected from the content, never from the file name: CycloneDX
1.2–1.6 JSON and XML (1.7 read leniently), SPDX 2.2/2.3 JSON, tag-value and
YAML, SPDX 3.0 JSON-LD, each optionally gzip-compressed. "-" reads standard
input.`

func newSBOMCmd(e *env) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sbom",
		Short: "Inspect, validate, grade and convert SBOMs (no database needed)",
		Long: `Work on SBOM files: what they hold, whether they conform to their specification,
how complete they are for the NTIA minimum elements or the CRA (BSI TR-03183-2),
and conversion to CycloneDX 1.6 JSON.

` + sbomFormatsHelp,
	}
	cmd.AddCommand(newSBOMInspectCmd(e), newSBOMCheckCmd(e), newSBOMConvertCmd(e))
	return cmd
}

type sbomFlags struct {
	strict  bool
	format  string
	maxSize int64
}

func (f *sbomFlags) register(cmd *cobra.Command) {
	cmd.Flags().StringVarP(&f.format, "format", "f", "text", "output format: text or json")
	cmd.Flags().Int64Var(&f.maxSize, "max-sbom-size", sbom.DefaultLimits().MaxBytes, "largest SBOM accepted, in bytes (after decompression)")
}

func (f *sbomFlags) limits() sbom.Limits {
	lim := sbom.DefaultLimits()
	lim.MaxBytes = f.maxSize
	return lim
}

func (f *sbomFlags) checkFormat() error {
	if f.format != "text" && f.format != "json" {
		return usageErr("--format: %q is not text or json", f.format)
	}
	return nil
}

// readSBOM reads path; with validate it also returns the strict issues.
func readSBOM(path string, lim sbom.Limits, validate bool) (*model.SBOM, []strict.Issue, error) {
	in, name, err := openInput(path)
	if err != nil {
		return nil, nil, inputErr(err)
	}
	defer in.Close()
	if validate {
		s, issues, err := sbom.Validate(in, name, lim)
		if err != nil {
			return nil, nil, inputErr(err)
		}
		return s, issues, nil
	}
	s, err := sbom.Read(in, name, lim)
	if err != nil {
		return nil, nil, inputErr(err)
	}
	return s, nil, nil
}

func newSBOMInspectCmd(e *env) *cobra.Command {
	var f sbomFlags
	cmd := &cobra.Command{
		Use:   "inspect FILE",
		Short: "Show an SBOM's format, producer, components by ecosystem and type, and problems",
		Long: `Print what an SBOM holds: format and spec version, the tool and authors that made it,
the product it describes, its components counted by ecosystem (purl type) and
type, the dependency edges, the components rocca cannot identify (with the
reason), and the reader's warnings.

Reading is lenient by default: what real tools emit is accepted and oddities are
warnings. With --strict the document must also conform to its specification
version (types, required fields, enumerations, formats, unique and resolvable
references, no unknown fields where the specification forbids them); every
issue is printed with its place (JSON pointer or XML line) and the exit code is
3 when there is any.

` + sbomFormatsHelp + `

` + exitCodesHelp,
		Example: `  rocca sbom inspect product.cdx.json
  rocca sbom inspect --strict supplier.spdx.json
  rocca sbom inspect --format json firmware.cdx.xml.gz`,
		Args: exactArgs(1, "one SBOM file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkFormat(); err != nil {
				return err
			}
			s, issues, err := readSBOM(args[0], f.limits(), f.strict)
			if err != nil {
				return err
			}
			report := inspectReport{Summary: summary.Of(s), Strict: f.strict, Issues: issues}
			if report.Issues == nil {
				report.Issues = []strict.Issue{}
			}
			if f.format == "json" {
				err = writeJSON(e.stdout, report)
			} else {
				err = report.writeText(e.stdout)
			}
			if err != nil {
				return err
			}
			if len(issues) > 0 {
				return &exitError{code: ExitInput, err: fmt.Errorf("%s: %w (%d issue(s))", args[0], sbom.ErrNotConforming, len(issues))}
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().BoolVar(&f.strict, "strict", false, "check conformance to the document's specification version; exit 3 when it does not conform")
	return cmd
}

// inspectReport is what `sbom inspect` prints.
type inspectReport struct {
	summary.Summary
	Strict bool           `json:"strict"`
	Issues []strict.Issue `json:"issues"`
}

// maxTextRows bounds the unidentified components and issues listed in text
// output; --format json lists them all.
const maxTextRows = 50

func (r inspectReport) writeText(w io.Writer) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(tw, "%s:\t%s\n", k, termtext.Escape(v))
		}
	}
	row("Format", strings.TrimSpace(r.Format+" "+r.SpecVersion+" ("+r.Encoding+")"))
	row("Producer", strings.Join(r.Tools, ", "))
	row("Authors", strings.Join(r.Authors, ", "))
	if !r.Created.IsZero() {
		row("Created", r.Created.UTC().Format(time.RFC3339))
	}
	row("Serial", r.Serial)
	row("Subject", r.Subject)
	row("Components", fmt.Sprintf("%d (%d identified by purl, %d of them derived; %d unidentified)", r.Components, r.Identified, r.Derived, len(r.Unidentified)))
	row("Dependencies", fmt.Sprintf("%d edges, %d direct from the subject", r.Edges, r.Direct))
	row("By ecosystem", counts(r.ByEcosystem))
	row("By type", counts(r.ByType))
	if err := tw.Flush(); err != nil {
		return err
	}
	list(w, "Unidentified components", len(r.Unidentified), func(i int) string {
		u := r.Unidentified[i]
		name := u.Name
		if u.Version != "" {
			name += "@" + u.Version
		}
		if u.Ref != "" {
			name += " [" + u.Ref + "]"
		}
		return name + ": " + u.Reason
	})
	list(w, "Warnings", len(r.Warnings), func(i int) string { return r.Warnings[i] })
	if r.Strict {
		if len(r.Issues) == 0 {
			fmt.Fprintln(w, "\nStrict validation: the document conforms to its specification.")
		} else {
			list(w, "Strict validation: the document does not conform", len(r.Issues), func(i int) string { return r.Issues[i].String() })
		}
	}
	return nil
}

func counts(cs []summary.Count) string {
	parts := make([]string, len(cs))
	for i, c := range cs {
		parts[i] = fmt.Sprintf("%s %d", c.Label, c.N)
	}
	return strings.Join(parts, ", ")
}

// list prints a titled, bounded list of n lines.
func list(w io.Writer, title string, n int, line func(int) string) {
	if n == 0 {
		return
	}
	fmt.Fprintf(w, "\n%s (%d):\n", title, n)
	for i := range min(n, maxTextRows) {
		fmt.Fprintf(w, "  %s\n", termtext.Escape(line(i)))
	}
	if n > maxTextRows {
		fmt.Fprintf(w, "  … %d more (use --format json for all)\n", n-maxTextRows)
	}
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

func newSBOMCheckCmd(e *env) *cobra.Command {
	var (
		f         sbomFlags
		profile   string
		failUnder float64
	)
	cmd := &cobra.Command{
		Use:   "check FILE --profile ntia|cra",
		Short: "Grade an SBOM's completeness against the NTIA minimum elements or the CRA fields",
		Long: `Grade how complete an SBOM is. Profile ntia checks the NTIA minimum elements (2021);
profile cra checks the fields BSI TR-03183-2 expects of an SBOM for the Cyber
Resilience Act (creator, timestamp, component name, version, supplier, unique
identifiers, hashes, licences, dependency completeness).

The score is the share of passed checks, 0 to 100; every component missing
something is listed with what it misses. --fail-under makes the exit code 1
when the score is below a threshold, for CI.

` + sbomFormatsHelp,
		Example: `  rocca sbom check --profile cra product.cdx.json
  rocca sbom check --profile ntia --fail-under 90 supplier.spdx`,
		Args: exactArgs(1, "one SBOM file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := f.checkFormat(); err != nil {
				return err
			}
			if profile == "" {
				return usageErr("--profile is required: %s", strings.Join(quality.Profiles(), " or "))
			}
			p, err := quality.ParseProfile(profile)
			if err != nil {
				return usageErr("--profile: %v", err)
			}
			s, _, err := readSBOM(args[0], f.limits(), false)
			if err != nil {
				return err
			}
			rep, err := quality.Grade(s, p)
			if err != nil {
				return err
			}
			if f.format == "json" {
				err = writeJSON(e.stdout, rep)
			} else {
				err = writeQuality(e.stdout, rep)
			}
			if err != nil {
				return err
			}
			if cmd.Flags().Changed("fail-under") && rep.Score < failUnder {
				return &exitError{code: ExitFindings, err: fmt.Errorf("score %.1f is below --fail-under %.1f", rep.Score, failUnder)}
			}
			return nil
		},
	}
	f.register(cmd)
	cmd.Flags().StringVar(&profile, "profile", "", "profile to grade against: "+strings.Join(quality.Profiles(), ", ")+" (required)")
	cmd.Flags().Float64Var(&failUnder, "fail-under", 0, "exit 1 when the score is below this (0 to 100)")
	return cmd
}

func writeQuality(w io.Writer, rep *quality.Report) error {
	fmt.Fprintf(w, "Profile %s: score %.1f/100\n\n", rep.Profile, rep.Score)
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "CHECK\tSCOPE\tPASSED\tREQUIREMENT")
	for _, r := range rep.Results {
		fmt.Fprintf(tw, "%s\t%s\t%d/%d\t%s\n", termtext.Escape(r.Title), termtext.Escape(r.Scope), r.Passed, r.Total, termtext.Escape(r.Source))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	list(w, "Missing in the document", len(rep.Document), func(i int) string { return rep.Document[i] })
	list(w, "Components missing elements", len(rep.Components), func(i int) string {
		m := rep.Components[i]
		return m.Component.Key() + ": " + strings.Join(m.Checks, ", ")
	})
	if rep.Complete() {
		fmt.Fprintln(w, "\nEvery element the profile expects is present.")
	}
	return nil
}

func newSBOMConvertCmd(e *env) *cobra.Command {
	var (
		f   sbomFlags
		to  string
		out string
	)
	cmd := &cobra.Command{
		Use:   "convert FILE --to cyclonedx-json",
		Short: "Normalise any SBOM rocca reads to CycloneDX 1.6 JSON",
		Long: `Read an SBOM in any supported format and write it as CycloneDX 1.6 JSON: components
with their identifiers, supplier, authors, hashes, licences and scope, the
dependency graph, and the document's metadata. Values CycloneDX does not accept
are normalised or left out (see docs/sbom.md). The source format is recorded
in the metadata property rocca:sbom:source-format.

` + sbomFormatsHelp,
		Example: `  rocca sbom convert supplier.spdx --to cyclonedx-json -o supplier.cdx.json`,
		Args:    exactArgs(1, "one SBOM file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if to != "cyclonedx-json" {
				return usageErr("--to: %q is not supported (want cyclonedx-json)", to)
			}
			s, _, err := readSBOM(args[0], f.limits(), false)
			if err != nil {
				return err
			}
			return writeOutput(e.stdout, out, func(w io.Writer) error {
				return convert.WriteCycloneDXJSON(w, s, convert.Options{ToolVersion: e.build.String()})
			})
		},
	}
	cmd.Flags().Int64Var(&f.maxSize, "max-sbom-size", sbom.DefaultLimits().MaxBytes, "largest SBOM accepted, in bytes (after decompression)")
	cmd.Flags().StringVar(&to, "to", "cyclonedx-json", "output format: cyclonedx-json")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to this file instead of standard output")
	return cmd
}
