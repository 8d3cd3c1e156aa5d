package accounts_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/accounts"
)

// attempt is one login attempt of a throttle scenario.
type attempt struct {
	wait     time.Duration // clock advance before the attempt
	email    string
	remote   string
	password string // "" means the right one
	want     string // "ok", "bad" (wrong credentials) or "throttled"
}

func outcome(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, accounts.ErrInvalidCredentials):
		return "bad"
	case errors.Is(err, accounts.ErrThrottled):
		return "throttled"
	}
	return err.Error()
}

func fails(n int, email, remote string) []attempt {
	out := make([]attempt, n)
	for i := range out {
		out[i] = attempt{email: email, remote: remote, password: "wrong password!", want: "bad"}
	}
	return out
}

func seq(parts ...[]attempt) []attempt {
	var out []attempt
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func one(a attempt) []attempt { return []attempt{a} }

func TestLoginThrottle(t *testing.T) {
	const a, b = "a@example.it", "b@example.it"
	const ip1, ip2 = "198.51.100.1:40000", "198.51.100.2:40000"
	tests := []struct {
		name     string
		attempts []attempt
	}{
		{"four failures do not lock", seq(fails(4, a, ip1), one(attempt{email: a, remote: ip1, want: "ok"}))},
		{"five failures lock the account, even with the right password", seq(fails(5, a, ip1),
			one(attempt{email: a, remote: ip1, want: "throttled"}),
			one(attempt{email: a, remote: ip2, want: "throttled"}),
			one(attempt{wait: 59 * time.Second, email: a, remote: ip2, want: "throttled"}),
			one(attempt{wait: time.Second, email: a, remote: ip2, want: "ok"}))},
		{"the lockout doubles with each further failure", seq(fails(5, a, ip1),
			one(attempt{wait: time.Minute, email: a, remote: ip1, password: "wrong again!!", want: "bad"}), // 6th: 2 min
			one(attempt{wait: 119 * time.Second, email: a, remote: ip1, want: "throttled"}),
			one(attempt{wait: time.Second, email: a, remote: ip1, password: "wrong again!!", want: "bad"}), // 7th: 4 min
			one(attempt{wait: 239 * time.Second, email: a, remote: ip1, want: "throttled"}),
			one(attempt{wait: time.Second, email: a, remote: ip1, want: "ok"}))},
		{"a success clears the account's count", seq(fails(4, a, ip1), one(attempt{email: a, remote: ip1, want: "ok"}),
			fails(4, a, ip1), one(attempt{email: a, remote: ip1, want: "ok"}))},
		{"the count restarts after a quiet window", seq(fails(4, a, ip1),
			one(attempt{wait: 15 * time.Minute, email: a, remote: ip1, password: "wrong again!!", want: "bad"}),
			fails(3, a, ip1), one(attempt{email: a, remote: ip1, want: "ok"}))},
		{"the back-off survives the lockout", seq(fails(5, a, ip1),
			one(attempt{wait: time.Minute + 14*time.Minute, email: a, remote: ip1, password: "wrong again!!", want: "bad"}),
			one(attempt{wait: time.Minute, email: a, remote: ip1, want: "throttled"}))},
		{"other accounts are not locked", seq(fails(5, a, ip1), one(attempt{email: b, remote: ip1, want: "ok"}))},
		{"unknown accounts are throttled too", seq(fails(5, "ghost@example.it", ip1),
			one(attempt{email: "ghost@example.it", remote: ip2, want: "throttled"}))},
		{"an address guessing many accounts is locked", seq(func() []attempt {
			var out []attempt
			for i := range 20 {
				out = append(out, fails(1, fmt.Sprintf("user%d@example.it", i), ip1)...)
			}
			return out
		}(), one(attempt{email: b, remote: ip1, want: "throttled"}), one(attempt{email: b, remote: ip2, want: "ok"}))},
		{"an IPv6 /64 counts as one address", seq(func() []attempt {
			var out []attempt
			for i := range 20 {
				out = append(out, fails(1, fmt.Sprintf("user%d@example.it", i), fmt.Sprintf("[2001:db8:1:2::%x]:443", i+1))...)
			}
			return out
		}(), one(attempt{email: b, remote: "2001:db8:1:2:ffff::1", want: "throttled"}), one(attempt{email: b, remote: "[2001:db8:1:3::1]:443", want: "ok"}))},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			engines(t, func(t *testing.T, e env) {
				e.user(t, a)
				e.user(t, b)
				for i, at := range tc.attempts {
					e.clk.Advance(at.wait)
					pw := at.password
					if pw == "" {
						pw = goodPassword
					}
					_, err := e.svc.Login(context.Background(), accounts.LoginRequest{Email: at.email, Password: pw, RemoteAddr: at.remote})
					if got := outcome(err); got != at.want {
						t.Fatalf("attempt %d (%s from %s): %s, want %s", i, at.email, at.remote, got, at.want)
					}
					var te *accounts.ThrottledError
					if errors.As(err, &te) && !te.Until.After(e.clk.Now()) {
						t.Errorf("attempt %d: throttled until %s, not after now", i, te.Until)
					}
				}
			})
		})
	}
}

// TestThrottleSurvivesRestart: the counts are in the database, so a new
// service (a restarted or second server) sees the lockout.
func TestThrottleSurvivesRestart(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		e.user(t, "a@example.it")
		for range 5 {
			e.svc.Login(context.Background(), accounts.LoginRequest{Email: "a@example.it", Password: "wrong password!"})
		}
		other := accounts.New(e.st, nil, nil, accounts.Options{Now: e.clk.Now, Argon2: fastArgon})
		_, err := other.Login(context.Background(), accounts.LoginRequest{Email: "a@example.it", Password: goodPassword})
		if !errors.Is(err, accounts.ErrThrottled) {
			t.Errorf("another service instance: %v, want throttled", err)
		}
	})
}
