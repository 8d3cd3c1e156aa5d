package web_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/web"
)

// TestAccountsAdapterSettings, on both engines: the adapter of the real
// accounts service behind the settings' member removal and organisation
// creation. The administrator flag reaches the page's principal; a new
// organisation becomes the session's current one and the memberships
// (the switcher) list it; a taken or refused name, another
// organisation's member and the last owner are refused as the pages
// expect; and the audit log records org.create and member.remove with
// the person and their address.
func TestAccountsAdapterSettings(t *testing.T) {
	for _, eng := range testutil.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			ctx := context.Background()
			st, err := sqlstore.Open(ctx, eng.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			log := slog.New(slog.DiscardHandler)
			svc := accounts.New(st, portfolio.New(st, log, sbom.Limits{}), log,
				accounts.Options{Argon2: accounts.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
			const pw = "a long enough passphrase"
			for _, u := range []accounts.NewUser{{Email: "admin@acme.test", Admin: true, Password: pw},
				{Email: "member@acme.test", Password: pw}} {
				if _, err := svc.CreateUser(ctx, u, accounts.ActorCLI); err != nil {
					t.Fatal(err)
				}
			}
			a := web.AccountsOf(svc)
			session := func(email string) (web.Principal, string) {
				t.Helper()
				tok, err := a.Login(ctx, email, pw, "192.0.2.7")
				if err != nil {
					t.Fatal(err)
				}
				p, err := a.Session(ctx, tok)
				if err != nil {
					t.Fatal(err)
				}
				p.Remote, p.Token = "192.0.2.7", tok
				return p, tok
			}
			admin, adminTok := session("admin@acme.test")
			member, _ := session("member@acme.test")
			if !admin.Admin || member.Admin {
				t.Fatalf("administrator flags: admin %v, member %v", admin.Admin, member.Admin)
			}

			m, err := a.CreateOrg(ctx, admin, "Acme Macchine")
			if err != nil || m.Role != web.RoleOwner || m.OrgName != "Acme Macchine" {
				t.Fatalf("create: %+v %v", m, err)
			}
			if _, err := a.CreateOrg(ctx, admin, "Acme Macchine"); !errors.Is(err, store.ErrConflict) {
				t.Errorf("name taken: %v, want store.ErrConflict", err)
			}
			if _, err := a.CreateOrg(ctx, admin, "two\nlines"); !errors.Is(err, web.ErrBadName) {
				t.Errorf("refused name: %v, want ErrBadName", err)
			}
			admin, _ = a.Session(ctx, adminTok)
			admin.Remote, admin.Token = "192.0.2.7", adminTok
			if admin.Org.OrgID != m.OrgID || admin.Org.Role != web.RoleOwner || len(admin.Orgs) != 1 {
				t.Fatalf("after creation the session is in %+v of %+v", admin.Org, admin.Orgs)
			}
			// A second one: the switcher lists both, the new one current.
			m2, err := a.CreateOrg(ctx, admin, "Bolt Automazione")
			if err != nil {
				t.Fatal(err)
			}
			admin, _ = a.Session(ctx, adminTok)
			admin.Remote, admin.Token = "192.0.2.7", adminTok
			if admin.Org.OrgID != m2.OrgID || len(admin.Orgs) != 2 {
				t.Fatalf("after the second creation the session is in %+v of %+v", admin.Org, admin.Orgs)
			}
			if err := a.SwitchOrg(ctx, admin, m.OrgID); err != nil {
				t.Fatal(err)
			}
			admin, _ = a.Session(ctx, adminTok)
			admin.Remote, admin.Token = "192.0.2.7", adminTok

			if err := a.AddMember(ctx, admin, "member@acme.test", web.RoleEditor); err != nil {
				t.Fatal(err)
			}
			// In Bolt the member is nobody: not found.
			inBolt := admin
			inBolt.Org = web.Membership{OrgID: m2.OrgID, OrgName: m2.OrgName, Role: web.RoleOwner}
			if err := a.RemoveMember(ctx, inBolt, member.UserID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("remove a member of another organisation: %v, want store.ErrNotFound", err)
			}
			if err := a.RemoveMember(ctx, admin, member.UserID); err != nil {
				t.Fatalf("remove: %v", err)
			}
			if err := a.RemoveMember(ctx, admin, member.UserID); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("remove again: %v, want store.ErrNotFound", err)
			}
			if err := a.RemoveMember(ctx, admin, admin.UserID); !errors.Is(err, web.ErrLastOwner) {
				t.Errorf("remove the last owner: %v, want ErrLastOwner", err)
			}
			ms, err := a.Members(ctx, admin)
			if err != nil || len(ms) != 1 {
				t.Errorf("members after the removal: %+v %v", ms, err)
			}

			ap, err := svc.Authenticate(ctx, adminTok)
			if err != nil {
				t.Fatal(err)
			}
			entries, err := svc.AuditEntries(ctx, ap, m.OrgID, 0, 100)
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, e := range entries {
				if e.Actor == "user:"+admin.UserID && e.RemoteAddr == "192.0.2.7" {
					got[e.Action+" "+e.Target] = true
				}
			}
			for _, want := range []string{accounts.ActionOrgCreate + " org:" + m.OrgID, accounts.ActionMemberAdd + " user:" + member.UserID,
				accounts.ActionMemberRemove + " user:" + member.UserID} {
				if !got[want] {
					t.Errorf("audit log lacks %q by the administrator from their address: %+v", want, entries)
				}
			}
		})
	}
}
