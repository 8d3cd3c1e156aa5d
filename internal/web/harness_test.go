package web_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/portfolio"
	"github.com/rocca-project/rocca/internal/sbom"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/store/sqlstore"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/triage"
	"github.com/rocca-project/rocca/internal/vexchange"
	"github.com/rocca-project/rocca/internal/web"
)

// fakeAccounts is an in-memory web.Accounts for the page tests: users
// with a password and memberships, sessions with a CSRF secret and a
// current organisation.
type fakeAccounts struct {
	mu       sync.Mutex
	users    map[string]*fakeUser // by e-mail
	sessions map[string]*fakeSession
	n        int
	svc      *portfolio.Service
}

type fakeUser struct {
	id, email, password, lang string
	orgs                      []web.Membership
	admin                     bool
}

type fakeSession struct {
	user *fakeUser
	org  string
}

func newFakeAccounts() *fakeAccounts {
	return &fakeAccounts{users: map[string]*fakeUser{}, sessions: map[string]*fakeSession{}}
}

// add creates a user with memberships.
func (f *fakeAccounts) add(email, password string, ms ...web.Membership) *fakeUser {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.n++
	u := &fakeUser{id: fmt.Sprintf("00000000-0000-4000-8000-%012d", f.n), email: email, password: password, orgs: ms}
	f.users[email] = u
	return u
}

func (f *fakeAccounts) Login(_ context.Context, email, password, _ string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[email]
	if !ok || u.password != password {
		return "", web.ErrBadLogin
	}
	f.n++
	tok := fmt.Sprintf("session-%d", f.n)
	s := &fakeSession{user: u}
	if len(u.orgs) > 0 {
		s.org = u.orgs[0].OrgID
	}
	f.sessions[tok] = s
	return tok, nil
}

func (f *fakeAccounts) Session(_ context.Context, token string) (web.Principal, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[token]
	if !ok {
		return web.Principal{}, web.ErrNoSession
	}
	p := web.Principal{UserID: s.user.id, Email: s.user.email, Lang: s.user.lang, CSRFSecret: []byte("secret of " + token),
		Orgs: s.user.orgs, Admin: s.user.admin}
	for _, m := range s.user.orgs {
		if m.OrgID == s.org {
			p.Org = m
		}
	}
	return p, nil
}

func (f *fakeAccounts) Logout(_ context.Context, token, _ string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, token)
	return nil
}

func (f *fakeAccounts) SwitchOrg(_ context.Context, p web.Principal, orgID string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	s, ok := f.sessions[p.Token]
	if !ok {
		return web.ErrNoSession
	}
	for _, m := range s.user.orgs {
		if m.OrgID == orgID {
			s.org = orgID
			return nil
		}
	}
	return web.ErrForbidden
}

func (f *fakeAccounts) SetLanguage(_ context.Context, p web.Principal, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.id == p.UserID {
			u.lang = lang
		}
	}
	return nil
}

func (f *fakeAccounts) NeedsSetup(context.Context) (bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.users) == 0, nil
}

func (f *fakeAccounts) Setup(context.Context, web.SetupForm) (string, error) {
	return "", web.ErrBadSetupToken
}

func (f *fakeAccounts) APIKeys(ctx context.Context, p web.Principal) ([]model.APIKey, error) {
	if !p.IsOwner() {
		return nil, web.ErrForbidden
	}
	return f.svc.APIKeys(ctx, p.Org.OrgName)
}

func (f *fakeAccounts) CreateAPIKey(ctx context.Context, p web.Principal, label string) (string, model.APIKey, error) {
	if !p.IsOwner() {
		return "", model.APIKey{}, web.ErrForbidden
	}
	return f.svc.CreateAPIKey(ctx, p.Org.OrgName, label)
}

func (f *fakeAccounts) RevokeAPIKey(ctx context.Context, p web.Principal, id string) error {
	ks, err := f.APIKeys(ctx, p)
	if err != nil {
		return err
	}
	for _, k := range ks {
		if k.ID == id {
			return f.svc.RevokeAPIKey(ctx, id)
		}
	}
	return store.ErrNotFound
}

func (f *fakeAccounts) Members(_ context.Context, p web.Principal) ([]web.Member, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []web.Member
	for _, u := range f.users {
		for _, m := range u.orgs {
			if m.OrgID == p.Org.OrgID {
				out = append(out, web.Member{UserID: u.id, Email: u.email, Role: m.Role})
			}
		}
	}
	return out, nil
}

func (f *fakeAccounts) AddMember(_ context.Context, p web.Principal, email string, role web.Role) error {
	if p.Org.Role != web.RoleOwner {
		return web.ErrForbidden
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[email]
	if !ok {
		return store.ErrNotFound
	}
	for _, m := range u.orgs {
		if m.OrgID == p.Org.OrgID {
			return store.ErrConflict
		}
	}
	u.orgs = append(u.orgs, web.Membership{OrgID: p.Org.OrgID, OrgName: p.Org.OrgName, Role: role})
	return nil
}

func (f *fakeAccounts) SetRole(_ context.Context, p web.Principal, userID string, role web.Role) error {
	if p.Org.Role != web.RoleOwner {
		return web.ErrForbidden
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.id == userID {
			for i := range u.orgs {
				if u.orgs[i].OrgID == p.Org.OrgID {
					u.orgs[i].Role = role
					return nil
				}
			}
		}
	}
	return web.ErrForbidden
}

func (f *fakeAccounts) RemoveMember(_ context.Context, p web.Principal, userID string) error {
	if p.Org.Role != web.RoleOwner {
		return web.ErrForbidden
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	owners := 0
	var target *fakeUser
	for _, u := range f.users {
		for _, m := range u.orgs {
			if m.OrgID == p.Org.OrgID && m.Role == web.RoleOwner {
				owners++
			}
			if m.OrgID == p.Org.OrgID && u.id == userID {
				target = u
			}
		}
	}
	if target == nil {
		return store.ErrNotFound
	}
	kept := target.orgs[:0:0]
	for _, m := range target.orgs {
		if m.OrgID == p.Org.OrgID {
			if m.Role == web.RoleOwner && owners == 1 {
				return web.ErrLastOwner
			}
			continue
		}
		kept = append(kept, m)
	}
	target.orgs = kept
	return nil
}

func (f *fakeAccounts) CreateOrg(ctx context.Context, p web.Principal, name string) (web.Membership, error) {
	o, err := f.svc.CreateOrg(ctx, name)
	if err != nil {
		return web.Membership{}, err
	}
	m := web.Membership{OrgID: o.ID, OrgName: o.Name, Role: web.RoleOwner}
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, u := range f.users {
		if u.id == p.UserID {
			u.orgs = append(u.orgs, m)
		}
	}
	if s, ok := f.sessions[p.Token]; ok {
		s.org = o.ID
	}
	return m, nil
}

func (f *fakeAccounts) ChangePassword(_ context.Context, p web.Principal, old, nw string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := f.users[p.Email]
	if u == nil || u.password != old {
		return web.ErrBadLogin
	}
	u.password = nw
	return nil
}

// site is the web application over a database with the demo knowledge
// base, two organisations (acme with a product, a version and the demo
// SBOM; bolt with a product of its own) and four people: an owner, an
// editor and a viewer of acme, and an owner of bolt.
type site struct {
	*httptest.Server
	web      *web.Web
	svc      *portfolio.Service
	tri      *triage.Service
	acc      *fakeAccounts
	acme     model.Organisation
	bolt     model.Organisation
	product  model.Product
	version  model.Version
	boltProd model.Product
	boltVer  model.Version
	demo     []byte
	ingested portfolio.IngestResult
	cases    *cases.Service
	clock    *fakeClock
	notify   *notify.Service
}

// nopMailer accepts every e-mail (the pages only create subscriptions).
type nopMailer struct{}

func (nopMailer) Send(context.Context, notify.Mail) (int, error) { return 250, nil }

// fakeClock is the injected clock of the web application and the
// reporting use cases: it starts at the minute the site is made and
// moves only when a test moves it.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

const password = "correct horse battery staple"

func newSite(t testing.TB) *site {
	t.Helper()
	es, demo := demokb.Open(t)
	return newSiteOn(t, es[0].Store, demo)
}

func newSiteOn(t testing.TB, st *sqlstore.Store, demo []byte) *site {
	t.Helper()
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	svc := portfolio.New(st, log, sbom.Limits{})
	q := portfolio.NewQueue(svc, 2, 16, 0)
	t.Cleanup(func() { _ = q.Shutdown(context.Background()) })
	s := &site{svc: svc, tri: triage.New(st, log, nil), acc: newFakeAccounts(), demo: demo}
	s.acc.svc = svc
	var err error
	if s.acme, err = svc.CreateOrg(ctx, "acme"); err != nil {
		t.Fatal(err)
	}
	if s.bolt, err = svc.CreateOrg(ctx, "bolt"); err != nil {
		t.Fatal(err)
	}
	s.acc.add("owner@acme.test", password, web.Membership{OrgID: s.acme.ID, OrgName: "acme", Role: web.RoleOwner}).admin = true
	s.acc.add("editor@acme.test", password, web.Membership{OrgID: s.acme.ID, OrgName: "acme", Role: web.RoleEditor})
	s.acc.add("viewer@acme.test", password, web.Membership{OrgID: s.acme.ID, OrgName: "acme", Role: web.RoleViewer})
	s.acc.add("owner@bolt.test", password, web.Membership{OrgID: s.bolt.ID, OrgName: "bolt", Role: web.RoleOwner})
	s.product = model.Product{Name: "Linea HMI Gateway", Role: model.RoleManufacturer}
	if err := svc.CreateProduct(ctx, s.acme.ID, &s.product); err != nil {
		t.Fatal(err)
	}
	s.version = model.Version{ProductID: s.product.ID, Name: "4.2.0", Lifecycle: model.LifecycleOnMarket}
	if err := svc.CreateVersion(ctx, s.acme.ID, &s.version); err != nil {
		t.Fatal(err)
	}
	if s.ingested, err = svc.Ingest(ctx, s.acme.ID, s.version.ID, demokb.WithGraph(demo), "hmi.cdx.json"); err != nil {
		t.Fatal(err)
	}
	s.boltProd = model.Product{Name: "Bolt Controller", Role: model.RoleManufacturer}
	if err := svc.CreateProduct(ctx, s.bolt.ID, &s.boltProd); err != nil {
		t.Fatal(err)
	}
	s.boltVer = model.Version{ProductID: s.boltProd.ID, Name: "1.0", Lifecycle: model.LifecycleOnMarket}
	if err := svc.CreateVersion(ctx, s.bolt.ID, &s.boltVer); err != nil {
		t.Fatal(err)
	}
	if _, err = svc.Ingest(ctx, s.bolt.ID, s.boltVer.ID, demo, "bolt.cdx.json"); err != nil {
		t.Fatal(err)
	}
	wlog := log
	if testing.Verbose() {
		wlog = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	}
	n := notify.New(st, http.DefaultClient, log, nil).WithMailer(nopMailer{}).RefusingLoopback()
	s.notify = n
	if _, err := n.CreateWebhook(ctx, s.acme.ID, notify.WebhookRequest{URL: "https://hooks.example.com/rocca", Secret: "a webhook secret of the tests",
		Events: []string{"finding.new", "finding.exploited"}}); err != nil {
		t.Fatal(err)
	}
	s.clock = &fakeClock{t: time.Now().UTC().Truncate(time.Minute)}
	if s.cases, err = cases.New(st, log, cases.Options{Now: s.clock.Now}); err != nil {
		t.Fatal(err)
	}
	s.web, err = web.New(web.Options{Portfolio: svc, Queue: q, Accounts: s.acc, Triage: s.tri, VEX: vexchange.New(st, s.tri, log, nil), Notify: n, KBStats: st.Stats, Log: wlog,
		Cases: s.cases, NotAffected: s.cases.NotAffectedVia(s.tri), Now: s.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	s.Server = httptest.NewServer(s.web)
	t.Cleanup(s.Close)
	return s
}

// browser is an HTTP client with a cookie jar that does not follow
// redirects.
type browser struct {
	t    testing.TB
	base string
	c    *http.Client
	csrf string
}

func (s *site) browser(t testing.TB) *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{t: t, base: s.URL, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// get fetches a page and remembers its form token.
func (b *browser) get(path string) (int, string) {
	b.t.Helper()
	res, err := b.c.Get(b.base + path)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	if m := csrfRe.FindSubmatch(body); m != nil {
		b.csrf = string(m[1])
	}
	return res.StatusCode, string(body)
}

// post submits a form with the remembered token (unless it sets csrf).
func (b *browser) post(path string, form url.Values) (int, string) {
	b.t.Helper()
	if form == nil {
		form = url.Values{}
	}
	if _, ok := form["csrf"]; !ok {
		form.Set("csrf", b.csrf)
	}
	req, _ := http.NewRequest("POST", b.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	body, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(body)
}

// login signs in as email and fails the test otherwise.
func (b *browser) login(email string) *browser {
	b.t.Helper()
	b.get("/login")
	code, body := b.post("/login", url.Values{"email": {email}, "password": {password}})
	if code != http.StatusSeeOther {
		b.t.Fatalf("login %s: %d\n%s", email, code, body)
	}
	b.get("/")
	return b
}
