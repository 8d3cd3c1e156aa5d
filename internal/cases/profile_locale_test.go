package cases_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
)

// contactsLog records the subscriptions a cases.Service makes.
type contactsLog struct{ calls []string }

func (c *contactsLog) Subscribe(_ context.Context, _ string, to, _ []string, locale string) (string, error) {
	c.calls = append(c.calls, fmt.Sprintf("subscribe %v %q", to, locale))
	return fmt.Sprintf("sub%d", len(c.calls)), nil
}

func (c *contactsLog) Unsubscribe(_ context.Context, _, id string) error {
	c.calls = append(c.calls, "unsubscribe "+id)
	return nil
}

// The reporting profile's language is that of the reporting contacts'
// e-mails: validated, stored, and a change of it alone replaces their
// subscription.
func TestProfileLocale(t *testing.T) {
	setup(t, nil, func(t *testing.T, f *fixture) {
		ctx := context.Background()
		log := &contactsLog{}
		cs, err := cases.New(f.st, discard(), cases.Options{Now: f.clock.Now, Contacts: log})
		if err != nil {
			t.Fatal(err)
		}
		contacts := []string{"qualita@acme.example"}
		steps := []struct {
			locale string
			want   []string
		}{
			{"", []string{`subscribe [qualita@acme.example] ""`}},
			{"it", []string{"unsubscribe sub1", `subscribe [qualita@acme.example] "it"`}},
			{"it", nil},
			{" en ", []string{"unsubscribe sub2", `subscribe [qualita@acme.example] "en"`}},
			{"", nil}, // English too
		}
		for i, st := range steps {
			log.calls = nil
			p, err := cs.SaveProfile(ctx, f.org, model.ReportingProfile{ReportingContacts: slices.Clone(contacts), Locale: st.locale})
			if err != nil {
				t.Fatalf("step %d: %v", i, err)
			}
			if !slices.Equal(log.calls, st.want) {
				t.Errorf("step %d (%q): calls %q, want %q", i, st.locale, log.calls, st.want)
			}
			got, err := cs.Profile(ctx, f.org)
			if err != nil || got.Locale != p.Locale || got.ContactsSubscription != p.ContactsSubscription {
				t.Errorf("step %d: stored %q %q, saved %q %q (%v)", i, got.Locale, got.ContactsSubscription, p.Locale, p.ContactsSubscription, err)
			}
		}
		for _, bad := range []string{"fr", "IT", "it-IT"} {
			_, err := cs.SaveProfile(ctx, f.org, model.ReportingProfile{ReportingContacts: contacts, Locale: bad})
			var ie *cases.InputError
			if !errors.As(err, &ie) {
				t.Errorf("locale %q: %v, want an input error", bad, err)
			}
		}
	})
}
