package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// NewUser is what creating a user takes.
type NewUser struct {
	Email, Name, Locale string
	Admin               bool
	Password            string
}

// validate checks a new user's fields and returns the e-mail key.
func (n *NewUser) validate() (string, error) {
	n.Email = strings.TrimSpace(n.Email)
	if err := checkEmail(n.Email); err != nil {
		return "", err
	}
	if err := checkText("name", n.Name, false); err != nil {
		return "", err
	}
	if err := checkLocale(n.Locale); err != nil {
		return "", err
	}
	if err := CheckPassword(n.Password, n.Email); err != nil {
		return "", &InputError{Err: err}
	}
	return EmailKey(n.Email), nil
}

func (n NewUser) user() model.User {
	return model.User{Email: n.Email, Name: strings.TrimSpace(n.Name), Locale: n.Locale, Admin: n.Admin}
}

// CreateUser creates a user as the operator (the rocca command); actor
// names who in the audit log (ActorCLI). store.ErrConflict when the
// address is taken (in any case).
func (s *Service) CreateUser(ctx context.Context, n NewUser, actor string) (model.User, error) {
	key, err := n.validate()
	if err != nil {
		return model.User{}, err
	}
	h, err := s.hash(ctx, n.Password)
	if err != nil {
		return model.User{}, err
	}
	u := n.user()
	u.Created = s.now()
	if err := s.store.CreateUser(ctx, &u, key, h); err != nil {
		return model.User{}, err
	}
	detail := ""
	if u.Admin {
		detail = "admin"
	}
	s.record(ctx, model.AuditEntry{At: u.Created, Actor: actor, Action: ActionUserCreate, Target: userActor(u.ID), Detail: detail})
	return u, nil
}

// CreateUserBy is CreateUser by an administrator signed in to the web
// application; ErrForbidden for anyone else.
func (s *Service) CreateUserBy(ctx context.Context, p Principal, n NewUser, remote string) (model.User, error) {
	if !p.User.Admin {
		return model.User{}, ErrForbidden
	}
	u, err := s.CreateUser(ctx, n, p.actor())
	return u, err
}

// ResetPassword sets a new password for the user with the address, as the
// operator (rocca user reset-password): every session of the user ends
// and the account's failed logins are forgotten.
func (s *Service) ResetPassword(ctx context.Context, email, password, actor string) error {
	key := EmailKey(email)
	u, _, err := s.store.UserByEmail(ctx, key)
	if err != nil {
		return fmt.Errorf("user %s: %w", email, err)
	}
	if err := CheckPassword(password, u.Email); err != nil {
		return &InputError{Err: err}
	}
	h, err := s.hash(ctx, password)
	if err != nil {
		return err
	}
	now := s.now()
	if err := s.store.SetPassword(ctx, u.ID, h, now, ""); err != nil {
		return err
	}
	if err := s.store.ClearLoginFailures(ctx, accountKey(key)); err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: actor, Action: ActionPasswordReset, Target: userActor(u.ID)})
	return nil
}

// ChangePassword replaces the principal's password after checking the
// current one; the user's other sessions end. A wrong current password
// counts as a failed login of the account (ErrInvalidCredentials, or a
// *ThrottledError while locked).
func (s *Service) ChangePassword(ctx context.Context, p Principal, current, next, remote string) error {
	now := s.now()
	key := EmailKey(p.User.Email)
	keys := s.throttleKeys(key, remote)
	ts, err := s.checkThrottle(ctx, keys, now)
	if err != nil {
		return err
	}
	u, hash, err := s.store.UserByID(ctx, p.User.ID)
	if err != nil {
		return err
	}
	ok, _, err := s.verify(ctx, current, hash)
	if err != nil {
		return err
	}
	if !ok {
		if err := s.recordFailure(ctx, keys, ts, now); err != nil {
			return err
		}
		s.record(ctx, model.AuditEntry{At: now, Actor: p.actor(), Action: ActionLoginFailed, Target: p.actor(),
			RemoteAddr: remote, Detail: "password change: wrong current password"})
		return ErrInvalidCredentials
	}
	if err := CheckPassword(next, u.Email); err != nil {
		return &InputError{Err: err}
	}
	h, err := s.hash(ctx, next)
	if err != nil {
		return err
	}
	if err := s.store.SetPassword(ctx, u.ID, h, now, p.session); err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: p.actor(), Action: ActionPasswordChange, Target: p.actor(), RemoteAddr: remote})
	return nil
}

// UpdateProfile sets the principal's display name and preferred locale
// ("en", "it", or "" for the browser's).
func (s *Service) UpdateProfile(ctx context.Context, p Principal, name, locale string) (model.User, error) {
	if err := checkText("name", name, false); err != nil {
		return model.User{}, err
	}
	if err := checkLocale(locale); err != nil {
		return model.User{}, err
	}
	name = strings.TrimSpace(name)
	if err := s.store.UpdateProfile(ctx, p.User.ID, name, locale); err != nil {
		return model.User{}, err
	}
	u := p.User
	u.Name, u.Locale = name, locale
	return u, nil
}

// UserByEmail returns a user by address (any case), for the operator.
func (s *Service) UserByEmail(ctx context.Context, email string) (model.User, error) {
	u, _, err := s.store.UserByEmail(ctx, EmailKey(email))
	return u, err
}

// HasUsers reports whether any user exists.
func (s *Service) HasUsers(ctx context.Context) (bool, error) {
	n, err := s.store.CountUsers(ctx)
	return n > 0, err
}

// SetupPath is the web application's path of the first administrator's
// setup page; the token goes in its "token" query parameter.
const SetupPath = "/setup"

// StartSetup prepares the one-time setup when no user exists: it makes a
// new token, stores its hash (an earlier unused token stops working) and
// returns it, to be shown to the operator (the server log). It returns ""
// when users exist already.
func (s *Service) StartSetup(ctx context.Context) (string, error) {
	has, err := s.HasUsers(ctx)
	if err != nil || has {
		return "", err
	}
	token := newToken()
	err = s.store.SetSetupToken(ctx, tokenHash(token), s.now())
	if errors.Is(err, store.ErrSetupDone) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return token, nil
}

// Setup is what the setup page submits.
type Setup struct {
	Token, Email, Name, Password, OrgName, Locale string
	RemoteAddr                                    string
}

// CompleteSetup creates the first administrator with their organisation
// (as its owner) from the one-time setup token, exactly once: a second
// attempt, concurrent or later, or a wrong token, gets ErrSetupDone.
// It returns the new user signed in.
func (s *Service) CompleteSetup(ctx context.Context, in Setup) (LoginResult, error) {
	n := NewUser{Email: in.Email, Name: in.Name, Locale: in.Locale, Admin: true, Password: in.Password}
	key, err := n.validate()
	if err != nil {
		return LoginResult{}, err
	}
	if err := checkText("organisation name", in.OrgName, true); err != nil {
		return LoginResult{}, err
	}
	if in.Token == "" || len(in.Token) > 256 {
		return LoginResult{}, ErrSetupDone
	}
	h, err := s.hash(ctx, n.Password)
	if err != nil {
		return LoginResult{}, err
	}
	now := s.now()
	u := n.user()
	u.Created = now
	o := model.Organisation{Name: strings.TrimSpace(in.OrgName), Created: now}
	if err := s.store.CompleteSetup(ctx, tokenHash(in.Token), now, &u, key, h, &o); err != nil {
		return LoginResult{}, err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: userActor(u.ID), OrgID: o.ID, Action: ActionSetup, Target: userActor(u.ID),
		RemoteAddr: in.RemoteAddr, Detail: "first administrator; organisation " + o.Name})
	res, err := s.startSession(ctx, u, in.RemoteAddr, now)
	if err != nil {
		return LoginResult{}, err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: userActor(u.ID), Action: ActionLogin, Target: userActor(u.ID),
		RemoteAddr: in.RemoteAddr, Detail: "setup"})
	return res, nil
}
