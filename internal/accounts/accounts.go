package accounts

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
)

// Store is the storage the accounts service needs.
type Store interface {
	store.Accounts
	store.AuditLog
	// OrgByName serves the operator's use cases, which name
	// organisations.
	OrgByName(ctx context.Context, name string) (model.Organisation, error)
}

// Keys creates, lists and revokes an organisation's API keys: the
// portfolio service (*portfolio.Service), which owns the keys' format and
// storage.
type Keys interface {
	CreateAPIKey(ctx context.Context, orgName, label string) (string, model.APIKey, error)
	APIKeys(ctx context.Context, orgName string) ([]model.APIKey, error)
	RevokeAPIKey(ctx context.Context, id string) error
}

// Errors of the service. Store errors come through wrapped:
// store.ErrNotFound, store.ErrConflict (an e-mail or organisation name
// taken, a member added twice), ErrLastOwner and ErrSetupDone.
var (
	// ErrInvalidCredentials is returned by Login for an unknown e-mail
	// address or a wrong password (which of the two is not told).
	ErrInvalidCredentials = errors.New("wrong e-mail address or password")
	// ErrUnauthenticated is returned for a missing, unknown or expired
	// session.
	ErrUnauthenticated = errors.New("not signed in or session expired")
	// ErrForbidden is returned when the principal's role does not allow
	// the action, or they are not a member of the organisation.
	ErrForbidden = errors.New("not allowed")
	// ErrThrottled is matched (errors.Is) by a *ThrottledError.
	ErrThrottled = errors.New("too many failed logins")
	// ErrLastOwner: the change would leave an organisation without owner.
	ErrLastOwner = store.ErrLastOwner
	// ErrSetupDone: the setup was completed, or the token is wrong.
	ErrSetupDone = store.ErrSetupDone
)

// ThrottledError is returned by Login while an account or an address is
// locked out after repeated failures.
type ThrottledError struct {
	// Until is when a new attempt will be considered.
	Until time.Time
}

func (e *ThrottledError) Error() string {
	return fmt.Sprintf("too many failed logins; try again after %s", e.Until.UTC().Format(time.RFC3339))
}

// Is makes errors.Is(err, ErrThrottled) true.
func (e *ThrottledError) Is(target error) bool { return target == ErrThrottled }

// InputError is a problem with what the person entered (an invalid
// e-mail address, a weak password, an unknown role).
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// IsInput reports whether err is an InputError.
func IsInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

func inputf(format string, a ...any) error { return &InputError{Err: fmt.Errorf(format, a...)} }

// Options tune the service; zero fields take the defaults.
type Options struct {
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Argon2 are the parameters of new password hashes (DefaultArgon2).
	Argon2 Argon2Params
	// SessionIdle ends a session unused for that long (2 h);
	// SessionMax ends any session that long after login (12 h).
	SessionIdle, SessionMax time.Duration
	// Throttle is the login rate-limiting policy (DefaultThrottle).
	Throttle ThrottlePolicy
	// MaxHashing bounds the password hashes computed at once (the number
	// of CPUs): each takes Argon2.Memory KiB.
	MaxHashing int
}

// Default session lifetimes.
const (
	DefaultSessionIdle = 2 * time.Hour
	DefaultSessionMax  = 12 * time.Hour
)

// Service implements the accounts use cases: users and passwords,
// sessions, organisations and memberships, API keys through the
// portfolio, the first administrator's setup and the audit log. Its
// store is unexported so that its rules cannot be bypassed. It holds no
// mutable state of its own: throttles and sessions live in the database,
// so that several servers on one database share them and a restart keeps
// them.
type Service struct {
	store   Store
	keys    Keys
	log     *slog.Logger
	opts    Options
	hashing chan struct{}
	// dummy is a hash verified for unknown e-mail addresses, so that a
	// login takes as long whether the address exists or not (computed on
	// first use: building the service stays cheap).
	dummy func() string
}

// New returns the service on st; keys manages API keys (nil: the API key
// use cases fail).
func New(st Store, keys Keys, log *slog.Logger, o Options) *Service {
	if o.Argon2 == (Argon2Params{}) {
		o.Argon2 = DefaultArgon2
	}
	if o.SessionIdle <= 0 {
		o.SessionIdle = DefaultSessionIdle
	}
	if o.SessionMax <= 0 {
		o.SessionMax = DefaultSessionMax
	}
	if o.Throttle == (ThrottlePolicy{}) {
		o.Throttle = DefaultThrottle
	}
	if o.MaxHashing <= 0 {
		o.MaxHashing = runtime.NumCPU()
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, keys: keys, log: log, opts: o, hashing: make(chan struct{}, o.MaxHashing),
		dummy: sync.OnceValue(func() string { return HashPassword("rocca dummy password for unknown accounts", o.Argon2) })}
}

func (s *Service) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond)
}

// hash computes a password hash, waiting for a hashing slot.
func (s *Service) hash(ctx context.Context, password string) (string, error) {
	if err := s.acquire(ctx); err != nil {
		return "", err
	}
	defer s.release()
	return HashPassword(password, s.opts.Argon2), nil
}

// verify checks a password against a hash, waiting for a hashing slot.
func (s *Service) verify(ctx context.Context, password, encoded string) (ok, rehash bool, err error) {
	if err := s.acquire(ctx); err != nil {
		return false, false, err
	}
	defer s.release()
	return VerifyPassword(password, encoded, s.opts.Argon2)
}

func (s *Service) acquire(ctx context.Context) error {
	select {
	case s.hashing <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (s *Service) release() { <-s.hashing }

// EmailKey returns the form under which an address is unique: trimmed and
// lower-cased.
func EmailKey(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// maxEmailLen bounds an e-mail address (RFC 5321's path limit less the
// angle brackets).
const maxEmailLen = 254

// checkEmail validates a plain address (no display name, no angle
// brackets) of reasonable length.
func checkEmail(email string) error {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > maxEmailLen {
		return inputf("an e-mail address is required (at most 254 characters)")
	}
	a, err := mail.ParseAddress(email)
	if err != nil || a.Address != email || a.Name != "" || !strings.Contains(email, "@") {
		return inputf("%q is not an e-mail address", email)
	}
	return nil
}

// checkLocale accepts the supported languages and "" (from the browser).
func checkLocale(l string) error {
	switch l {
	case "", "en", "it":
		return nil
	}
	return inputf("locale %q: want en, it or empty", l)
}

// checkText validates a display name or organisation name: printable,
// not only spaces, bounded.
func checkText(what, v string, required bool) error {
	if strings.TrimSpace(v) == "" {
		if required {
			return inputf("%s is required", what)
		}
		return nil
	}
	if len(v) > 200 {
		return inputf("%s: at most 200 bytes", what)
	}
	for _, r := range v {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == 0x2028 || r == 0x2029 {
			return inputf("%s: control characters are not allowed", what)
		}
	}
	return nil
}

// userActor names a user as an audit actor or target.
func userActor(id string) string { return "user:" + id }
