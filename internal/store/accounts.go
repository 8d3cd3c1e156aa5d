package store

import (
	"context"
	"errors"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// ErrLastOwner is returned when a change would leave an organisation
// without an owner.
var ErrLastOwner = errors.New("an organisation keeps at least one owner")

// ErrSetupDone is returned when the one-time setup has already been
// completed (or users exist), or the setup token does not match.
var ErrSetupDone = errors.New("setup already completed or token invalid")

// Accounts holds the web application's users, their sessions and
// organisation memberships, the login throttles and the one-time setup
// token. E-mail addresses are matched by their lower-case key.
type Accounts interface {
	// CreateUser stores a user with the argon2id hash of the password (ID
	// and Created filled in when empty); ErrConflict when the e-mail key
	// is taken.
	CreateUser(ctx context.Context, u *model.User, emailKey, passwordHash string) error
	// UserByEmail returns the user with the e-mail key and the password
	// hash, or ErrNotFound.
	UserByEmail(ctx context.Context, emailKey string) (model.User, string, error)
	// UserByID returns a user and the password hash, or ErrNotFound.
	UserByID(ctx context.Context, id string) (model.User, string, error)
	// UpdateProfile sets a user's display name and locale.
	UpdateProfile(ctx context.Context, id, name, locale string) error
	// SetPassword replaces a user's password hash and deletes the user's
	// sessions except keepSession (a token hash, "" for none).
	SetPassword(ctx context.Context, id, passwordHash string, at time.Time, keepSession string) error
	// RehashPassword replaces a user's password hash by newHash when it is
	// still oldHash (a login upgrading the hash's parameters), keeping the
	// sessions; it reports whether it did.
	RehashPassword(ctx context.Context, id, oldHash, newHash string) (bool, error)
	// CountUsers counts the users.
	CountUsers(ctx context.Context) (int, error)

	// CreateSession stores a session.
	CreateSession(ctx context.Context, s model.Session) error
	// SessionByHash returns a session by its token hash, or ErrNotFound.
	SessionByHash(ctx context.Context, hash string) (model.Session, error)
	// TouchSession records activity on a session.
	TouchSession(ctx context.Context, hash string, at time.Time) error
	// SetSessionOrg sets a session's current organisation.
	SetSessionOrg(ctx context.Context, hash, orgID string) error
	// DeleteSession deletes a session (no error when absent).
	DeleteSession(ctx context.Context, hash string) error
	// DeleteExpiredSessions deletes the sessions whose absolute expiry is
	// before absolute or whose last activity is before idle.
	DeleteExpiredSessions(ctx context.Context, absolute, idle time.Time) (int, error)

	// Memberships lists a user's organisations by name.
	Memberships(ctx context.Context, userID string) ([]model.Membership, error)
	// Members lists an organisation's members by e-mail.
	Members(ctx context.Context, orgID string) ([]model.Member, error)
	// CreateOrgWithOwner creates an organisation (ErrConflict when the
	// name is taken) with userID as its owner, in one transaction.
	CreateOrgWithOwner(ctx context.Context, o *model.Organisation, userID string, at time.Time) error
	// AddMember adds a user to an organisation; ErrConflict when already a
	// member, ErrNotFound when the organisation or user does not exist.
	AddMember(ctx context.Context, orgID, userID string, role model.Role, at time.Time) error
	// SetRole changes a member's role and returns the previous one;
	// ErrNotFound when not a member, ErrLastOwner when it would demote the
	// last owner.
	SetRole(ctx context.Context, orgID, userID string, role model.Role) (model.Role, error)
	// RemoveMember removes a member and returns their role; ErrNotFound
	// when not a member, ErrLastOwner when they are the last owner. The
	// user's sessions working in the organisation lose it as current.
	RemoveMember(ctx context.Context, orgID, userID string) (model.Role, error)

	// LoginThrottle returns the failure count of a key (zero when none).
	LoginThrottle(ctx context.Context, key string) (model.LoginThrottle, error)
	// RecordLoginFailure counts a failure of key at at, starting a new
	// count when the key's latest failure is at or before windowStart, and
	// returns the updated count.
	RecordLoginFailure(ctx context.Context, key string, at, windowStart time.Time) (model.LoginThrottle, error)
	// ClearLoginFailures forgets a key's failures.
	ClearLoginFailures(ctx context.Context, key string) error
	// DeleteLoginThrottles forgets the keys whose latest failure is before
	// before.
	DeleteLoginThrottles(ctx context.Context, before time.Time) (int, error)

	// SetSetupToken stores the hash of a new one-time setup token,
	// replacing an unused earlier one; ErrSetupDone when setup was
	// completed or users exist.
	SetSetupToken(ctx context.Context, hash string, at time.Time) error
	// CompleteSetup, in one transaction, consumes the setup token with the
	// given hash (ErrSetupDone when it does not match, was used, or users
	// exist) and creates the first user, the organisation and the
	// membership as owner.
	CompleteSetup(ctx context.Context, tokenHash string, at time.Time, u *model.User, emailKey, passwordHash string, o *model.Organisation) error
}

// AuditLog is the append-only, hash-chained audit log.
type AuditLog interface {
	// AppendAudit appends e: one at a time, it gives it the next sequence
	// number and the previous entry's hash, then seal computes its hash.
	AppendAudit(ctx context.Context, e *model.AuditEntry, seal func(e *model.AuditEntry) string) error
	// AuditEntries returns up to limit entries with a sequence number
	// above after, in order; org "" means every organisation.
	AuditEntries(ctx context.Context, org string, after int64, limit int) ([]model.AuditEntry, error)
}
