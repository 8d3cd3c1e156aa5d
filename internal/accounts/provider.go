package accounts

import (
	"context"
	"errors"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// IdentityProvider proves who is signing in. LoginWith asks it after the
// throttle check and starts the session for the local user it returns.
// Password (the local argon2id hashes) is the one implementation today;
// OpenID Connect will be another: it would read the authorisation code
// and state from LoginRequest.Params, check the ID token, and map its
// verified e-mail address (or a stored issuer and subject) to a local
// user.
type IdentityProvider interface {
	// Name identifies the provider in the audit log ("password",
	// "oidc:<issuer>").
	Name() string
	// Identify returns the local user the request proves, or
	// ErrInvalidCredentials (with the user, when known, for the audit
	// log). Other errors are failures of the provider.
	Identify(ctx context.Context, req LoginRequest) (model.User, error)
}

// Password returns the password identity provider of the service.
func (s *Service) Password() IdentityProvider { return passwordProvider{s} }

type passwordProvider struct{ s *Service }

func (passwordProvider) Name() string { return "password" }

// Identify verifies the password against the user's hash. For an unknown
// address it verifies a dummy hash anyway, so that the answer takes as
// long and does not tell which addresses have accounts.
func (pp passwordProvider) Identify(ctx context.Context, req LoginRequest) (model.User, error) {
	s := pp.s
	if len(req.Password) > MaxPasswordLen {
		return model.User{}, ErrInvalidCredentials
	}
	u, hash, err := s.store.UserByEmail(ctx, EmailKey(req.Email))
	if errors.Is(err, store.ErrNotFound) {
		_, _, _ = s.verify(ctx, req.Password, s.dummy())
		return model.User{}, ErrInvalidCredentials
	}
	if err != nil {
		return model.User{}, err
	}
	ok, rehash, err := s.verify(ctx, req.Password, hash)
	if err != nil {
		return u, err
	}
	if !ok {
		return u, ErrInvalidCredentials
	}
	if rehash {
		// Stored with other parameters than today's: upgrade it now that
		// the password is known. Best effort; the login goes on.
		if h, err := s.hash(ctx, req.Password); err == nil {
			if _, err := s.store.RehashPassword(ctx, u.ID, hash, h); err != nil {
				s.log.Warn("password hash not upgraded", "user", u.ID, "error", err)
			}
		}
	}
	return u, nil
}
