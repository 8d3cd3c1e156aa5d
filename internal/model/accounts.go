package model

import "time"

// User is a person who signs in to the web application. Only the
// argon2id hash of the password is stored, never in this type.
type User struct {
	ID string `json:"id"`
	// Email is the address as the user gave it; addresses are unique
	// regardless of case.
	Email string `json:"email"`
	// Name is the display name.
	Name string `json:"name"`
	// Locale is the preferred language: "en", "it", or "" (from the
	// browser).
	Locale string `json:"locale,omitempty"`
	// Admin marks an administrator of the whole installation.
	Admin           bool      `json:"admin"`
	Created         time.Time `json:"created"`
	PasswordChanged time.Time `json:"passwordChanged"`
}

// Role is what a member may do in an organisation.
type Role string

// The roles, from most to least powerful.
const (
	RoleOwner  Role = "owner"  // everything, members and API keys included
	RoleEditor Role = "editor" // products, versions, SBOM uploads
	RoleViewer Role = "viewer" // reads only
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleOwner || r == RoleEditor || r == RoleViewer }

// CanView reports whether the role may read the organisation's data.
func (r Role) CanView() bool { return r.Valid() }

// CanEdit reports whether the role may change the organisation's
// portfolio (products, versions, SBOM uploads).
func (r Role) CanEdit() bool { return r == RoleOwner || r == RoleEditor }

// CanManage reports whether the role may manage the organisation's
// members, roles and API keys.
func (r Role) CanManage() bool { return r == RoleOwner }

// Membership is a user's role in one organisation.
type Membership struct {
	OrgID   string    `json:"organisationId"`
	OrgName string    `json:"organisationName"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
}

// Member is one user of an organisation with their role.
type Member struct {
	User    User      `json:"user"`
	Role    Role      `json:"role"`
	Created time.Time `json:"created"`
}

// Session is a signed-in browser session. The token itself is never
// stored: TokenHash is its SHA-256 in hex.
type Session struct {
	TokenHash string
	UserID    string
	// CSRFSecret (hex) is the secret from which the web layer derives and
	// checks the session's anti-forgery tokens.
	CSRFSecret string
	// OrgID is the organisation the session works in ("" when none).
	OrgID      string
	RemoteAddr string
	Created    time.Time
	LastSeen   time.Time
	// Expires is the absolute end of the session, whatever its activity.
	Expires time.Time
}

// LoginThrottle counts the recent failed logins of one key (an account or
// a remote address).
type LoginThrottle struct {
	Key      string
	Failures int
	// First is the first failure of the current window, Last the latest.
	First, Last time.Time
}

// AuditEntry is one entry of the append-only audit log. Each entry's Hash
// chains it to the previous one (see internal/accounts).
type AuditEntry struct {
	Seq int64     `json:"seq"`
	At  time.Time `json:"at"`
	// Actor is who acted: "user:<id>", "apikey:<id>", "cli" or "" when
	// unknown (a failed login for an unknown address).
	Actor string `json:"actor"`
	// OrgID is the organisation concerned, "" when none.
	OrgID  string `json:"organisationId,omitempty"`
	Action string `json:"action"`
	// Target is what the action was applied to ("user:<id>", "apikey:<id>",
	// "sbom:<id>", "email:<address>").
	Target     string `json:"target,omitempty"`
	RemoteAddr string `json:"remoteAddr,omitempty"`
	// Detail is free text (a role change "viewer->editor", an SBOM digest).
	Detail   string `json:"detail,omitempty"`
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
}
