package notify_test

import (
	"context"
	"database/sql"
	"slices"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/store"
)

// A case owner's personal subscription: kept once per user, its address
// and language brought up to date, removed; it takes only the reminders
// addressed to its user, while the organisation's subscriptions take
// every event.
func TestPersonalSubscription(t *testing.T) {
	setup(t, func(t *testing.T, f fixture) {
		ctx := context.Background()
		if id, err := f.svc.KeepPersonal(ctx, f.org.ID, "u1", "bob@example.com", "it"); err != nil || id != "" {
			t.Fatalf("without SMTP: %q %v, want none", id, err)
		}
		svc := f.svc.WithMailer(mailer(t, 1, notify.SMTPNoTLS))
		personal := func() []notify.EmailSubscription {
			subs, err := svc.EmailSubscriptions(ctx, f.org.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []notify.EmailSubscription
			for _, s := range subs {
				if s.UserID != "" {
					out = append(out, s)
				}
			}
			return out
		}
		id, err := svc.KeepPersonal(ctx, f.org.ID, "u1", "bob@example.com", "it")
		if err != nil || id == "" {
			t.Fatal(id, err)
		}
		again, err := svc.KeepPersonal(ctx, f.org.ID, "u1", "Bob@example.com", "en")
		if err != nil || again != id {
			t.Fatalf("kept again: %q %v, want %q", again, err, id)
		}
		ps := personal()
		if len(ps) != 1 || ps[0].UserID != "u1" || !slices.Equal(ps[0].To, []string{"Bob@example.com"}) || ps[0].Locale != "en" ||
			!slices.Equal(ps[0].Events, notify.PersonalEvents) {
			t.Fatalf("personal subscriptions %+v", ps)
		}
		if _, err := svc.KeepPersonal(ctx, f.org.ID, "u2", "not an address", "en"); err == nil {
			t.Error("a bad address was kept")
		}
		u2, err := svc.KeepPersonal(ctx, f.org.ID, "u2", "eve@example.com", "")
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.CreateEmail(ctx, f.org.ID, notify.EmailRequest{To: []string{"psirt@example.com"}})
		if err != nil {
			t.Fatal(err)
		}
		evs := []model.OutboxEvent{
			{Type: "case.deadline_reminder", UserID: "u1", Payload: []byte(`{}`), Created: time.Now()},
			{Type: "case.overdue", Payload: []byte(`{}`), Created: time.Now()},
			{Type: "case.opened", UserID: "u1", Payload: []byte(`{}`), Created: time.Now()},
		}
		if err := f.st.CaseTx(ctx, f.org.ID, func(tx store.CaseTx) error { return tx.AddOutbox(ctx, evs) }); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Dispatch(ctx, func(context.Context, *sql.Tx, []model.DeliveryRef) error { return nil }); err != nil {
			t.Fatal(err)
		}
		got := map[string][]string{}
		for _, sub := range []string{id, u2, all.ID} {
			ds, err := svc.EmailDeliveries(ctx, f.org.ID, sub, 10)
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ds {
				got[sub] = append(got[sub], d.EventType)
			}
			slices.Sort(got[sub])
		}
		if !slices.Equal(got[id], []string{"case.deadline_reminder"}) || len(got[u2]) != 0 ||
			!slices.Equal(got[all.ID], []string{"case.deadline_reminder", "case.opened", "case.overdue"}) {
			t.Errorf("deliveries: owner %v, other user %v, organisation %v", got[id], got[u2], got[all.ID])
		}
		if err := svc.DropPersonal(ctx, f.org.ID, "u1"); err != nil {
			t.Fatal(err)
		}
		if err := svc.DropPersonal(ctx, f.org.ID, "u1"); err != nil {
			t.Fatal(err)
		}
		if ps := personal(); len(ps) != 1 || ps[0].UserID != "u2" {
			t.Errorf("after drop: %+v", ps)
		}
	})
}
