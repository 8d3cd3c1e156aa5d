package web_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/accounts"
	"github.com/rocca-project/rocca/internal/api"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil"
	"github.com/rocca-project/rocca/internal/web"
)

// realSite is the web application over the real accounts service (not
// the pages' fake), beside the REST API on the same database: what the
// browser does to passwords and API keys is what the server checks.
type realSite struct {
	web *httptest.Server
	api *httptest.Server
}

// newRealSite makes, on one engine, an administrator owner@acme.test
// (password) who owns the organisation acme.
func newRealSite(t *testing.T, dbURL string) *realSite {
	t.Helper()
	ctx := context.Background()
	st, err := sqlstore.Open(ctx, dbURL)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	log := slog.New(slog.DiscardHandler)
	psvc := portfolio.New(st, log, sbom.Limits{})
	asvc := accounts.New(st, psvc, log, accounts.Options{Argon2: accounts.Argon2Params{Memory: 64, Time: 1, Threads: 1}})
	if _, err := asvc.CreateUser(ctx, accounts.NewUser{Email: "owner@acme.test", Admin: true, Password: password}, accounts.ActorCLI); err != nil {
		t.Fatal(err)
	}
	res, err := asvc.Login(ctx, accounts.LoginRequest{Email: "owner@acme.test", Password: password, RemoteAddr: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := asvc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := asvc.CreateOrg(ctx, p, "acme", "192.0.2.1"); err != nil {
		t.Fatal(err)
	}
	w, err := web.New(web.Options{Portfolio: psvc, Accounts: web.AccountsOf(asvc), Log: log})
	if err != nil {
		t.Fatal(err)
	}
	s := &realSite{web: httptest.NewServer(w), api: httptest.NewServer(api.New(api.Options{Service: psvc, Log: log}))}
	t.Cleanup(s.web.Close)
	t.Cleanup(s.api.Close)
	return s
}

func (s *realSite) browser(t *testing.T) *browser {
	return (&site{Server: s.web}).browser(t)
}

// apiStatus is the status of GET /api/v1/products with the key.
func (s *realSite) apiStatus(t *testing.T, key string) int {
	t.Helper()
	req, _ := http.NewRequest("GET", s.api.URL+"/api/v1/products", nil)
	req.Header.Set("Authorization", "Bearer "+key)
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res.StatusCode
}

var (
	secretRe = regexp.MustCompile(`id="secret" type="text" readonly value="([^"]+)"`)
	revokeRe = regexp.MustCompile(`action="/settings/api-keys/([0-9a-f-]{36})/revoke"`)
)

// TestRevokeAPIKeyInBrowser, on both engines: a key created on the API
// keys page authenticates the REST API until it is revoked on the page;
// then the API refuses it (401) while another key of the organisation
// keeps working, and the page shows it revoked with no revoke button.
func TestRevokeAPIKeyInBrowser(t *testing.T) {
	for _, eng := range testutil.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			s := newRealSite(t, eng.URL)
			b := s.browser(t).login("owner@acme.test")
			b.get("/settings/api-keys")
			create := func(label string) string {
				t.Helper()
				code, body := b.post("/settings/api-keys", url.Values{"label": {label}})
				m := secretRe.FindStringSubmatch(body)
				if code != http.StatusOK || m == nil {
					t.Fatalf("create key %s: %d, no secret shown\n%s", label, code, body)
				}
				return m[1]
			}
			first, second := create("pipeline one"), create("pipeline two")
			// Which id is which: the keys are listed with their label.
			_, page := b.get("/settings/api-keys")
			i := strings.Index(page, "<td>pipeline one</td>")
			if i < 0 {
				t.Fatalf("pipeline one not listed\n%s", page)
			}
			m := revokeRe.FindStringSubmatch(page[i:])
			if m == nil {
				t.Fatalf("no revoke button for pipeline one\n%s", page)
			}
			firstID := m[1]
			for name, key := range map[string]string{"first": first, "second": second} {
				if code := s.apiStatus(t, key); code != http.StatusOK {
					t.Fatalf("%s key before revocation: %d, want 200", name, code)
				}
			}
			code, _ := b.post("/settings/api-keys/"+firstID+"/revoke", nil)
			if code != http.StatusSeeOther {
				t.Fatalf("revoke: %d, want 303", code)
			}
			if code := s.apiStatus(t, first); code != http.StatusUnauthorized {
				t.Errorf("revoked key: %d, want 401", code)
			}
			if code := s.apiStatus(t, second); code != http.StatusOK {
				t.Errorf("the other key after the revocation: %d, want 200", code)
			}
			_, page = b.get("/settings/api-keys?notice=revoked")
			if strings.Contains(page, "/settings/api-keys/"+firstID+"/revoke") || !strings.Contains(page, "Revoked on") {
				t.Errorf("the page does not show the key revoked\n%s", page)
			}
			// Revoking again, or an id that is no key, finds nothing.
			if code, _ := b.post("/settings/api-keys/00000000-0000-4000-8000-000000000000/revoke", nil); code != http.StatusNotFound {
				t.Errorf("revoke an unknown key: %d, want 404", code)
			}
		})
	}
}

// TestChangePasswordInBrowser, on both engines: a wrong current password
// is refused next to its field (in the person's language) and changes
// nothing; the right one changes it: the old password is then refused at
// login and the new one accepted, and the person's other sessions end.
func TestChangePasswordInBrowser(t *testing.T) {
	const next = "a brand new passphrase of the owner"
	for _, eng := range testutil.Engines(t) {
		t.Run(eng.Name, func(t *testing.T) {
			s := newRealSite(t, eng.URL)
			b := s.browser(t).login("owner@acme.test")
			other := s.browser(t).login("owner@acme.test")
			b.get("/account")

			wrong := url.Values{"old": {"not the password at all"}, "new": {next}, "new2": {next}}
			for _, lang := range []struct{ lang, want string }{{"en", "The current password is wrong."}, {"it", "La password attuale è errata."}} {
				b.post("/lang", url.Values{"lang": {lang.lang}, "next": {"/account"}})
				b.get("/account")
				code, body := b.post("/account/password", wrong)
				if msg, ok := errorOf(body, "old"); code != http.StatusBadRequest || !ok || msg != lang.want {
					t.Errorf("wrong current password (%s): %d, field error %q (described by it: %v), want %q\n%s", lang.lang, code, msg, ok, lang.want, body)
				}
			}
			b.post("/lang", url.Values{"lang": {"en"}, "next": {"/account"}})
			b.get("/account")
			if !canLogin(t, s, password) || canLogin(t, s, next) {
				t.Fatal("a refused change changed the password")
			}

			code, _ := b.post("/account/password", url.Values{"old": {password}, "new": {next}, "new2": {next}})
			if code != http.StatusSeeOther {
				t.Fatalf("change: %d, want 303", code)
			}
			if canLogin(t, s, password) {
				t.Error("the old password still signs in")
			}
			if !canLogin(t, s, next) {
				t.Error("the new password does not sign in")
			}
			if code, _ := b.get("/account"); code != http.StatusOK {
				t.Errorf("the session that changed the password: %d, want 200", code)
			}
			if code, _ := other.get("/account"); code != http.StatusSeeOther {
				t.Errorf("another session after the change: %d, want 303 (to sign in)", code)
			}
		})
	}
}

// canLogin tells whether owner@acme.test signs in with pw.
func canLogin(t *testing.T, s *realSite, pw string) bool {
	t.Helper()
	b := s.browser(t)
	b.get("/login")
	code, body := b.post("/login", url.Values{"email": {"owner@acme.test"}, "password": {pw}})
	switch code {
	case http.StatusSeeOther:
		return true
	case http.StatusUnauthorized:
		return false
	}
	t.Fatalf("login: %d\n%s", code, body)
	return false
}
