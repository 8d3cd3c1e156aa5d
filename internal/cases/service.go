// Package cases holds the CRA Art. 14 reporting use cases: cases opened
// automatically when a known-exploited vulnerability reaches a version on
// the market (or by hand), the assessment and awareness that start the
// clocks, fixes and submissions, the SRP drafts pre-filled from rocca's
// data, reminders through the notification outbox, the iCalendar feed and
// the organisation's reporting profile. The rules without storage are in
// package reporting (deadlines, reminders) and reporting/srp (the SRP's
// field matrix). Every change of a case writes its audit entry and its
// notifications in the same transaction.
package cases

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/msg"
	"github.com/rocca-project/rocca/internal/reporting"
	"github.com/rocca-project/rocca/internal/reporting/srp"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is what the reporting use cases need of the storage.
type Store interface {
	store.Cases
	// Org, Product, Version: names and attributes for drafts and views.
	Org(ctx context.Context, org string) (model.Organisation, error)
	Product(ctx context.Context, org, id string) (model.Product, error)
	Version(ctx context.Context, org, id string) (model.Version, error)
	// Members lists an organisation's members (case owners).
	Members(ctx context.Context, orgID string) ([]model.Member, error)
	// Exploitations returns the known-exploited lists' entries of CVEs
	// (the assessment's lists and dates).
	Exploitations(ctx context.Context, cves []string) ([]model.Exploitation, error)
}

// Excluded reports whether a finding keeps from opening or joining a
// case. ExcludeSettled, the default, is the rule.
type Excluded func(ctx context.Context, org string, f model.TrackedFinding) (bool, error)

// ExcludeSettled excludes findings that are not open and those whose
// effective status (the triage decision that applies to them) is
// not_affected or fixed.
func ExcludeSettled(_ context.Context, _ string, f model.TrackedFinding) (bool, error) {
	return f.State != model.FindingOpen || f.Settled(), nil
}

// Options configure the service.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Leads are the reminder lead times (reporting.DefaultLeads() when nil).
	Leads []time.Duration
	// Excluded decides which findings open nothing (ExcludeSettled when nil).
	Excluded Excluded
	// Glossary is the SRP Glossary version of new drafts (srp.Current when empty).
	Glossary string
	// Contacts keeps the reporting contacts' e-mail subscription to the
	// case events (nil: none is made).
	Contacts ContactSubscriber
	// Owners keeps the case owners' personal e-mail subscriptions to the
	// reminders (nil: owners get no e-mail of their own).
	Owners OwnerSubscriber
}

// ContactSubscriber makes and removes e-mail subscriptions (the
// notification use cases, through an adapter).
type ContactSubscriber interface {
	// Subscribe subscribes the addresses to the event types, with
	// e-mails in a language ("en", "it"; "" is English), and returns the
	// subscription's id.
	Subscribe(ctx context.Context, org string, to, events []string, locale string) (string, error)
	// Unsubscribe removes a subscription (gone already is no error).
	Unsubscribe(ctx context.Context, org, id string) error
}

// Service implements the reporting use cases.
type Service struct {
	store    Store
	log      *slog.Logger
	now      func() time.Time
	leads    []time.Duration
	excluded Excluded
	matrix   *srp.Matrix
	contacts ContactSubscriber
	owners   OwnerSubscriber
}

// New returns the service on st.
func New(st Store, log *slog.Logger, o Options) (*Service, error) {
	s := &Service{store: st, log: log, now: o.Now, excluded: o.Excluded, contacts: o.Contacts, owners: o.Owners}
	if s.now == nil {
		s.now = time.Now
	}
	if s.excluded == nil {
		s.excluded = ExcludeSettled
	}
	leads := o.Leads
	if leads == nil {
		leads = reporting.DefaultLeads()
	}
	var err error
	if s.leads, err = reporting.ParseLeads(leads); err != nil {
		return nil, fmt.Errorf("reporting: %w", err)
	}
	g := o.Glossary
	if g == "" {
		g = srp.Current
	}
	if s.matrix, err = srp.Load(g); err != nil {
		return nil, fmt.Errorf("reporting: %w", err)
	}
	return s, nil
}

// Now returns the service's current time at the store's precision.
func (s *Service) Now() time.Time { return s.now().UTC().Truncate(time.Microsecond) }

// InputError is a problem with what the client sent.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// inputf returns an InputError worded in English by format, coded for
// translation (msg.Of finds the code).
func inputf(code, format string, a ...any) error {
	return &InputError{Err: msg.Errorf(code, format, a...)}
}

// IsInput reports whether err is an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// StateError is an action the case's state does not allow (confirming
// awareness of a closed case); MissingFields (srp.MissingError) is the
// other refusal of a correct request.
type StateError struct {
	Msg string
	// Text is the refusal's code and arguments (msg.Of finds it).
	Text *msg.Error
}

func (e *StateError) Error() string { return e.Msg }

// Unwrap returns the coded refusal.
func (e *StateError) Unwrap() error {
	if e.Text == nil {
		return nil
	}
	return e.Text
}

func stateErr(code, format string, a ...any) error {
	m := msg.Errorf(code, format, a...)
	return &StateError{Msg: m.English, Text: m}
}
