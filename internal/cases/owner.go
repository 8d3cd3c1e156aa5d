package cases

import (
	"context"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
)

// A case's owner is a member of its organisation, named by user id or
// e-mail address. The case keeps the member's id and address; a case
// saved when owners were free text keeps that text (and no id) until it
// is changed. The owner receives the case's reminders by e-mail through a
// personal subscription (OwnerSubscriber), in the language of their
// account, else that of the reporting profile.

// OwnerSubscriber keeps a case owner's personal e-mail subscription to
// the reminders (the notification use cases, through an adapter).
type OwnerSubscriber interface {
	// KeepPersonal makes sure the user has a personal e-mail subscription
	// to the reminders addressed to them, at that address and in that
	// language ("en", "it"), and returns its id ("" when the server sends
	// no e-mail).
	KeepPersonal(ctx context.Context, org, userID, address, locale string) (string, error)
	// DropPersonal removes the user's personal subscription (none is no
	// error).
	DropPersonal(ctx context.Context, org, userID string) error
}

// Members lists the organisation's members, who may own its cases.
func (s *Service) Members(ctx context.Context, org string) ([]model.Member, error) {
	ms, err := s.store.Members(ctx, org)
	if err != nil {
		return nil, fmt.Errorf("reporting: members: %w", err)
	}
	return ms, nil
}

// resolveOwner finds the member an owner value names: a user id, or an
// e-mail address in any case. It returns the user's id and address, or
// an InputError when no member has them.
func (s *Service) resolveOwner(ctx context.Context, org, v string) (id, email string, err error) {
	ms, err := s.Members(ctx, org)
	if err != nil {
		return "", "", err
	}
	for _, m := range ms {
		if m.User.ID == v || strings.EqualFold(m.User.Email, v) {
			return m.User.ID, m.User.Email, nil
		}
	}
	shown := v
	if len(shown) > 80 {
		shown = shown[:80] + "..."
	}
	return "", "", inputf("cases.owner_not_member", "owner: %q is not a member of the organisation: give a member's e-mail address or user id", shown)
}

// ownerLocale is the language of a case owner's e-mails: their
// account's, else the reporting profile's, else English.
func ownerLocale(u model.User, prof model.ReportingProfile) string {
	switch {
	case u.Locale != "":
		return u.Locale
	case prof.Locale != "":
		return prof.Locale
	}
	return "en"
}
