package web

import (
	"context"
	"errors"
	"fmt"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
)

// AccountsOf adapts the accounts service to what the pages need.
func AccountsOf(svc *accounts.Service) Accounts { return accountsAdapter{svc} }

type accountsAdapter struct{ s *accounts.Service }

// ext returns the accounts service's principal carried by p.
func ext(p Principal) (accounts.Principal, error) {
	ap, ok := p.ext.(accounts.Principal)
	if !ok {
		return accounts.Principal{}, ErrNoSession
	}
	return ap, nil
}

// mapErr turns the accounts service's errors into the pages' ones.
func mapErr(err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, accounts.ErrInvalidCredentials):
		return ErrBadLogin
	case errors.Is(err, accounts.ErrThrottled):
		return ErrRateLimited
	case errors.Is(err, accounts.ErrUnauthenticated):
		return ErrNoSession
	case errors.Is(err, accounts.ErrForbidden):
		return ErrForbidden
	case errors.Is(err, accounts.ErrSetupDone):
		return ErrBadSetupToken
	case errors.Is(err, accounts.ErrWeakPassword):
		return ErrWeakPassword
	case errors.Is(err, accounts.ErrLastOwner):
		return ErrLastOwner
	}
	return err
}

func membership(m model.Membership) Membership {
	return Membership{OrgID: m.OrgID, OrgName: m.OrgName, Role: Role(m.Role)}
}

func (a accountsAdapter) Login(ctx context.Context, email, password, remote string) (string, error) {
	res, err := a.s.Login(ctx, accounts.LoginRequest{Email: email, Password: password, RemoteAddr: remote})
	return res.Token, mapErr(err)
}

func (a accountsAdapter) Session(ctx context.Context, token string) (Principal, error) {
	ap, err := a.s.Authenticate(ctx, token)
	if err != nil {
		return Principal{}, mapErr(err)
	}
	p := Principal{UserID: ap.User.ID, Email: ap.User.Email, Name: ap.User.Name, Lang: ap.User.Locale, Admin: ap.User.Admin,
		CSRFSecret: ap.CSRFSecret, Org: membership(ap.Org), ext: ap}
	for _, m := range ap.Memberships {
		p.Orgs = append(p.Orgs, membership(m))
	}
	return p, nil
}

func (a accountsAdapter) Logout(ctx context.Context, token, remote string) error {
	return mapErr(a.s.Logout(ctx, token, remote))
}

func (a accountsAdapter) SwitchOrg(ctx context.Context, p Principal, orgID string) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	return mapErr(a.s.SwitchOrg(ctx, ap, orgID))
}

func (a accountsAdapter) SetLanguage(ctx context.Context, p Principal, lang string) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	_, err = a.s.UpdateProfile(ctx, ap, ap.User.Name, lang)
	return mapErr(err)
}

func (a accountsAdapter) NeedsSetup(ctx context.Context) (bool, error) {
	has, err := a.s.HasUsers(ctx)
	return !has, err
}

func (a accountsAdapter) Setup(ctx context.Context, in SetupForm) (string, error) {
	res, err := a.s.CompleteSetup(ctx, accounts.Setup{Token: in.Token, Email: in.Email, Password: in.Password,
		OrgName: in.OrgName, Locale: in.Lang, RemoteAddr: in.Remote})
	return res.Token, mapErr(err)
}

func (a accountsAdapter) Members(ctx context.Context, p Principal) ([]Member, error) {
	ap, err := ext(p)
	if err != nil {
		return nil, err
	}
	ms, err := a.s.Members(ctx, ap, p.Org.OrgID)
	if err != nil {
		return nil, mapErr(err)
	}
	out := make([]Member, len(ms))
	for i, m := range ms {
		out[i] = Member{UserID: m.User.ID, Email: m.User.Email, Name: m.User.Name, Role: Role(m.Role)}
	}
	return out, nil
}

func (a accountsAdapter) AddMember(ctx context.Context, p Principal, email string, role Role) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	_, err = a.s.AddMember(ctx, ap, p.Org.OrgID, email, model.Role(role), p.Remote)
	return mapErr(err)
}

func (a accountsAdapter) SetRole(ctx context.Context, p Principal, userID string, role Role) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	return mapErr(a.s.SetRole(ctx, ap, p.Org.OrgID, userID, model.Role(role), p.Remote))
}

func (a accountsAdapter) RemoveMember(ctx context.Context, p Principal, userID string) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	return mapErr(a.s.RemoveMember(ctx, ap, p.Org.OrgID, userID, p.Remote))
}

func (a accountsAdapter) CreateOrg(ctx context.Context, p Principal, name string) (Membership, error) {
	ap, err := ext(p)
	if err != nil {
		return Membership{}, err
	}
	o, err := a.s.CreateOrg(ctx, ap, name, p.Remote)
	if accounts.IsInput(err) {
		return Membership{}, fmt.Errorf("%w: %w", ErrBadName, err)
	}
	if err != nil {
		return Membership{}, mapErr(err)
	}
	// The session's principal predates the membership.
	m := model.Membership{OrgID: o.ID, OrgName: o.Name, Role: model.RoleOwner}
	ap.Memberships = append(ap.Memberships, m)
	if err := a.s.SwitchOrg(ctx, ap, o.ID); err != nil {
		return Membership{}, fmt.Errorf("switch to the new organisation: %w", mapErr(err))
	}
	return membership(m), nil
}

func (a accountsAdapter) ChangePassword(ctx context.Context, p Principal, current, next string) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	return mapErr(a.s.ChangePassword(ctx, ap, current, next, p.Remote))
}

func (a accountsAdapter) APIKeys(ctx context.Context, p Principal) ([]model.APIKey, error) {
	ap, err := ext(p)
	if err != nil {
		return nil, err
	}
	ks, err := a.s.APIKeys(ctx, ap, p.Org.OrgID)
	return ks, mapErr(err)
}

func (a accountsAdapter) CreateAPIKey(ctx context.Context, p Principal, label string) (string, model.APIKey, error) {
	ap, err := ext(p)
	if err != nil {
		return "", model.APIKey{}, err
	}
	secret, k, err := a.s.CreateAPIKey(ctx, ap, p.Org.OrgID, label, p.Remote)
	return secret, k, mapErr(err)
}

func (a accountsAdapter) RevokeAPIKey(ctx context.Context, p Principal, id string) error {
	ap, err := ext(p)
	if err != nil {
		return err
	}
	return mapErr(a.s.RevokeAPIKey(ctx, ap, p.Org.OrgID, id, p.Remote))
}
