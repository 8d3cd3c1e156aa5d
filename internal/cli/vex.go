package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/termtext"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/uid"
	"github.com/rocca-project/rocca/internal/vex"
	"github.com/rocca-project/rocca/internal/vexchange"
)

// VEX import and export on the server's database, as the operator: the
// same use cases as POST and GET /api/v1/versions/{id}/vex.

// vexTarget is the --org and --version or --product of a vex command.
type vexTarget struct {
	org, version, product string
}

func (t *vexTarget) register(cmd *cobra.Command) {
	cmd.Flags().StringVar(&t.org, "org", "", "organisation name (required)")
	cmd.Flags().StringVar(&t.product, "product", "", "product name or ID: alone, every version of the product (import) or its on-market versions (export)")
	cmd.Flags().StringVar(&t.version, "version", "", "version ID, or its name with --product")
}

func (t *vexTarget) check(what string) error {
	switch {
	case t.org == "":
		return usageErr("%s: --org is required", what)
	case t.version == "" && t.product == "":
		return usageErr("%s: give --version ID, --product NAME --version NAME, or --product NAME", what)
	}
	return nil
}

// resolve returns the organisation's id and the version's id, or the
// product's id when no version is given.
func (t *vexTarget) resolve(cmd *cobra.Command, a *app.App, what string) (org, version, product string, err error) {
	svc := a.Portfolio(0, 0)
	ctx := cmd.Context()
	o, err := svc.OrgByName(ctx, t.org)
	if err != nil {
		return "", "", "", adminErr(what, err)
	}
	if t.product == "" {
		return o.ID, t.version, "", nil
	}
	p, err := svc.ProductByName(ctx, o.ID, t.product)
	if errors.Is(err, store.ErrNotFound) && uid.Valid(t.product) {
		p, err = svc.Product(ctx, o.ID, t.product)
	}
	if err != nil {
		return "", "", "", adminErr(what+": product "+t.product, err)
	}
	if t.version == "" {
		return o.ID, "", p.ID, nil
	}
	v, err := svc.VersionByName(ctx, o.ID, p.ID, t.version)
	if errors.Is(err, store.ErrNotFound) && uid.Valid(t.version) {
		if v, err = svc.Version(ctx, o.ID, t.version); err == nil && v.ProductID != p.ID {
			err = store.ErrNotFound
		}
	}
	if err != nil {
		return "", "", "", adminErr(what+": version "+t.version+" of "+p.Name, err)
	}
	return o.ID, v.ID, "", nil
}

func newVEXCmd(e *env) *cobra.Command {
	return parentCmd("vex", "Import VEX documents into a version's or product's triage, export its analysis as VEX",
		newVEXImportCmd(e), newVEXExportCmd(e))
}

func newVEXImportCmd(e *env) *cobra.Command {
	var t vexTarget
	var scope, name string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "import --org NAME (--version ID | --product NAME [--version NAME]) FILE",
		Short: "Record a VEX document's statements as triage decisions",
		Long: `Read a VEX document (OpenVEX, CycloneDX VEX JSON or XML, CSAF 2.0 VEX; the
format is detected from the content; "-" reads standard input) and record each
statement as a triage decision on the findings it covers: matched by
vulnerability (any alias) and by product or component (purl, CPE, name and
version). Everything is recorded in one transaction, decided by "cli".

With --version (an ID, or a name with --product) the decisions are
version-wide unless --scope says otherwise; with --product alone the
document is matched against every version of the product and the decisions
are product-wide (new versions inherit them).

A document that cannot be read (the error gives the line and column, or the
place in the document such as statements[3].products[0]), a statement that
breaks the analysis rules, or a document about other products records
nothing. Statements that cover no finding are listed with the reason.
See docs/vex.md.`,
		Example: `  rocca vex import --org acme --product "HMI Gateway" --version 4.2.0 supplier.openvex.json
  rocca vex import --org acme --product "HMI Gateway" --json hmi-4.2.csaf.json
  rocca vex import --org acme --version 0b7c2f4e-… --scope product triage.cdx.json`,
		Args: exactArgs(1, "the VEX document FILE"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := t.check("vex import"); err != nil {
				return err
			}
			in, path, err := openInput(args[0])
			if err != nil {
				return inputErr(err)
			}
			defer in.Close()
			if name == "" {
				name = path
			}
			return e.withApp(func(a *app.App) error {
				org, version, product, err := t.resolve(cmd, a, "vex import")
				if err != nil {
					return err
				}
				o := vexchange.ImportOptions{Name: name, Scope: model.AnalysisScope(scope)}
				actor := triage.Actor{Kind: "operator", Label: accounts.ActorCLI}
				var res vexchange.ImportResult
				if version != "" {
					res, err = a.VEX().ImportVersion(cmd.Context(), org, actor, version, in, o)
				} else {
					res, err = a.VEX().ImportProduct(cmd.Context(), org, actor, product, in, o)
				}
				if err != nil {
					if vexchange.IsForeign(err) {
						return inputErr(err)
					}
					return adminErr("vex import", err)
				}
				if asJSON {
					enc := json.NewEncoder(e.stdout)
					enc.SetIndent("", "  ")
					return enc.Encode(res)
				}
				unchanged := 0
				for _, ap := range res.Applied {
					if ap.Unchanged {
						unchanged++
					}
				}
				fmt.Fprintf(e.stdout, "%s (%s, %d statements): %d findings covered (%d already so), %d decisions recorded (%s scope), %d findings updated\n",
					termtext.Escape(res.Document.Name), res.Document.Format, res.Document.Statements, len(res.Applied), unchanged,
					res.Recorded, res.Scope, res.FindingsUpdated)
				for _, u := range res.Unmatched {
					fmt.Fprintf(e.stdout, "  not applied: %s %s: %s\n", termtext.Escape(u.Where), termtext.Escape(u.Vulnerability), termtext.Escape(u.Reason))
				}
				return nil
			})
		},
	}
	t.register(cmd)
	cmd.Flags().StringVar(&scope, "scope", "", "scope of the decisions: version, product or organisation (default: version with --version, product with --product)")
	cmd.Flags().StringVar(&name, "name", "", "name recorded as the decisions' source (default: the file name)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the result as JSON (the API's answer)")
	return cmd
}

func newVEXExportCmd(e *env) *cobra.Command {
	var t vexTarget
	var format, namespace, out string
	var untriaged bool
	cmd := &cobra.Command{
		Use:   "export --org NAME (--version ID | --product NAME [--version NAME]) [--format F] [-o FILE]",
		Short: "Write the effective analysis as a VEX document",
		Long: `Write the effective triage analysis of a version's open findings (or of the
on-market versions of a product) as a VEX document: OpenVEX 0.2.0 (openvex),
CycloneDX 1.6 VEX (cyclonedx, cyclonedx-xml) or CSAF 2.0 of the VEX profile
(csaf). Only decided findings are stated unless --untriaged.

--namespace is the publisher's URL (e.g. https://example.com): the CSAF
publisher namespace, which CSAF requires, and the base of the document's id
(<namespace>/api/v1/versions/<id>/vex, as the API writes it). Without it
the id is a urn:uuid. See docs/vex.md for what each format cannot carry.`,
		Example: `  rocca vex export --org acme --product "HMI Gateway" --version 4.2.0 --format csaf --namespace https://acme.example -o hmi-4.2.csaf.json
  rocca vex export --org acme --product "HMI Gateway" --format cyclonedx`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := t.check("vex export"); err != nil {
				return err
			}
			f, err := vex.ParseFormat(format)
			if err != nil {
				return usageErr("--format: %v", err)
			}
			return e.withApp(func(a *app.App) error {
				org, version, product, err := t.resolve(cmd, a, "vex export")
				if err != nil {
					return err
				}
				o := vexchange.ExportOptions{Format: f, BaseURL: namespace, Untriaged: untriaged, Tool: "rocca", ToolVersion: e.build.Version}
				var buf bytes.Buffer
				var ex vexchange.Export
				if version != "" {
					ex, err = a.VEX().ExportVersion(cmd.Context(), org, version, &buf, o)
				} else {
					ex, err = a.VEX().ExportProduct(cmd.Context(), org, product, &buf, o)
				}
				if err != nil {
					return adminErr("vex export", err)
				}
				if out == "" || out == "-" {
					_, err = e.stdout.Write(buf.Bytes())
					return err
				}
				if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
					return inputErr(fmt.Errorf("vex export: %w", err))
				}
				fmt.Fprintf(e.stderr, "%d statements written to %s\n", ex.Statements, termtext.Escape(out))
				return nil
			})
		},
	}
	t.register(cmd)
	cmd.Flags().StringVarP(&format, "format", "f", "openvex", "openvex, cyclonedx, cyclonedx-xml or csaf")
	cmd.Flags().StringVar(&namespace, "namespace", "", "the publisher's URL (required for csaf)")
	cmd.Flags().BoolVar(&untriaged, "untriaged", false, "also state the findings nobody decided yet, as under_investigation")
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	return cmd
}
