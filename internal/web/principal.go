package web

import (
	"context"
	"errors"

	"github.com/rocca-project/rocca/internal/model"
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
	// Admin marks an administrator of the installation (may create
	// organisations in the browser).
	Admin bool
	// CSRFSecret is the session's secret from which the forms' tokens are
	// derived.
	CSRFSecret []byte
	// Org is the current organisation; its OrgID is "" for a person who
	// belongs to none.
	Org Membership
	// Orgs are every organisation the person belongs to.
	Orgs []Membership
	// Remote is the client's address (audit log).
	Remote string
	// Token is the session's token.
	Token string
	// ext is the accounts service's own principal, for the adapter.
	ext any
}

// Member is one person of an organisation, as the settings list them.
type Member struct {
	UserID string
	Email  string
	Name   string
	Role   Role
}

// Accounts is what the web application needs of the accounts service
// (sessions, memberships, the first administrator, API keys). AccountsOf
// adapts internal/accounts to it; the page tests use a small fake.
type Accounts interface {
	// Login checks an e-mail and password (remote is the client's
	// address, for rate limiting and the audit log) and returns a new
	// session's token; ErrBadLogin or ErrRateLimited when refused.
	Login(ctx context.Context, email, password, remote string) (token string, err error)
	// Session returns the principal of a session token; ErrNoSession when
	// the token is unknown or expired.
	Session(ctx context.Context, token string) (Principal, error)
	// Logout ends a session.
	Logout(ctx context.Context, token, remote string) error
	// SwitchOrg makes orgID the session's current organisation;
	// ErrForbidden when the person is not a member.
	SwitchOrg(ctx context.Context, p Principal, orgID string) error
	// SetLanguage stores the person's language preference.
	SetLanguage(ctx context.Context, p Principal, lang string) error
	// NeedsSetup reports whether no user exists yet.
	NeedsSetup(ctx context.Context) (bool, error)
	// Setup creates the first administrator and organisation with the
	// one-time setup token and returns a session's token; ErrBadSetupToken
	// when the token is wrong or already used, ErrWeakPassword.
	Setup(ctx context.Context, in SetupForm) (token string, err error)
	// Members lists the current organisation's members.
	Members(ctx context.Context, p Principal) ([]Member, error)
	// AddMember gives a person who has an account a role in the current
	// organisation (owners only); store.ErrNotFound when no account has
	// the address, store.ErrConflict when already a member.
	AddMember(ctx context.Context, p Principal, email string, role Role) error
	// SetRole changes a member's role (owners only); ErrForbidden
	// otherwise, ErrLastOwner when no owner would be left.
	SetRole(ctx context.Context, p Principal, userID string, role Role) error
	// RemoveMember removes a member from the current organisation
	// (owners only); store.ErrNotFound when not a member, ErrLastOwner
	// when no owner would be left.
	RemoveMember(ctx context.Context, p Principal, userID string) error
	// CreateOrg creates an organisation with the person as its owner and
	// makes it the session's current one; store.ErrConflict when the
	// name is taken, ErrBadName when the name is refused.
	CreateOrg(ctx context.Context, p Principal, name string) (Membership, error)
	// ChangePassword changes the person's own password; ErrBadLogin when
	// the current one is wrong, ErrWeakPassword.
	ChangePassword(ctx context.Context, p Principal, current, next string) error
	// APIKeys lists the current organisation's API keys (owners only).
	APIKeys(ctx context.Context, p Principal) ([]model.APIKey, error)
	// CreateAPIKey makes a key of the current organisation and returns its
	// secret, to be shown once.
	CreateAPIKey(ctx context.Context, p Principal, label string) (string, model.APIKey, error)
	// RevokeAPIKey revokes one of the current organisation's keys;
	// store.ErrNotFound when it is not the organisation's.
	RevokeAPIKey(ctx context.Context, p Principal, id string) error
}

// SetupForm is what the setup page submits.
type SetupForm struct {
	Token, Email, Password, OrgName, Lang, Remote string
}

// Errors of Accounts, which the pages turn into messages.
var (
	ErrBadLogin      = errors.New("wrong e-mail or password")
	ErrRateLimited   = errors.New("too many attempts; try again later")
	ErrNoSession     = errors.New("no such session")
	ErrForbidden     = errors.New("forbidden")
	ErrBadSetupToken = errors.New("wrong or used setup token")
	ErrWeakPassword  = errors.New("password too short")
	ErrLastOwner     = errors.New("the organisation would have no owner left")
	ErrBadName       = errors.New("name refused")
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

// CanEdit reports whether the person may change the current
// organisation's portfolio (editor or owner): the pages show their forms
// only then, and the routes check it again.
func (p *Principal) CanEdit() bool { return p != nil && p.Org.Role.AtLeast(RoleEditor) }

// IsOwner reports whether the person owns the current organisation.
func (p *Principal) IsOwner() bool { return p != nil && p.Org.Role.AtLeast(RoleOwner) }
