package accounts

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Principal is the signed-in user of a request, as Authenticate finds
// them: the user, their organisations with their roles, the session's
// current organisation and its anti-forgery secret.
type Principal struct {
	User        model.User
	Memberships []model.Membership
	// Org is the current organisation's membership (OrgID "" when the
	// user belongs to none).
	Org model.Membership
	// CSRFSecret is the session's secret (32 bytes) from which the web
	// layer derives and checks anti-forgery tokens.
	CSRFSecret []byte
	// Expires is the session's absolute end.
	Expires time.Time
	// session is the token hash of the session, for SwitchOrg and
	// ChangePassword.
	session string
}

// Role returns the principal's role in an organisation ("" when not a
// member; a Role's Can* methods are then all false).
func (p Principal) Role(orgID string) model.Role {
	for _, m := range p.Memberships {
		if m.OrgID == orgID {
			return m.Role
		}
	}
	return ""
}

// CanView, CanEdit and CanManage tell what the principal may do in an
// organisation (see model.Role).
func (p Principal) CanView(orgID string) bool   { return p.Role(orgID).CanView() }
func (p Principal) CanEdit(orgID string) bool   { return p.Role(orgID).CanEdit() }
func (p Principal) CanManage(orgID string) bool { return p.Role(orgID).CanManage() }

func (p Principal) actor() string { return userActor(p.User.ID) }

// LoginRequest is what a person submits to sign in. Params carries what
// other identity providers need (an OpenID Connect code and state).
type LoginRequest struct {
	Email, Password string
	// RemoteAddr is the client's address (host or host:port), for the
	// per-address throttle and the audit log.
	RemoteAddr string
	Params     map[string]string
}

// LoginResult is a new session: the token to set in the cookie (shown
// once; only its hash is stored) and the principal it authenticates.
type LoginResult struct {
	Token     string
	Expires   time.Time
	Principal Principal
}

// tokenHash returns the stored form of a session or setup token.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// newToken returns 32 random bytes as unpadded base64url.
func newToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

// Login signs a person in with e-mail and password (the Password
// provider): see LoginWith.
func (s *Service) Login(ctx context.Context, req LoginRequest) (LoginResult, error) {
	return s.LoginWith(ctx, s.Password(), req)
}

// LoginWith signs a person in through an identity provider. It refuses
// with a *ThrottledError while the account or the address is locked out
// (before asking the provider), counts a failure against both and returns
// ErrInvalidCredentials when the provider refuses, and otherwise clears
// the account's failures and starts a session in the user's first
// organisation. Successes and counted failures are audited.
func (s *Service) LoginWith(ctx context.Context, idp IdentityProvider, req LoginRequest) (LoginResult, error) {
	now := s.now()
	key := EmailKey(req.Email)
	if len(key) > maxEmailLen {
		// No account has such an address; the throttle and the audit
		// log keep a bounded key.
		key = key[:maxEmailLen]
	}
	keys := s.throttleKeys(key, req.RemoteAddr)
	ts, err := s.checkThrottle(ctx, keys, now)
	if errors.Is(err, ErrThrottled) {
		s.log.Warn("login refused: throttled", "email", key, "remote", req.RemoteAddr, "error", err)
		return LoginResult{}, err
	}
	if err != nil {
		return LoginResult{}, err
	}
	u, err := idp.Identify(ctx, req)
	if errors.Is(err, ErrInvalidCredentials) {
		if err := s.recordFailure(ctx, keys, ts, now); err != nil {
			return LoginResult{}, err
		}
		e := model.AuditEntry{At: now, Action: ActionLoginFailed, Target: "email:" + key, RemoteAddr: req.RemoteAddr, Detail: idp.Name()}
		if u.ID != "" {
			e.Actor, e.Target = userActor(u.ID), userActor(u.ID)
		}
		s.record(ctx, e)
		return LoginResult{}, ErrInvalidCredentials
	}
	if err != nil {
		return LoginResult{}, err
	}
	if key != "" {
		if err := s.store.ClearLoginFailures(ctx, accountKey(key)); err != nil {
			return LoginResult{}, err
		}
	}
	res, err := s.startSession(ctx, u, req.RemoteAddr, now)
	if err != nil {
		return LoginResult{}, err
	}
	s.record(ctx, model.AuditEntry{At: now, Actor: userActor(u.ID), Action: ActionLogin, Target: userActor(u.ID),
		RemoteAddr: req.RemoteAddr, Detail: idp.Name()})
	return res, nil
}

// startSession stores a new session for u, working in u's first
// organisation.
func (s *Service) startSession(ctx context.Context, u model.User, remote string, now time.Time) (LoginResult, error) {
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return LoginResult{}, err
	}
	var secret [32]byte
	_, _ = rand.Read(secret[:])
	token := newToken()
	se := model.Session{TokenHash: tokenHash(token), UserID: u.ID, CSRFSecret: hex.EncodeToString(secret[:]),
		RemoteAddr: remote, Created: now, LastSeen: now, Expires: now.Add(s.opts.SessionMax)}
	p := Principal{User: u, Memberships: ms, CSRFSecret: secret[:], Expires: se.Expires, session: se.TokenHash}
	if len(ms) > 0 {
		se.OrgID, p.Org = ms[0].OrgID, ms[0]
	}
	if err := s.store.CreateSession(ctx, se); err != nil {
		return LoginResult{}, err
	}
	return LoginResult{Token: token, Expires: se.Expires, Principal: p}, nil
}

// touchEvery bounds how often a session's last activity is written.
const touchEvery = time.Minute

// Authenticate returns the principal of a session token, or
// ErrUnauthenticated when the token is unknown or the session has
// expired (absolute or idle; an expired session is deleted). When the
// session's organisation is no longer one of the user's, the first of
// them becomes current.
func (s *Service) Authenticate(ctx context.Context, token string) (Principal, error) {
	if token == "" || len(token) > 256 {
		return Principal{}, ErrUnauthenticated
	}
	h := tokenHash(token)
	se, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	now := s.now()
	if !now.Before(se.Expires) || now.Sub(se.LastSeen) >= s.opts.SessionIdle {
		if err := s.store.DeleteSession(ctx, h); err != nil {
			s.log.Warn("expired session not deleted", "error", err)
		}
		return Principal{}, ErrUnauthenticated
	}
	u, _, err := s.store.UserByID(ctx, se.UserID)
	if errors.Is(err, store.ErrNotFound) {
		return Principal{}, ErrUnauthenticated
	}
	if err != nil {
		return Principal{}, err
	}
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return Principal{}, err
	}
	secret, err := hex.DecodeString(se.CSRFSecret)
	if err != nil {
		return Principal{}, fmt.Errorf("session: CSRF secret: %w", err)
	}
	p := Principal{User: u, Memberships: ms, CSRFSecret: secret, Expires: se.Expires, session: h}
	for _, m := range ms {
		if m.OrgID == se.OrgID {
			p.Org = m
		}
	}
	if p.Org.OrgID == "" && len(ms) > 0 {
		p.Org = ms[0]
	}
	if now.Sub(se.LastSeen) >= touchEvery {
		if err := s.store.TouchSession(ctx, h, now); errors.Is(err, store.ErrBusy) {
			s.log.Debug("session activity not recorded: database busy")
		} else if err != nil {
			s.log.Warn("session activity not recorded", "error", err)
		}
	}
	return p, nil
}

// Logout ends the session of token (an unknown token is not an error).
func (s *Service) Logout(ctx context.Context, token, remote string) error {
	h := tokenHash(token)
	se, err := s.store.SessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if err := s.store.DeleteSession(ctx, h); err != nil {
		return err
	}
	s.record(ctx, model.AuditEntry{Actor: userActor(se.UserID), Action: ActionLogout, Target: userActor(se.UserID), RemoteAddr: remote})
	return nil
}

// SwitchOrg makes orgID the session's current organisation;
// ErrForbidden when the principal is not a member.
func (s *Service) SwitchOrg(ctx context.Context, p Principal, orgID string) error {
	if !p.CanView(orgID) {
		return ErrForbidden
	}
	if err := s.store.SetSessionOrg(ctx, p.session, orgID); errors.Is(err, store.ErrNotFound) {
		return ErrUnauthenticated
	} else if err != nil {
		return err
	}
	return nil
}

// PruneSessions deletes the expired sessions, and the login throttles
// that can no longer lock anything, and returns how many sessions.
func (s *Service) PruneSessions(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.store.DeleteExpiredSessions(ctx, now, now.Add(-s.opts.SessionIdle))
	if err != nil {
		return n, err
	}
	// A key's count restarts after Window plus its lockout (at most
	// MaxLockout) without failure: older rows are dead weight.
	_, err = s.store.DeleteLoginThrottles(ctx, now.Add(-s.opts.Throttle.Window-s.opts.Throttle.MaxLockout))
	return n, err
}
