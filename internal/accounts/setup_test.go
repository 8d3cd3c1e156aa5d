package accounts_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/store"
)

func TestSetupOnce(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		first, err := e.svc.StartSetup(ctx)
		if err != nil || first == "" {
			t.Fatalf("start: %q %v", first, err)
		}
		// Each start makes a new token; the earlier one stops working.
		token, err := e.svc.StartSetup(ctx)
		if err != nil || token == "" || token == first {
			t.Fatalf("restart: %q %v", token, err)
		}
		in := accounts.Setup{Token: first, Email: "admin@example.it", Password: goodPassword, OrgName: "Example Macchine"}
		if _, err := e.svc.CompleteSetup(ctx, in); !errors.Is(err, accounts.ErrSetupDone) {
			t.Errorf("superseded token: %v", err)
		}
		in.Token = token
		in.Password = "short"
		if _, err := e.svc.CompleteSetup(ctx, in); !accounts.IsInput(err) {
			t.Errorf("weak password: %v", err)
		}
		in.Password = goodPassword

		// Two people submit the form at once: exactly one wins.
		const n = 2
		var wg sync.WaitGroup
		results := make([]error, n)
		tokens := make([]string, n)
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				mine := in
				mine.Email = []string{"admin@example.it", "intruder@example.it"}[i]
				<-start
				res, err := e.svc.CompleteSetup(ctx, mine)
				results[i], tokens[i] = err, res.Token
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range results {
			switch {
			case err == nil:
				if won >= 0 {
					t.Fatalf("both setups succeeded")
				}
				won = i
			case !errors.Is(err, accounts.ErrSetupDone):
				t.Fatalf("setup %d: %v", i, err)
			}
		}
		if won < 0 {
			t.Fatalf("no setup succeeded: %v", results)
		}
		p, err := e.svc.Authenticate(ctx, tokens[won])
		if err != nil || !p.User.Admin || p.Org.OrgName != "Example Macchine" || !p.CanManage(p.Org.OrgID) {
			t.Fatalf("the first administrator: %+v %v", p, err)
		}
		n2, err := e.st.CountUsers(ctx)
		if err != nil || n2 != 1 {
			t.Errorf("%d users, %v", n2, err)
		}
		// Once done, no new token and no second use.
		if tok, err := e.svc.StartSetup(ctx); tok != "" || err != nil {
			t.Errorf("start after setup: %q %v", tok, err)
		}
		if _, err := e.svc.CompleteSetup(ctx, in); !errors.Is(err, accounts.ErrSetupDone) {
			t.Errorf("second use: %v", err)
		}
		if err := e.st.SetSetupToken(ctx, "x", e.clk.Now()); !errors.Is(err, store.ErrSetupDone) {
			t.Errorf("store token after setup: %v", err)
		}
	})
}

// TestSetupAfterCLIUser: a user created with the command line ends the
// setup; the token printed earlier no longer works.
func TestSetupAfterCLIUser(t *testing.T) {
	engines(t, func(t *testing.T, e env) {
		ctx := context.Background()
		token, err := e.svc.StartSetup(ctx)
		if err != nil {
			t.Fatal(err)
		}
		e.user(t, "admin@example.it")
		_, err = e.svc.CompleteSetup(ctx, accounts.Setup{Token: token, Email: "x@example.it", Password: goodPassword, OrgName: "X"})
		if !errors.Is(err, accounts.ErrSetupDone) {
			t.Errorf("setup after a CLI user: %v", err)
		}
	})
}
