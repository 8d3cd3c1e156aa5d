package accounts_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
)

func TestCanonicalEntryUnambiguous(t *testing.T) {
	a := model.AuditEntry{Seq: 1, Actor: "ab", Target: "c"}
	b := model.AuditEntry{Seq: 1, Actor: "a", Target: "bc"}
	if string(accounts.CanonicalEntry(a)) == string(accounts.CanonicalEntry(b)) {
		t.Error("shifting a byte between fields gives the same encoding")
	}
	if accounts.EntryHash("", a) == accounts.EntryHash(strings.Repeat("00", 32)+"", b) {
		t.Error("different entries hash alike")
	}
	if accounts.EntryHash("", a) != accounts.EntryHash(strings.Repeat("00", 32), a) {
		t.Error("the first entry's previous hash is not 32 zero bytes")
	}
}

// tamper runs SQL against the audit log as someone with database access
// would: the append-only triggers are dropped first.
func tamper(t *testing.T, e env, stmt string) {
	t.Helper()
	ctx := context.Background()
	db := e.st.DB()
	drop := []string{`DROP TRIGGER audit_log_no_update`, `DROP TRIGGER audit_log_no_delete`}
	if e.name == "postgres" {
		drop = []string{`DROP TRIGGER audit_log_no_change ON audit_log`}
	}
	for _, d := range drop {
		if _, err := db.ExecContext(ctx, d); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
	}
	if _, err := db.ExecContext(ctx, stmt); err != nil {
		t.Fatalf("%s: %v", stmt, err)
	}
}

func TestAuditChain(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stmt   string // "" leaves the log alone
		broken int64
		reason string
	}{
		{"intact", "", 0, ""},
		{"changed target", `UPDATE audit_log SET target = 'user:someone-else' WHERE seq = 3`, 3, "content"},
		{"changed time", `UPDATE audit_log SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = 5`, 5, "content"},
		{"changed hash too", `UPDATE audit_log SET action = 'logout', hash = 'ab' WHERE seq = 2`, 2, "content"},
		{"deleted entry", `DELETE FROM audit_log WHERE seq = 4`, 5, "missing"},
		{"re-chained entry", `UPDATE audit_log SET prev_hash = hash WHERE seq = 6`, 6, "previous hash"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			engines(t, func(t *testing.T, e env) {
				ctx := context.Background()
				e.user(t, "a@example.it") // 1 user.create
				e.login(t, "a@example.it", "192.0.2.1")
				e.svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: "wrong password!"})
				tok, p := e.login(t, "a@example.it", "")
				if _, err := e.svc.CreateOrg(ctx, p, "Example", ""); err != nil {
					t.Fatal(err)
				}
				if err := e.svc.Logout(ctx, tok, ""); err != nil {
					t.Fatal(err)
				}
				e.svc.RecordUpload(accounts.WithActor(ctx, "apikey:k1"), "org", "v", "s", "abc", "bom.json")
				// 7 entries: user.create, login, login.failed, login, org.create, logout, sbom.upload.
				if _, err := e.st.DB().ExecContext(ctx, `UPDATE audit_log SET detail = 'x' WHERE seq = 1`); err == nil {
					t.Fatal("the audit log accepted an UPDATE")
				}
				if _, err := e.st.DB().ExecContext(ctx, `DELETE FROM audit_log`); err == nil {
					t.Fatal("the audit log accepted a DELETE")
				}
				if tc.stmt != "" {
					tamper(t, e, tc.stmt)
				}
				rep, err := e.svc.VerifyAudit(ctx)
				if err != nil {
					t.Fatal(err)
				}
				if tc.broken == 0 {
					if !rep.OK() || rep.Entries != 7 {
						t.Fatalf("intact log: %+v", rep)
					}
					return
				}
				if rep.OK() || rep.Broken.Seq != tc.broken || !strings.Contains(rep.Reason, tc.reason) {
					t.Fatalf("report %+v (%s), want entry %d (%s)", rep.Broken, rep.Reason, tc.broken, tc.reason)
				}
			})
		})
	}
}

func TestAuditEntriesAccess(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "a@example.it")
		e.user(t, "b@example.it")
		tok, a := e.login(t, "a@example.it", "")
		org, err := e.svc.CreateOrg(ctx, a, "Example", "")
		if err != nil {
			t.Fatal(err)
		}
		a = e.refresh(t, tok)
		if _, err := e.svc.AddMember(ctx, a, org.ID, "b@example.it", model.RoleEditor, ""); err != nil {
			t.Fatal(err)
		}
		_, b := e.login(t, "b@example.it", "")
		es, err := e.svc.AuditEntries(ctx, a, org.ID, 0, 0)
		if err != nil || len(es) != 2 {
			t.Errorf("owner: %v %v", es, err)
		}
		if _, err := e.svc.AuditEntries(ctx, b, org.ID, 0, 0); err != accounts.ErrForbidden {
			t.Errorf("editor: %v", err)
		}
		if _, err := e.svc.AuditEntries(ctx, a, "", 0, 0); err != accounts.ErrForbidden {
			t.Errorf("non-administrator, every organisation: %v", err)
		}
	})
}

// TestAuditConcurrentAppends: entries recorded at once from many
// goroutines (several servers' requests) still form one chain.
func TestAuditConcurrentAppends(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		const n = 24
		var wg sync.WaitGroup
		errs := make(chan error, n)
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- e.svc.Record(ctx, model.AuditEntry{Actor: "cli", Action: "test", Target: fmt.Sprint(i)})
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Fatal(err)
			}
		}
		rep, err := e.svc.VerifyAudit(ctx)
		if err != nil || !rep.OK() || rep.Entries != n {
			t.Fatalf("after %d concurrent appends: %+v %v", n, rep, err)
		}
	})
}
