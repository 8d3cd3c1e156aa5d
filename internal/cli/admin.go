package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/termtext"
)

// Administration of tenants: organisations, their API keys and products.
// These commands act on the database directly, as the operator.

// adminErr classifies store errors: a missing or duplicate name is the
// operator's input, anything else a failure.
func adminErr(what string, err error) error {
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) || portfolio.IsInput(err) {
		return inputErr(fmt.Errorf("%s: %w", what, err))
	}
	return err
}

func parentCmd(use, short string, subs ...*cobra.Command) *cobra.Command {
	cmd := &cobra.Command{
		Use:   use,
		Short: short,
		Args:  exactArgs(0, "a subcommand"),
		RunE:  func(cmd *cobra.Command, args []string) error { return cmd.Help() },
	}
	cmd.AddCommand(subs...)
	return cmd
}

// withApp opens the App for the duration of fn.
func (e *env) withApp(fn func(a *app.App) error) error {
	a, err := e.open()
	if err != nil {
		return err
	}
	defer a.Close()
	return fn(a)
}

func newOrgCmd(e *env) *cobra.Command {
	create := &cobra.Command{
		Use:   "create NAME",
		Short: "Create an organisation (a tenant)",
		Args:  exactArgs(1, "the organisation's NAME"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(func(a *app.App) error {
				if args[0] == "" {
					return usageErr("org create: NAME must not be empty")
				}
				o, err := a.Portfolio(0, 0).CreateOrg(cmd.Context(), args[0])
				if err != nil {
					return adminErr("org create", err)
				}
				e.audit(cmd.Context(), a, model.AuditEntry{OrgID: o.ID, Action: accounts.ActionOrgCreate, Target: "org:" + o.ID, Detail: o.Name})
				fmt.Fprintf(e.stdout, "%s\t%s\n", o.ID, termtext.Escape(o.Name))
				return nil
			})
		},
	}
	list := &cobra.Command{
		Use:   "list",
		Short: "List organisations",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(func(a *app.App) error {
				orgs, err := a.Portfolio(0, 0).Orgs(cmd.Context())
				if err != nil {
					return err
				}
				tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tCREATED")
				for _, o := range orgs {
					fmt.Fprintf(tw, "%s\t%s\t%s\n", o.ID, termtext.Escape(o.Name), o.Created.Format(time.DateTime))
				}
				return tw.Flush()
			})
		},
	}
	return parentCmd("org", "Manage organisations (tenants)", create, list)
}

func newAPIKeyCmd(e *env) *cobra.Command {
	var org, label string
	create := &cobra.Command{
		Use:   "create --org NAME --name LABEL",
		Short: "Create an API key for an organisation and print it (once)",
		Long: `Create an API key scoped to one organisation. The key is printed once on
stdout and never again: rocca stores only its SHA-256 digest. Send it in the
X-Api-Key header (or Authorization: Bearer KEY).`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if org == "" || label == "" {
				return usageErr("apikey create: --org and --name are required")
			}
			return e.withApp(func(a *app.App) error {
				secret, k, err := a.Portfolio(0, 0).CreateAPIKey(cmd.Context(), org, label)
				if err != nil {
					return adminErr("apikey create", err)
				}
				e.audit(cmd.Context(), a, model.AuditEntry{OrgID: k.OrgID, Action: accounts.ActionKeyCreate, Target: "apikey:" + k.ID, Detail: k.Label})
				fmt.Fprintln(e.stdout, secret)
				fmt.Fprintf(e.stderr, "API key %s (%s) created for %s; it is shown only this once.\n", k.ID, termtext.Escape(k.Label), termtext.Escape(org))
				return nil
			})
		},
	}
	create.Flags().StringVar(&org, "org", "", "organisation name")
	create.Flags().StringVar(&label, "name", "", "label of the key (what uses it)")
	var listOrg string
	list := &cobra.Command{
		Use:   "list --org NAME",
		Short: "List an organisation's API keys",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if listOrg == "" {
				return usageErr("apikey list: --org is required")
			}
			return e.withApp(func(a *app.App) error {
				keys, err := a.Portfolio(0, 0).APIKeys(cmd.Context(), listOrg)
				if err != nil {
					return adminErr("apikey list", err)
				}
				tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tLABEL\tPREFIX\tCREATED\tLAST USED\tREVOKED")
				for _, k := range keys {
					fmt.Fprintf(tw, "%s\t%s\t%s…\t%s\t%s\t%s\n", k.ID, termtext.Escape(k.Label), k.Prefix, k.Created.Format(time.DateTime),
						dateOrDash(k.LastUsed), dateOrDash(k.Revoked))
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&listOrg, "org", "", "organisation name")
	revoke := &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API key (by the ID 'apikey list' shows)",
		Args:  exactArgs(1, "the key's ID"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(func(a *app.App) error {
				if err := a.Portfolio(0, 0).RevokeAPIKey(cmd.Context(), args[0]); err != nil {
					return adminErr("apikey revoke", err)
				}
				e.audit(cmd.Context(), a, model.AuditEntry{Action: accounts.ActionKeyRevoke, Target: "apikey:" + args[0]})
				fmt.Fprintf(e.stderr, "API key %s revoked.\n", args[0])
				return nil
			})
		},
	}
	return parentCmd("apikey", "Manage organisations' API keys", create, list, revoke)
}

func newProductCmd(e *env) *cobra.Command {
	var org string
	list := &cobra.Command{
		Use:   "list --org NAME",
		Short: "List an organisation's products",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if org == "" {
				return usageErr("product list: --org is required")
			}
			return e.withApp(func(a *app.App) error {
				ps, err := a.Portfolio(0, 0).ProductList(cmd.Context(), org)
				if err != nil {
					return adminErr("product list", err)
				}
				tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tNAME\tCRA ROLE\tSUPPORT END\tVERSIONS")
				for _, p := range ps {
					names := make([]string, len(p.Versions))
					for i, v := range p.Versions {
						names[i] = termtext.Escape(v.Name)
					}
					fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", p.ID, termtext.Escape(p.Name), termtext.Escape(string(p.Role)),
						dateOrDash(p.SupportEnd), names)
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&org, "org", "", "organisation name")
	return parentCmd("product", "Inspect organisations' products", list)
}

func dateOrDash(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.Format(time.DateOnly)
}
