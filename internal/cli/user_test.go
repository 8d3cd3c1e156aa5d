package cli_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/cli"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// runIn is run with standard input.
func runIn(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := cli.RunIO(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUserCommands(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			db := []string{"--database", e.URL}
			for _, tc := range []struct {
				name  string
				stdin string
				args  []string
				code  int
				out   string // in stdout, or stderr when the code is not 0
			}{
				{"create the administrator", "correct horse battery\n", []string{"user", "create", "--admin", "--email", "Admin@Example.com"}, cli.ExitOK, "\tAdmin@Example.com\n"},
				{"CRLF line", "another good password\r\n", []string{"user", "create", "--email", "crlf@example.com"}, cli.ExitOK, "crlf@example.com"},
				{"same address, other case", "correct horse battery\n", []string{"user", "create", "--email", "admin@example.com"}, cli.ExitInput, "already exists"},
				{"no e-mail", "correct horse battery\n", []string{"user", "create"}, cli.ExitUsage, "--email is required"},
				{"no password", "", []string{"user", "create", "--email", "x@example.com"}, cli.ExitInput, "no password on standard input"},
				{"weak password", "short\n", []string{"user", "create", "--email", "x@example.com"}, cli.ExitInput, "at least 12 characters"},
				{"bad locale", "correct horse battery\n", []string{"user", "create", "--email", "x@example.com", "--locale", "fr"}, cli.ExitInput, "locale"},
				{"reset", "a brand new password\n", []string{"user", "reset-password", "--email", "ADMIN@example.com"}, cli.ExitOK, ""},
				{"reset an unknown user", "a brand new password\n", []string{"user", "reset-password", "--email", "nobody@example.com"}, cli.ExitInput, "not found"},
				{"operator creates an organisation", "", []string{"org", "create", "Example Macchine"}, cli.ExitOK, "Example Macchine"},
				{"operator creates a key", "", []string{"apikey", "create", "--org", "Example Macchine", "--name", "ci"}, cli.ExitOK, "rocca_"},
				{"grant a role", "", []string{"user", "grant", "--email", "admin@example.com", "--org", "Example Macchine", "--role", "owner"}, cli.ExitOK, ""},
				{"grant an unknown role", "", []string{"user", "grant", "--email", "admin@example.com", "--org", "Example Macchine", "--role", "boss"}, cli.ExitInput, "want owner, editor or viewer"},
				{"demote the last owner", "", []string{"user", "grant", "--email", "admin@example.com", "--org", "Example Macchine", "--role", "viewer"}, cli.ExitInput, "at least one owner"},
				{"grant in an unknown organisation", "", []string{"user", "grant", "--email", "admin@example.com", "--org", "Nope", "--role", "owner"}, cli.ExitInput, "not found"},
				{"grant without --role", "", []string{"user", "grant", "--email", "admin@example.com", "--org", "Nope"}, cli.ExitUsage, "are required"},
				// user.create ×2, password.reset, org.create, apikey.create, member.add.
				{"verify the audit log", "", []string{"audit", "verify"}, cli.ExitOK, "audit log intact: 6 entries, last hash "},
			} {
				code, out, errs := runIn(t, tc.stdin, append(tc.args, db...)...)
				where := out
				if tc.code != cli.ExitOK {
					where = errs
				}
				if code != tc.code || !strings.Contains(where, tc.out) {
					t.Errorf("%s: exit %d, want %d\nstdout: %s\nstderr: %s", tc.name, code, tc.code, out, errs)
				}
			}

			// The operator reads the log, all of it or an organisation's.
			code, out, errs := run(t, append([]string{"audit", "list"}, db...)...)
			if code != cli.ExitOK || strings.Count(out, "\n") != 7 || !strings.Contains(out, "password.reset") || !strings.Contains(out, "apikey.create") {
				t.Errorf("audit list: %d\n%s%s", code, out, errs)
			}
			code, out, errs = run(t, append([]string{"audit", "list", "--org", "Example Macchine", "--after", "4", "--limit", "1"}, db...)...)
			if code != cli.ExitOK || strings.Count(out, "\n") != 2 || !strings.Contains(out, "apikey.create") {
				t.Errorf("audit list --org --after --limit: %d\n%s%s", code, out, errs)
			}
			if code, _, errs := run(t, append([]string{"audit", "list", "--org", "Nope"}, db...)...); code != cli.ExitInput {
				t.Errorf("audit list of an unknown organisation: %d %s", code, errs)
			}

			// The reset password signs in; the first one no longer does.
			st, err := sqlstore.Open(context.Background(), e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			svc := accounts.New(st, nil, nil, accounts.Options{})
			ctx := context.Background()
			res, err := svc.Login(ctx, accounts.LoginRequest{Email: "admin@example.com", Password: "a brand new password"})
			if err != nil || !res.Principal.User.Admin {
				t.Fatalf("login with the reset password: %+v %v", res.Principal.User, err)
			}
			if _, err := svc.Login(ctx, accounts.LoginRequest{Email: "admin@example.com", Password: "correct horse battery"}); err == nil {
				t.Error("the old password still signs in")
			}

			// Tampering with an entry is found and named.
			drop := []string{`DROP TRIGGER audit_log_no_update`}
			if e.Name == "postgres" {
				drop = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
			}
			for _, q := range append(drop, `UPDATE audit_log SET actor = 'cli-someone-else' WHERE seq = 2`) {
				if _, err := st.DB().ExecContext(ctx, q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			code, out, errs = run(t, append([]string{"audit", "verify"}, db...)...)
			if code != cli.ExitInput || !strings.Contains(errs, "audit log broken at entry 2 (user.create user:") ||
				!strings.Contains(errs, "hash does not match the entry's content") || !strings.Contains(errs, "1 entries before it are intact") {
				t.Errorf("verify after tampering: exit %d\nstdout: %s\nstderr: %s", code, out, errs)
			}
		})
	}
}
