package accounts_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/model"
)

// fakeIdP stands for a future OpenID Connect provider: it accepts the
// "code" parameter "good" for the user with the address given.
type fakeIdP struct {
	svc   *accounts.Service
	email string
}

func (fakeIdP) Name() string { return "oidc:https://idp.example" }

func (f fakeIdP) Identify(ctx context.Context, req accounts.LoginRequest) (model.User, error) {
	if req.Params["code"] != "good" {
		return model.User{}, accounts.ErrInvalidCredentials
	}
	return f.svc.UserByEmail(ctx, f.email)
}

// TestIdentityProviderSeam: another provider signs in through LoginWith
// with the same sessions, throttle and audit as passwords.
func TestIdentityProviderSeam(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		u := e.user(t, "a@example.it")
		idp := fakeIdP{svc: e.svc, email: "a@example.it"}
		res, err := e.svc.LoginWith(ctx, idp, accounts.LoginRequest{RemoteAddr: "192.0.2.9", Params: map[string]string{"code": "good"}})
		if err != nil || res.Principal.User.ID != u.ID {
			t.Fatalf("login with the provider: %+v %v", res.Principal.User, err)
		}
		if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
			t.Fatal(err)
		}
		for range 20 {
			_, err := e.svc.LoginWith(ctx, idp, accounts.LoginRequest{RemoteAddr: "192.0.2.9", Params: map[string]string{"code": "bad"}})
			if !errors.Is(err, accounts.ErrInvalidCredentials) {
				t.Fatalf("bad code: %v", err)
			}
		}
		// The address is now locked, whatever the provider.
		_, err = e.svc.LoginWith(ctx, idp, accounts.LoginRequest{RemoteAddr: "192.0.2.9", Params: map[string]string{"code": "good"}})
		if !errors.Is(err, accounts.ErrThrottled) {
			t.Errorf("after 20 failures from the address: %v", err)
		}
		es, err := e.st.AuditEntries(ctx, "", 0, 100)
		if err != nil || len(es) != 22 || es[1].Action != accounts.ActionLogin || es[1].Detail != "oidc:https://idp.example" {
			t.Errorf("audit: %d entries, %v", len(es), err)
		}
	})
}

// TestLongAddressBounded: a login with an absurdly long address is
// refused and leaves bounded keys behind.
func TestLongAddressBounded(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		long := strings.Repeat("b", 10000) + "@example.it"
		if _, err := e.svc.Login(ctx, accounts.LoginRequest{Email: long, Password: "x"}); !errors.Is(err, accounts.ErrInvalidCredentials) {
			t.Fatalf("long address: %v", err)
		}
		es, err := e.st.AuditEntries(ctx, "", 0, 10)
		if err != nil || len(es) != 1 || len(es[0].Target) > 300 {
			t.Errorf("audit target of %d bytes, %v", len(es[0].Target), err)
		}
	})
}
