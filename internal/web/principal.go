package web

import (
	"context"
	"errors"
)

// Role is a person's role in an organisation.
type Role string

// Roles, from most to least powerful.
const (
	RoleOwner  Role = "owner"
	RoleEditor Role = "editor"
	RoleViewer Role = "viewer"
)

// rank orders the roles: a route needing a role admits every role of at
// least its rank.
func (r Role) rank() int {
	switch r {
	case RoleOwner:
		return 3
	case RoleEditor:
		return 2
	case RoleViewer:
		return 1
	}
	return 0
}

// AtLeast reports whether r includes the rights of min.
func (r Role) AtLeast(min Role) bool { return r.rank() >= min.rank() && r.rank() > 0 }

// Membership is a person's role in one organisation.
type Membership struct {
	OrgID   string
	OrgName string
	Role    Role
}

// Principal is the signed-in person of a request: who, in which
// organisation (the session's current one) and with which role. Every
// page reads the organisation from here, never from the request.
type Principal struct {
	UserID string
	Email  string
	Name   string
	// Lang is the person's stored language preference ("" for none).
	Lang string
	// CSRFSecret is the session's secret from which the forms' tokens are
	// derived.
	CSRFSecret []byte
	// Org is the current organisation; its OrgID is "" for a person who
	// belongs to none.
	Org Membership
	// Orgs are every organisation the person belongs to.
	Orgs []Membership
}

// Member is one person of an organisation, as the settings list them.
type Member struct {
	UserID string
	Email  string
	Name   string
	Role   Role
}

// Accounts is what the web application needs of the accounts service
// (sessions, memberships, the first administrator). The application
// wires the accounts package to it; tests use a small fake.
type Accounts interface {
	// Login checks an e-mail and password (remote is the client's
	// address, for rate limiting) and returns a new session's token;
	// ErrBadLogin or ErrRateLimited when refused.
	Login(ctx context.Context, email, password, remote string) (token string, err error)
	// Session returns the principal of a session token; ErrNoSession when
	// the token is unknown or expired.
	Session(ctx context.Context, token string) (Principal, error)
	// Logout ends a session.
	Logout(ctx context.Context, token string) error
	// SwitchOrg makes orgID the session's current organisation;
	// ErrForbidden when the person is not a member.
	SwitchOrg(ctx context.Context, token, orgID string) error
	// SetLanguage stores a person's language preference.
	SetLanguage(ctx context.Context, userID, lang string) error
	// NeedsSetup reports whether no administrator exists yet.
	NeedsSetup(ctx context.Context) (bool, error)
	// Setup creates the first administrator and organisation with the
	// one-time setup token and returns a session's token; ErrBadSetupToken
	// when the token is wrong or already used.
	Setup(ctx context.Context, setupToken, email, password, orgName string) (token string, err error)
	// Members lists the current organisation's members.
	Members(ctx context.Context, p Principal) ([]Member, error)
	// SetRole changes a member's role (owners only); ErrForbidden
	// otherwise.
	SetRole(ctx context.Context, p Principal, userID string, role Role) error
	// ChangePassword changes the person's own password; ErrBadLogin when
	// the old one is wrong.
	ChangePassword(ctx context.Context, p Principal, oldPassword, newPassword string) error
}

// Errors of Accounts, which the pages turn into messages.
var (
	ErrBadLogin      = errors.New("wrong e-mail or password")
	ErrRateLimited   = errors.New("too many attempts; try again later")
	ErrNoSession     = errors.New("no such session")
	ErrForbidden     = errors.New("forbidden")
	ErrBadSetupToken = errors.New("wrong or used setup token")
	ErrWeakPassword  = errors.New("password too short")
)

type principalKey struct{}

// withPrincipal returns ctx carrying p.
func withPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalOf returns the request's principal, nil when nobody is signed
// in.
func principalOf(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// orgName is the current organisation's name as the portfolio's
// administrative use cases (API keys) want it.
func (p *Principal) orgName() string { return p.Org.OrgName }

// CanEdit reports whether the person may change the current
// organisation's portfolio (editor or owner): the pages show their forms
// only then, and the routes check it again.
func (p *Principal) CanEdit() bool { return p != nil && p.Org.Role.AtLeast(RoleEditor) }

// IsOwner reports whether the person owns the current organisation.
func (p *Principal) IsOwner() bool { return p != nil && p.Org.Role.AtLeast(RoleOwner) }
