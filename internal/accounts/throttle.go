package accounts

import (
	"context"
	"net"
	"net/netip"
	"time"

	"github.com/rocca-project/rocca/internal/model"
)

// ThrottlePolicy is login rate limiting. Failures are counted per account
// (its e-mail key) and per remote address (an IPv6 address by its /64).
// Once a key reaches its limit, it is locked out for BaseLockout after its
// latest failure, doubling with every further failure up to MaxLockout;
// while locked, attempts are refused without checking the password (and
// not counted). The count starts again after Window without a failure
// once the lockout is over. A successful login clears the account's count
// (not the address's: one valid account must not reset an address that is
// guessing others).
type ThrottlePolicy struct {
	Window          time.Duration
	AccountFailures int
	AddressFailures int
	BaseLockout     time.Duration
	MaxLockout      time.Duration
}

// DefaultThrottle: 5 failures for an account, 20 for an address (offices
// share one behind NAT), 1 minute doubling up to 1 hour, counted over 15
// minutes.
var DefaultThrottle = ThrottlePolicy{Window: 15 * time.Minute, AccountFailures: 5, AddressFailures: 20,
	BaseLockout: time.Minute, MaxLockout: time.Hour}

// lockout returns how long a key with failures failures (limit limit) is
// locked after its latest failure: 0 below the limit.
func (p ThrottlePolicy) lockout(failures, limit int) time.Duration {
	if limit <= 0 || failures < limit {
		return 0
	}
	d := p.BaseLockout
	for i := limit; i < failures && d < p.MaxLockout; i++ {
		d *= 2
	}
	return min(d, p.MaxLockout)
}

// lockedUntil returns the end of a key's lockout, zero when not locked at
// now.
func (p ThrottlePolicy) lockedUntil(t model.LoginThrottle, limit int, now time.Time) time.Time {
	if t.Failures == 0 || now.Sub(t.Last) >= p.Window+p.lockout(t.Failures, limit) {
		return time.Time{}
	}
	if until := t.Last.Add(p.lockout(t.Failures, limit)); now.Before(until) {
		return until
	}
	return time.Time{}
}

// windowStart is the time before which a key's latest failure starts a
// new count: Window before now, and the lockout earlier still, so that
// the back-off survives the lockout.
func (p ThrottlePolicy) windowStart(t model.LoginThrottle, limit int, now time.Time) time.Time {
	return now.Add(-p.Window - p.lockout(t.Failures, limit))
}

// accountKey and addressKey name the throttles of a login.
func accountKey(emailKey string) string { return "account:" + emailKey }

func addressKey(remote string) string {
	host := remote
	if h, _, err := net.SplitHostPort(remote); err == nil {
		host = h
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return "address:" + host
	}
	a = a.Unmap().WithZone("")
	if a.Is6() {
		p, _ := a.Prefix(64)
		return "address:" + p.String()
	}
	return "address:" + a.String()
}

// throttleKey is one key of a login with its limit.
type throttleKey struct {
	key   string
	limit int
}

func (s *Service) throttleKeys(emailKey, remote string) []throttleKey {
	var keys []throttleKey
	if emailKey != "" {
		keys = append(keys, throttleKey{accountKey(emailKey), s.opts.Throttle.AccountFailures})
	}
	if remote != "" {
		keys = append(keys, throttleKey{addressKey(remote), s.opts.Throttle.AddressFailures})
	}
	return keys
}

// checkThrottle returns a *ThrottledError when one of the keys is locked
// at now, and the keys' current counts.
func (s *Service) checkThrottle(ctx context.Context, keys []throttleKey, now time.Time) ([]model.LoginThrottle, error) {
	ts := make([]model.LoginThrottle, len(keys))
	var until time.Time
	for i, k := range keys {
		t, err := s.store.LoginThrottle(ctx, k.key)
		if err != nil {
			return nil, err
		}
		ts[i] = t
		if u := s.opts.Throttle.lockedUntil(t, k.limit, now); u.After(until) {
			until = u
		}
	}
	if !until.IsZero() {
		return ts, &ThrottledError{Until: until}
	}
	return ts, nil
}

// recordFailure counts a failed login against every key.
func (s *Service) recordFailure(ctx context.Context, keys []throttleKey, ts []model.LoginThrottle, now time.Time) error {
	for i, k := range keys {
		if _, err := s.store.RecordLoginFailure(ctx, k.key, now, s.opts.Throttle.windowStart(ts[i], k.limit, now)); err != nil {
			return err
		}
	}
	return nil
}
