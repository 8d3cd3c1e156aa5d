package cases_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// fakeOwners records the personal subscriptions the service keeps.
type fakeOwners struct {
	mu    sync.Mutex
	calls []string
}

func (o *fakeOwners) KeepPersonal(_ context.Context, _, userID, address, locale string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, fmt.Sprintf("keep %s %s %s", userID, address, locale))
	return "sub-" + userID, nil
}

func (o *fakeOwners) DropPersonal(_ context.Context, _, userID string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.calls = append(o.calls, "drop "+userID)
	return nil
}

func (o *fakeOwners) take() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	c := o.calls
	o.calls = nil
	return c
}

func (f *fixture) member(t *testing.T, email, locale string) model.User {
	t.Helper()
	u := model.User{Email: email, Locale: locale}
	if err := f.st.CreateUser(context.Background(), &u, strings.ToLower(email), "hash"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.AddMember(context.Background(), f.org, u.ID, model.RoleEditor, f.clock.Now()); err != nil {
		t.Fatal(err)
	}
	return u
}

// lastReminder returns the latest reminder of a case: its recipients and
// the user it is addressed to (outbox.user_id).
func (f *fixture) lastReminder(t *testing.T, caseID string) (recipients []string, userID string) {
	t.Helper()
	evs := f.reminderEvents(t, caseID)
	if len(evs) == 0 {
		t.Fatalf("no reminder of case %s", caseID)
	}
	return f.outboxNotice(t, evs[0].payload).Recipients, evs[0].user
}

// reminderEvent is a reminder in the outbox: its payload and the member
// it is addressed to.
type reminderEvent struct{ payload, user string }

// reminderEvents returns a case's reminders in the outbox, newest first.
func (f *fixture) reminderEvents(t *testing.T, caseID string) []reminderEvent {
	t.Helper()
	q := `SELECT payload, user_id FROM outbox WHERE org_id = ? AND type IN ('case.deadline_reminder', 'case.overdue') ORDER BY seq DESC`
	if f.engine == "postgres" {
		q = strings.Replace(q, "?", "$1", 1)
	}
	rows, err := f.st.DB().QueryContext(context.Background(), q, f.org)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []reminderEvent
	for rows.Next() {
		var e reminderEvent
		if err := rows.Scan(&e.payload, &e.user); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.payload, `"id":"`+caseID+`"`) {
			out = append(out, e)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// storeOwner writes a case's owner below the use cases, as a case saved
// before owners were members (or linked by migration 0015) has it.
func (f *fixture) storeOwner(t *testing.T, caseID, owner, ownerID string) {
	t.Helper()
	ctx := context.Background()
	err := f.st.CaseTx(ctx, f.org, func(tx store.CaseTx) error {
		c, err := tx.Case(ctx, caseID)
		if err != nil {
			return err
		}
		c.Owner, c.OwnerID = owner, ownerID
		return tx.PutCase(ctx, &c)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// A case's owner is a member, named by e-mail address (any case) or user
// id; the reminders are addressed to them (their personal subscription, in
// their account's language, else the profile's) besides the reporting
// contacts; an owner who left the organisation gets nothing more.
func TestOwnerIsAMemberAndIsReminded(t *testing.T) {
	owners := &fakeOwners{}
	setupWith(t, cases.Options{Owners: owners}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		owners.take()
		alice, bob := f.member(t, "alice@acme.example", "en"), f.member(t, "Bob@Acme.example", "")
		if err := f.st.PutReportingProfile(ctx, f.org, &model.ReportingProfile{ReportingContacts: []string{"psirt@acme.example"},
			Locale: "it", Representatives: []model.Representative{}, Holidays: []string{}}); err != nil {
			t.Fatal(err)
		}
		// Named by e-mail address in another case, the member is found.
		d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Ransomware on the update server", Owner: " BOB@acme.example",
			Awareness: at(t, "2026-12-07T05:00:00Z"), AwarenessReason: "seen by the operations team", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		if d.OwnerID != bob.ID || d.Owner != "Bob@Acme.example" {
			t.Fatalf("owner %q (%q), want bob", d.OwnerID, d.Owner)
		}
		for _, bad := range []string{"mallory@evil.example", "quality team", "no-such-user-id"} {
			_, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "x", Owner: bad})
			if !cases.IsInput(err) || !strings.Contains(err.Error(), "not a member of the organisation") {
				t.Errorf("owner %q: err %v", bad, err)
			}
			_, err = f.cases.Edit(ctx, f.org, d.ID, "alice", cases.Update{Owner: &bad})
			if !cases.IsInput(err) || !strings.Contains(err.Error(), "not a member of the organisation") {
				t.Errorf("edit owner %q: err %v", bad, err)
			}
		}
		// By user id.
		if d, err = f.cases.Edit(ctx, f.org, d.ID, "bob", cases.Update{Owner: &alice.ID}); err != nil || d.OwnerID != alice.ID || d.Owner != alice.Email {
			t.Fatalf("edit owner: %+v %v", d.Case, err)
		}
		log, _ := f.cases.Log(ctx, f.org, d.ID)
		if last := log[len(log)-1]; last.Action != "owner" || last.Detail != `owner "Bob@Acme.example" → "alice@acme.example"` {
			t.Errorf("log %+v", last)
		}
		// Early warning due 2026-12-08T05:00Z.
		f.clock.Set(at(t, "2026-12-07T17:00:00Z"))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		rec, user := f.lastReminder(t, d.ID)
		if !slices.Equal(rec, []string{"alice@acme.example", "psirt@acme.example"}) || user != alice.ID {
			t.Errorf("12 h reminder to %v, addressed to %q", rec, user)
		}
		if got := owners.take(); !slices.Equal(got, []string{"keep " + alice.ID + " alice@acme.example en"}) {
			t.Errorf("subscriptions kept %v", got)
		}
		// Bob has no language of his own: the profile's.
		if _, err := f.cases.Edit(ctx, f.org, d.ID, "alice", cases.Update{Owner: &bob.Email}); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(t, "2026-12-08T01:00:00Z"))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if rec, user := f.lastReminder(t, d.ID); !slices.Contains(rec, "Bob@Acme.example") || user != bob.ID {
			t.Errorf("4 h reminder to %v, addressed to %q", rec, user)
		}
		if got := owners.take(); !slices.Equal(got, []string{"keep " + bob.ID + " Bob@Acme.example it"}) {
			t.Errorf("subscriptions kept %v", got)
		}
		// Bob leaves: his subscription goes, the reminders go to the contacts only.
		if _, err := f.st.RemoveMember(ctx, f.org, bob.ID); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(t, "2026-12-08T04:00:00Z"))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if rec, user := f.lastReminder(t, d.ID); !slices.Equal(rec, []string{"psirt@acme.example"}) || user != "" {
			t.Errorf("1 h reminder after the owner left to %v, addressed to %q", rec, user)
		}
		if got := owners.take(); !slices.Equal(got, []string{"drop " + bob.ID}) {
			t.Errorf("subscriptions kept %v", got)
		}
		// No reminder due: nothing read, nothing kept.
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if got := owners.take(); len(got) != 0 {
			t.Errorf("subscriptions kept without a reminder: %v", got)
		}
	})
}

// A case saved when owners were free text keeps its text when it is sent
// back unchanged (the web form does with every edit), and the text is
// still among a reminder's recipients; changing it needs a member.
func TestFreeTextOwnerKept(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Old case", Awareness: at(t, "2026-12-07T05:00:00Z"),
			AwarenessReason: "seen", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		f.storeOwner(t, d.ID, "quality team", "")
		same, st := "quality team", "remote code execution"
		if d, err = f.cases.Edit(ctx, f.org, d.ID, "alice", cases.Update{Owner: &same, Statement: &st}); err != nil || d.Owner != same || d.Statement != st {
			t.Fatalf("edit with the owner unchanged: %+v %v", d.Case, err)
		}
		f.clock.Set(at(t, "2026-12-07T17:00:00Z"))
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if rec, user := f.lastReminder(t, d.ID); !slices.Equal(rec, []string{"quality team"}) || user != "" {
			t.Errorf("reminder to %v, addressed to %q", rec, user)
		}
		other := "security team"
		if _, err := f.cases.Edit(ctx, f.org, d.ID, "alice", cases.Update{Owner: &other}); !cases.IsInput(err) {
			t.Errorf("free-text owner accepted: %v", err)
		}
		none := ""
		if d, err = f.cases.Edit(ctx, f.org, d.ID, "alice", cases.Update{Owner: &none}); err != nil || d.Owner != "" || d.OwnerID != "" {
			t.Errorf("owner cleared: %+v %v", d.Case, err)
		}
	})
}

// An owner who is also a reporting contact gets each reminder once:
// through the contacts' subscription, not also through their own.
func TestOwnerWhoIsAContactRemindedOnce(t *testing.T) {
	owners := &fakeOwners{}
	setupWith(t, cases.Options{Owners: owners}, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		alice := f.member(t, "alice@acme.example", "en")
		if err := f.st.PutReportingProfile(ctx, f.org, &model.ReportingProfile{ReportingContacts: []string{" Alice@Acme.example", "psirt@acme.example"},
			Locale: "it", Representatives: []model.Representative{}, Holidays: []string{}}); err != nil {
			t.Fatal(err)
		}
		d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Ransomware on the update server", Owner: alice.ID,
			Awareness: at(t, "2026-12-07T05:00:00Z"), AwarenessReason: "seen by the operations team", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		f.clock.Set(at(t, "2026-12-07T17:00:00Z")) // 12 h before the early warning
		if _, err := f.cases.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if rec, user := f.lastReminder(t, d.ID); user != "" || !slices.Equal(rec, []string{"alice@acme.example", "psirt@acme.example"}) {
			t.Errorf("reminder to %v addressed to %q: the owner, a contact, would get it twice", rec, user)
		}
	})
}

// A case linked to its owner by migration 0015 keeps the address as first
// written; saving it with the same member (by id, as the case page posts)
// logs no change of owner.
func TestMigratedOwnerSavedUnchanged(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		alice := f.member(t, "alice@acme.example", "en")
		d, err := f.cases.Create(ctx, f.org, cases.NewCase{Kind: "si", Title: "Old case", Awareness: at(t, "2026-12-07T05:00:00Z"),
			AwarenessReason: "seen", Actor: "alice"})
		if err != nil {
			t.Fatal(err)
		}
		f.storeOwner(t, d.ID, "Alice@Acme.example ", alice.ID)
		before, _ := f.cases.Log(ctx, f.org, d.ID)
		st := "remote code execution"
		if d, err = f.cases.Edit(ctx, f.org, d.ID, "bob", cases.Update{Owner: &alice.ID, Statement: &st}); err != nil || d.OwnerID != alice.ID {
			t.Fatalf("edit: %+v %v", d.Case, err)
		}
		after, _ := f.cases.Log(ctx, f.org, d.ID)
		for _, e := range after[len(before):] {
			if e.Action == "owner" {
				t.Errorf("the same owner saved again was logged as a change: %q", e.Detail)
			}
		}
	})
}
