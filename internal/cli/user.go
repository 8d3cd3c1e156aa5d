package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/app"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/termtext"
)

// accountsErr classifies the accounts service's errors: what the operator
// typed (a bad address, a weak password, an unknown or taken address) is
// an input error, anything else a failure.
func accountsErr(what string, err error) error {
	if accounts.IsInput(err) || errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return inputErr(fmt.Errorf("%s: %w", what, err))
	}
	return err
}

// audit records what the operator did in the audit log (actor "cli").
// The action is done by then: a failure to record it is a warning.
func (e *env) audit(ctx context.Context, a *app.App, en model.AuditEntry) {
	en.Actor = accounts.ActorCLI
	if err := a.Accounts().Record(ctx, en); err != nil {
		fmt.Fprintf(e.stderr, "rocca: warning: %s\n", termtext.EscapeLines(e.redact(err.Error())))
	}
}

// readPassword reads a new password: prompted twice without echo when
// standard input is a terminal, else the first line of standard input.
func (e *env) readPassword(prompt string) (string, error) {
	if f, ok := e.stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(e.stderr, prompt+": ")
		a, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		fmt.Fprint(e.stderr, "Again: ")
		b, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if string(a) != string(b) {
			return "", inputErr(errors.New("the passwords differ"))
		}
		return string(a), nil
	}
	line, err := bufio.NewReader(io.LimitReader(e.stdin, accounts.MaxPasswordLen+3)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password from standard input: %w", err)
	}
	line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
	if line == "" {
		return "", inputErr(errors.New("no password on standard input"))
	}
	return line, nil
}

func newUserCmd(e *env) *cobra.Command {
	var n accounts.NewUser
	create := &cobra.Command{
		Use:   "create --email ADDR [--admin] [--name NAME] [--locale en|it]",
		Short: "Create a user of the web application",
		Long: `Create a user who signs in to the web application with an e-mail address and a
password. The password is prompted for (twice, not echoed) when standard input is
a terminal, and otherwise read from the first line of standard input:

  printf '%s\n' "$PASSWORD" | rocca user create --admin --email admin@example.com

It must have at least 12 characters. --admin makes the user an administrator of
the installation (the first one is usually made so, or through the setup page
whose one-time address 'rocca serve' logs while no user exists). There is no
default password.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if n.Email == "" {
				return usageErr("user create: --email is required")
			}
			pw, err := e.readPassword("Password for " + n.Email)
			if err != nil {
				return err
			}
			n.Password = pw
			return e.withApp(func(a *app.App) error {
				u, err := a.Accounts().CreateUser(cmd.Context(), n, accounts.ActorCLI)
				if err != nil {
					return accountsErr("user create", err)
				}
				role := "user"
				if u.Admin {
					role = "administrator"
				}
				fmt.Fprintf(e.stdout, "%s\t%s\n", u.ID, termtext.Escape(u.Email))
				fmt.Fprintf(e.stderr, "%s %s created.\n", role, termtext.Escape(u.Email))
				return nil
			})
		},
	}
	create.Flags().StringVar(&n.Email, "email", "", "e-mail address (the login; unique regardless of case)")
	create.Flags().StringVar(&n.Name, "name", "", "display name")
	create.Flags().StringVar(&n.Locale, "locale", "", "preferred language: en or it (default: the browser's)")
	create.Flags().BoolVar(&n.Admin, "admin", false, "administrator of the installation")

	var email string
	reset := &cobra.Command{
		Use:   "reset-password --email ADDR",
		Short: "Set a new password for a user (ends their sessions)",
		Long: `Set a new password for a user, read like 'rocca user create' does (prompted
when standard input is a terminal, else its first line). Every session of the
user ends and their failed-login count is cleared.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if email == "" {
				return usageErr("user reset-password: --email is required")
			}
			pw, err := e.readPassword("New password for " + email)
			if err != nil {
				return err
			}
			return e.withApp(func(a *app.App) error {
				if err := a.Accounts().ResetPassword(cmd.Context(), email, pw, accounts.ActorCLI); err != nil {
					return accountsErr("user reset-password", err)
				}
				fmt.Fprintf(e.stderr, "password of %s reset; their sessions have ended.\n", termtext.Escape(email))
				return nil
			})
		},
	}
	reset.Flags().StringVar(&email, "email", "", "the user's e-mail address")

	var gEmail, gOrg, gRole string
	grant := &cobra.Command{
		Use:   "grant --email ADDR --org NAME --role owner|editor|viewer",
		Short: "Give a user a role in an organisation",
		Long: `Make a user a member of an organisation with a role, or change their role there:
owner (everything, members and API keys included), editor (products, versions,
SBOM uploads) or viewer (reads only). An organisation keeps at least one owner.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if gEmail == "" || gOrg == "" || gRole == "" {
				return usageErr("user grant: --email, --org and --role are required")
			}
			return e.withApp(func(a *app.App) error {
				if err := a.Accounts().Grant(cmd.Context(), gOrg, gEmail, model.Role(gRole), accounts.ActorCLI); err != nil {
					if errors.Is(err, accounts.ErrLastOwner) {
						return inputErr(fmt.Errorf("user grant: %w", err))
					}
					return accountsErr("user grant", err)
				}
				fmt.Fprintf(e.stderr, "%s is %s of %s.\n", termtext.Escape(gEmail), termtext.Escape(gRole), termtext.Escape(gOrg))
				return nil
			})
		},
	}
	grant.Flags().StringVar(&gEmail, "email", "", "the user's e-mail address")
	grant.Flags().StringVar(&gOrg, "org", "", "organisation name")
	grant.Flags().StringVar(&gRole, "role", "", "owner, editor or viewer")
	return parentCmd("user", "Manage the web application's users", create, reset, grant)
}

func newAuditCmd(e *env) *cobra.Command {
	verify := &cobra.Command{
		Use:   "verify",
		Short: "Check the audit log's hash chain",
		Long: `Walk the audit log from its first entry and check that every entry follows the
previous one (sequence numbers without gaps, the previous entry's hash) and that
its hash matches its content. The first broken entry is named with the reason,
and the exit code is 3; an intact log exits 0. Entries removed from the end of
the log cannot be detected from the log alone: keep the reported count and last
hash elsewhere to compare.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return e.withApp(func(a *app.App) error {
				rep, err := a.Accounts().VerifyAudit(cmd.Context())
				if err != nil {
					return err
				}
				if !rep.OK() {
					b := rep.Broken
					return inputErr(fmt.Errorf("audit log broken at entry %d (%s %s at %s): %s; %d entries before it are intact",
						b.Seq, termtext.Escape(b.Action), termtext.Escape(b.Target), b.At.Format("2006-01-02T15:04:05Z07:00"), rep.Reason, rep.Entries))
				}
				fmt.Fprintf(e.stdout, "audit log intact: %d entries, last hash %s\n", rep.Entries, rep.Last)
				return nil
			})
		},
	}
	var org string
	var after int64
	var limit int
	list := &cobra.Command{
		Use:   "list [--org NAME] [--after SEQ] [--limit N]",
		Short: "List audit log entries in order",
		Long: `List the audit log's entries in order of their sequence numbers: every entry, or
an organisation's (--org). --after SEQ starts after an entry (to page on, or to
follow the log), --limit bounds the count (default 100, at most 10000).`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if after < 0 || limit < 0 {
				return usageErr("audit list: --after and --limit must not be negative")
			}
			return e.withApp(func(a *app.App) error {
				es, err := a.Accounts().AuditLog(cmd.Context(), org, after, limit)
				if err != nil {
					return accountsErr("audit list", err)
				}
				tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "SEQ\tTIME\tACTOR\tORGANISATION\tACTION\tTARGET\tREMOTE\tDETAIL")
				for _, en := range es {
					fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", en.Seq, en.At.Format("2006-01-02T15:04:05Z"), orDash(en.Actor),
						orDash(en.OrgID), termtext.Escape(en.Action), orDash(termtext.Escape(en.Target)), orDash(en.RemoteAddr), orDash(termtext.Escape(en.Detail)))
				}
				return tw.Flush()
			})
		},
	}
	list.Flags().StringVar(&org, "org", "", "only this organisation's entries")
	list.Flags().Int64Var(&after, "after", 0, "start after this sequence number")
	list.Flags().IntVar(&limit, "limit", 100, "most entries to list")
	return parentCmd("audit", "Inspect the audit log", verify, list)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
