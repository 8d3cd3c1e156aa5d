package sqlstore

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/testutil"
)

// Migration 0015: a case saved with a free-text owner that is a member's
// e-mail address (in any case) gets that member as owner; other texts, and
// a member of another organisation, stay text only.
func TestCaseOwnerMigration(t *testing.T) {
	for _, e := range testutil.Engines(t) {
		t.Run(e.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := OpenNoMigrate(ctx, e.URL)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ms, err := migrations(s.d.name)
			if err != nil {
				t.Fatal(err)
			}
			var at int
			for i, m := range ms {
				if strings.HasPrefix(m.name, "0015_") {
					at = i
				}
			}
			if at == 0 {
				t.Fatal("no migration 0015")
			}
			conn, err := s.db.Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)`); err != nil {
				t.Fatal(err)
			}
			for _, m := range ms[:at] {
				if err := s.apply(ctx, conn, m); err != nil {
					t.Fatal(err)
				}
			}
			conn.Close()
			now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
			acme, other := model.Organisation{Name: "acme"}, model.Organisation{Name: "other"}
			for _, o := range []*model.Organisation{&acme, &other} {
				if err := s.CreateOrg(ctx, o); err != nil {
					t.Fatal(err)
				}
			}
			bob, eve := model.User{Email: "Bob@Acme.example"}, model.User{Email: "eve@other.example"}
			for _, u := range []*model.User{&bob, &eve} {
				if err := s.CreateUser(ctx, u, strings.ToLower(u.Email), "hash"); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.AddMember(ctx, acme.ID, bob.ID, model.RoleEditor, now); err != nil {
				t.Fatal(err)
			}
			if err := s.AddMember(ctx, other.ID, eve.ID, model.RoleEditor, now); err != nil {
				t.Fatal(err)
			}
			cols := strings.TrimSuffix(caseCols, ", owner_id")
			owners := map[string]string{"c1": " bob@acme.EXAMPLE", "c2": "the quality team", "c3": "eve@other.example", "c4": ""}
			for id, owner := range owners {
				_, err := s.db.ExecContext(ctx, s.d.rebind(`INSERT INTO report_case (`+cols+`) VALUES (`+placeholders(21)+`)`),
					id, acme.ID, "si", "assessment", "case "+id, "", "[]", owner, model.CaseManual, stamp(now), stamp(now),
					"", "", "", "", "", "", "", "", "", stamp(now))
				if err != nil {
					t.Fatal(err)
				}
			}
			if _, err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"c1": bob.ID, "c2": "", "c3": "", "c4": ""}
			for id, w := range want {
				c, err := s.Case(ctx, acme.ID, id)
				if err != nil {
					t.Fatal(err)
				}
				if c.OwnerID != w || c.Owner != owners[id] {
					t.Errorf("case %s: owner %q (%q), want %q (%q)", id, c.OwnerID, c.Owner, w, owners[id])
				}
			}
		})
	}
}
