package accounts_test

import (
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
)

// fastArgon keeps the tests quick; the format and the code path are the
// same as with the defaults.
var fastArgon = accounts.Argon2Params{Memory: 64, Time: 1, Threads: 1}

// clock is a settable test clock.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// env is one engine's service with its store and clock.
type env struct {
	name string
	svc  *accounts.Service
	st   *sqlstore.Store
	clk  *clock
}

// engines runs fn on a fresh database of every engine.
func engines(t *testing.T, fn func(t *testing.T, e env)) {
	for _, eng := range testutil.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			st, err := sqlstore.Open(context.Background(), eng.URL)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { st.Close() })
			clk := &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC)}
			log := slog.New(slog.DiscardHandler)
			svc := accounts.New(st, portfolio.New(st, log, sbom.Limits{}), log,
				accounts.Options{Now: clk.Now, Argon2: fastArgon})
			fn(t, env{name: eng.Name, svc: svc, st: st, clk: clk})
		})
	}
}

const goodPassword = "correct horse battery"

// user creates a user with goodPassword.
func (e env) user(t *testing.T, email string) model.User {
	t.Helper()
	u, err := e.svc.CreateUser(context.Background(), accounts.NewUser{Email: email, Name: "Test", Password: goodPassword}, accounts.ActorCLI)
	if err != nil {
		t.Fatalf("create %s: %v", email, err)
	}
	return u
}

// login signs a user in from an address and returns the token.
func (e env) login(t *testing.T, email, remote string) (string, accounts.Principal) {
	t.Helper()
	res, err := e.svc.Login(context.Background(), accounts.LoginRequest{Email: email, Password: goodPassword, RemoteAddr: remote})
	if err != nil {
		t.Fatalf("login %s: %v", email, err)
	}
	return res.Token, res.Principal
}

func TestUsersAndLogin(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		u := e.user(t, "Anna.Rossi@Example.IT")
		if u.Email != "Anna.Rossi@Example.IT" || u.Admin {
			t.Errorf("user %+v", u)
		}
		// Unique regardless of case.
		_, err := e.svc.CreateUser(ctx, accounts.NewUser{Email: "anna.rossi@example.it", Password: goodPassword}, accounts.ActorCLI)
		if !errors.Is(err, store.ErrConflict) {
			t.Errorf("same address in another case: %v", err)
		}
		for _, tc := range []struct {
			name string
			n    accounts.NewUser
		}{
			{"bad address", accounts.NewUser{Email: "not-an-address", Password: goodPassword}},
			{"display-name address", accounts.NewUser{Email: "Anna <a@example.it>", Password: goodPassword}},
			{"short password", accounts.NewUser{Email: "b@example.it", Password: "short"}},
			{"password is the address", accounts.NewUser{Email: "longaddress@example.it", Password: "LongAddress@example.it"}},
			{"bad locale", accounts.NewUser{Email: "c@example.it", Password: goodPassword, Locale: "de"}},
			{"control character in name", accounts.NewUser{Email: "d@example.it", Password: goodPassword, Name: "a\x1b[2J"}},
		} {
			if _, err := e.svc.CreateUser(ctx, tc.n, accounts.ActorCLI); !accounts.IsInput(err) {
				t.Errorf("%s: %v, want an input error", tc.name, err)
			}
		}

		for _, tc := range []struct {
			name, email, password string
			want                  error
		}{
			{"wrong password", "anna.rossi@example.it", "wrong password here", accounts.ErrInvalidCredentials},
			{"unknown address", "nobody@example.it", goodPassword, accounts.ErrInvalidCredentials},
			{"empty", "", "", accounts.ErrInvalidCredentials},
			{"right, other case and spaces", "  ANNA.ROSSI@example.it ", goodPassword, nil},
		} {
			res, err := e.svc.Login(ctx, accounts.LoginRequest{Email: tc.email, Password: tc.password, RemoteAddr: "192.0.2.1:5555"})
			if !errors.Is(err, tc.want) {
				t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
			}
			if tc.want != nil {
				continue
			}
			if len(res.Token) < 40 || res.Principal.User.ID != u.ID || len(res.Principal.CSRFSecret) != 32 {
				t.Errorf("%s: result %+v", tc.name, res)
			}
			p, err := e.svc.Authenticate(ctx, res.Token)
			if err != nil || p.User.ID != u.ID || string(p.CSRFSecret) != string(res.Principal.CSRFSecret) || p.Org.OrgID != "" {
				t.Errorf("authenticate: %+v, %v", p, err)
			}
			if _, err := e.svc.Authenticate(ctx, res.Token+"x"); !errors.Is(err, accounts.ErrUnauthenticated) {
				t.Errorf("altered token: %v", err)
			}
			if err := e.svc.Logout(ctx, res.Token, "192.0.2.1"); err != nil {
				t.Fatal(err)
			}
			if _, err := e.svc.Authenticate(ctx, res.Token); !errors.Is(err, accounts.ErrUnauthenticated) {
				t.Errorf("after logout: %v", err)
			}
		}
		// The audit log: the failures name the address tried (an unknown
		// one by its key) and the remote host without its port.
		es, err := e.st.AuditEntries(ctx, "", 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, en := range es {
			got = append(got, en.Action+" "+en.Actor+" "+en.Target+" "+en.RemoteAddr)
		}
		uid := "user:" + u.ID
		want := []string{"user.create cli " + uid + " ", "login.failed " + uid + " " + uid + " 192.0.2.1",
			"login.failed  email:nobody@example.it 192.0.2.1", "login.failed  email: 192.0.2.1",
			"login " + uid + " " + uid + " 192.0.2.1", "logout " + uid + " " + uid + " 192.0.2.1"}
		if strings.Join(got, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit entries:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
	})
}

func TestPasswordChangeAndReset(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "a@example.it")
		tok1, p1 := e.login(t, "a@example.it", "192.0.2.1")
		tok2, _ := e.login(t, "a@example.it", "192.0.2.2")
		const next = "a new and longer secret"
		if err := e.svc.ChangePassword(ctx, p1, "not the password", next, "192.0.2.1"); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("wrong current password: %v", err)
		}
		if err := e.svc.ChangePassword(ctx, p1, goodPassword, "short", "192.0.2.1"); !accounts.IsInput(err) {
			t.Errorf("weak new password: %v", err)
		}
		if err := e.svc.ChangePassword(ctx, p1, goodPassword, next, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		// The session that changed it stays; the others end.
		if _, err := e.svc.Authenticate(ctx, tok1); err != nil {
			t.Errorf("own session after change: %v", err)
		}
		if _, err := e.svc.Authenticate(ctx, tok2); !errors.Is(err, accounts.ErrUnauthenticated) {
			t.Errorf("other session after change: %v", err)
		}
		if _, err := e.svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: goodPassword}); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Errorf("old password: %v", err)
		}
		if _, err := e.svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: next}); err != nil {
			t.Errorf("new password: %v", err)
		}
		// The operator's reset ends every session.
		if err := e.svc.ResetPassword(ctx, "A@EXAMPLE.IT", goodPassword, accounts.ActorCLI); err != nil {
			t.Fatal(err)
		}
		if _, err := e.svc.Authenticate(ctx, tok1); !errors.Is(err, accounts.ErrUnauthenticated) {
			t.Errorf("session after reset: %v", err)
		}
		e.login(t, "a@example.it", "")
		if err := e.svc.ResetPassword(ctx, "nobody@example.it", goodPassword, accounts.ActorCLI); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("reset of an unknown user: %v", err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	for _, tc := range []struct {
		name string
		// steps advance the clock and authenticate after each.
		steps []time.Duration
		// valid tells whether the session is valid after each step.
		valid []bool
	}{
		{"fresh", []time.Duration{0}, []bool{true}},
		{"idle just under the limit", []time.Duration{2*time.Hour - time.Second}, []bool{true}},
		{"idle at the limit", []time.Duration{2 * time.Hour}, []bool{false}},
		{"activity keeps it alive", []time.Duration{90 * time.Minute, 90 * time.Minute, 90 * time.Minute}, []bool{true, true, true}},
		{"absolute end despite activity", []time.Duration{time.Hour, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute, 110 * time.Minute,
			110 * time.Minute, 110*time.Minute - time.Second, time.Second}, []bool{true, true, true, true, true, true, true, false}},
		{"expired stays expired", []time.Duration{3 * time.Hour, 0}, []bool{false, false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			engines(t, func(t *testing.T, e env) {
				ctx := context.Background()
				e.user(t, "a@example.it")
				tok, _ := e.login(t, "a@example.it", "")
				for i, d := range tc.steps {
					e.clk.Advance(d)
					_, err := e.svc.Authenticate(ctx, tok)
					if got := err == nil; got != tc.valid[i] {
						t.Fatalf("step %d (+%s): valid %v (%v), want %v", i, d, got, err, tc.valid[i])
					}
				}
			})
		})
	}
}

func TestPruneSessions(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "a@example.it")
		e.login(t, "a@example.it", "")
		e.clk.Advance(time.Hour)
		tok, _ := e.login(t, "a@example.it", "")
		e.clk.Advance(time.Hour + 30*time.Minute)
		n, err := e.svc.PruneSessions(ctx)
		if err != nil || n != 1 {
			t.Fatalf("pruned %d, %v; want the idle one", n, err)
		}
		if _, err := e.svc.Authenticate(ctx, tok); err != nil {
			t.Errorf("live session pruned: %v", err)
		}
	})
}

// TestRehashOnLogin: a hash made with other parameters than the
// service's is upgraded at the next successful login.
func TestRehashOnLogin(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.user(t, "a@example.it")
		_, before, _ := e.st.UserByEmail(ctx, "a@example.it")
		stronger := accounts.Argon2Params{Memory: 128, Time: 2, Threads: 1}
		svc := accounts.New(e.st, nil, nil, accounts.Options{Now: e.clk.Now, Argon2: stronger})
		if _, err := svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: "wrong password!"}); err == nil {
			t.Fatal("wrong password accepted")
		}
		if _, after, _ := e.st.UserByEmail(ctx, "a@example.it"); after != before {
			t.Fatal("a failed login changed the hash")
		}
		tok, _ := e.login(t, "a@example.it", "")
		if _, err := svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: goodPassword}); err != nil {
			t.Fatal(err)
		}
		_, after, _ := e.st.UserByEmail(ctx, "a@example.it")
		if !strings.HasPrefix(after, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Errorf("hash after login %q", after)
		}
		if _, err := e.svc.Authenticate(ctx, tok); err != nil {
			t.Errorf("the upgrade ended a session: %v", err)
		}
		if _, err := e.svc.Login(ctx, accounts.LoginRequest{Email: "a@example.it", Password: goodPassword}); err != nil {
			t.Errorf("login after the upgrade: %v", err)
		}
	})
}

func TestPruneThrottles(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		e.svc.Login(ctx, accounts.LoginRequest{Email: "ghost@example.it", Password: "wrong password!", RemoteAddr: "192.0.2.1"})
		e.clk.Advance(74 * time.Minute)
		e.svc.PruneSessions(ctx)
		if th, _ := e.st.LoginThrottle(ctx, "account:ghost@example.it"); th.Failures != 1 {
			t.Fatalf("pruned too early: %+v", th)
		}
		e.clk.Advance(2 * time.Minute)
		if _, err := e.svc.PruneSessions(ctx); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{"account:ghost@example.it", "address:192.0.2.1"} {
			if th, _ := e.st.LoginThrottle(ctx, k); th.Failures != 0 {
				t.Errorf("%s kept: %+v", k, th)
			}
		}
	})
}

// TestAuthenticateBesideAWriter: authenticating a request does not wait
// for a write transaction in progress (an upload being stored; on SQLite
// the single writing connection is then taken).
func TestAuthenticateBesideAWriter(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		e.user(t, "a@example.it")
		tok, _ := e.login(t, "a@example.it", "")
		e.clk.Advance(2 * time.Minute) // the activity is due to be written
		tx, err := e.st.DB().BeginTx(context.Background(), nil)
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`UPDATE organisation SET name = name`); err != nil {
			t.Fatal(err)
		}
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
		defer cancel()
		start := time.Now()
		if _, err := e.svc.Authenticate(ctx, tok); err != nil {
			t.Fatalf("authenticate beside a writer: %v", err)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("authenticate took %s beside a writer", d)
		}
	})
}
