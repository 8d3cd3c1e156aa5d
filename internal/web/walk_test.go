package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/cases"
	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/notify"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/web"
)

// acmeIDs are the ids of acme's rows that fill the routes' wildcards.
func (s *site) acmeIDs(t *testing.T) map[string]string {
	t.Helper()
	ctx := context.Background()
	comps, err := s.svc.Components(ctx, s.acme.ID, s.version.ID, "", 10)
	if err != nil || len(comps.Components) == 0 {
		t.Fatalf("components: %v", err)
	}
	fs, err := s.svc.OrgFindings(ctx, s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: 1}})
	if err != nil || len(fs.Findings) == 0 {
		t.Fatalf("findings: %v", err)
	}
	_, key, err := s.svc.CreateAPIKey(ctx, "acme", "walk")
	if err != nil {
		t.Fatal(err)
	}
	ms, _ := s.acc.Members(ctx, web.Principal{Org: web.Membership{OrgID: s.acme.ID}})
	user := ""
	for _, m := range ms {
		if m.Role == web.RoleViewer {
			user = m.UserID
		}
	}
	hooks, err := s.notify.Webhooks(ctx, s.acme.ID)
	if err != nil || len(hooks) == 0 {
		t.Fatalf("webhooks: %v", err)
	}
	mail, err := s.notify.CreateEmail(ctx, s.acme.ID, notify.EmailRequest{To: []string{"walk@acme.test"}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.cases.Create(ctx, s.acme.ID, cases.NewCase{Kind: "aev", Title: "Walk case", VulnIDs: []string{fs.Findings[0].VulnID},
		VersionIDs: []string{s.version.ID}, Actor: "walk"})
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"case": c.ID, "product": s.product.ID, "version": s.version.ID, "sbom": s.ingested.SBOM.ID,
		"component": comps.Components[0].ID, "finding": fs.Findings[0].ID, "key": key.ID, "user": user,
		"webhook": hooks[0].ID, "subscription": mail.ID}
}

// fill replaces a pattern's wildcards with ids.
func fill(pattern string, ids map[string]string) string {
	p := strings.TrimSuffix(pattern, "{$}")
	for k, v := range ids {
		p = strings.ReplaceAll(p, "{"+k+"}", v)
	}
	return p
}

// TestAuthorisationWalk tries every route of the table as nobody, as a
// viewer of acme, as an editor of acme and as the owner of another
// organisation (bolt) with acme's ids: nobody is sent to sign in, a role
// below the route's is refused (403), and bolt's owner finds nothing of
// acme (404), whatever the method. On both engines.
func TestAuthorisationWalk(t *testing.T) {
	onEngines(t, testAuthorisationWalk)
}

func testAuthorisationWalk(t *testing.T, s *site) {
	ids := s.acmeIDs(t)
	anon, viewer, editor, other := s.browser(t), s.browser(t).login("viewer@acme.test"),
		s.browser(t).login("editor@acme.test"), s.browser(t).login("owner@bolt.test")
	anon.get("/login")
	// Bodies that would pass the forms' own checks, so that a missing
	// authorisation check shows as a success, not a 400.
	forms := map[string]url.Values{
		"/products":          {"name": {"walk product"}, "role": {"manufacturer"}},
		"/settings/api-keys": {"label": {"walk"}},
		"/settings/members":  {"email": {"owner@bolt.test"}, "role": {"viewer"}},
		"/settings/notifications/webhooks": {"url": {"https://walk.example.com/hook"}, "secret": {"a secret of the walk test"},
			"format": {"rocca"}},
		"/settings/notifications/emails": {"to": {"walk@example.com"}, "locale": {"en"}},
		"/orgs":                          {"name": {"walk organisation"}},
		"/cases":                         {"type": {"si"}, "title": {"walk incident"}},
		"/cases/{case}/awareness":        {"at": {s.clock.Now().Add(-time.Hour).Format("2006-01-02T15:04")}, "reason": {"walk"}},
		"/cases/{case}/close":            {"reason": {"walk"}},
		"/cases/{case}/submission":       {"stage": {"early_warning"}, "already_provided": {"yes"}},
		"/settings/reporting":            {"legal_name": {"Walk S.r.l."}, "main": {"IT"}},
		"/products/{product}/reporting":  {"markets": {"IT"}},
		"/versions/{version}/lifecycle":  {"lifecycle": {"on_market"}},
	}
	for _, rt := range s.web.Routes() {
		if rt.Access == web.Public {
			continue
		}
		path := fill(rt.Pattern, ids)
		t.Run(rt.Method+" "+rt.Pattern, func(t *testing.T) {
			do := func(b *browser) int {
				if rt.Method == "GET" {
					code, _ := b.get(path)
					return code
				}
				f := url.Values{"name": {"x"}, "role": {"viewer"}, "lang": {"en"}, "org": {s.acme.ID}}
				for k, v := range forms[rt.Pattern] {
					f[k] = v
				}
				code, _ := b.post(path, f)
				return code
			}
			code := do(anon)
			if rt.Method == "GET" && code != http.StatusSeeOther || rt.Method == "POST" && code != http.StatusUnauthorized {
				t.Errorf("signed out: %d", code)
			}
			if rt.Access >= web.Editor {
				if code := do(viewer); code != http.StatusForbidden {
					t.Errorf("viewer: %d, want 403", code)
				}
			}
			if rt.Access >= web.Owner {
				if code := do(editor); code != http.StatusForbidden {
					t.Errorf("editor: %d, want 403", code)
				}
			}
			if rt.Access == web.Admin {
				// Only administrators of the installation: bolt's
				// owner, an owner but no administrator, is refused.
				if code := do(other); code != http.StatusForbidden {
					t.Errorf("owner who is no administrator: %d, want 403", code)
				}
			}
			if strings.Contains(strings.ReplaceAll(rt.Pattern, "{$}", ""), "{") {
				// 404 for what is not theirs; a membership change may
				// also be refused as such (403).
				if code := do(other); code != http.StatusNotFound && !(rt.Pattern == "/settings/members/{user}/role" && code == http.StatusForbidden) {
					t.Errorf("owner of another organisation: %d, want 404", code)
				}
			}
		})
	}
	// The org switch refuses an organisation the person is not in.
	if code, _ := other.post("/org", url.Values{"org": {s.acme.ID}}); code != http.StatusForbidden {
		t.Errorf("switch to another organisation: %d, want 403", code)
	}
}

// TestOtherOrgListsHideRows checks the lists of bolt's owner show none of
// acme's rows (the lists take the organisation from the session only).
func TestOtherOrgListsHideRows(t *testing.T) {
	s := newSite(t)
	other := s.browser(t).login("owner@bolt.test")
	for _, path := range []string{"/", "/products", "/findings?state=all", "/findings?product=" + s.product.ID} {
		code, body := other.get(path)
		if strings.Contains(body, "Linea HMI Gateway") || strings.Contains(body, s.version.ID) {
			t.Errorf("%s (%d) shows acme's product", path, code)
		}
	}
}

// TestCSRF refuses a signed-in post without the session's token or with
// another session's token, and a cross-origin post.
func TestCSRF(t *testing.T) {
	s := newSite(t)
	a, b := s.browser(t).login("editor@acme.test"), s.browser(t).login("owner@acme.test")
	form := url.Values{"name": {"csrf product"}, "role": {"manufacturer"}}
	for name, tok := range map[string]string{"none": "", "other session": b.csrf, "garbage": "x"} {
		f := url.Values{"csrf": {tok}}
		for k, v := range form {
			f[k] = v
		}
		if code, _ := a.post("/products", f); code != http.StatusForbidden {
			t.Errorf("%s: %d, want 403", name, code)
		}
	}
	req, _ := http.NewRequest("POST", s.URL+"/products", strings.NewReader(url.Values{"csrf": {a.csrf}, "name": {"x"}, "role": {"manufacturer"}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	res, err := a.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site post: %d, want 403", res.StatusCode)
	}
	if code, _ := a.post("/products", form); code != http.StatusSeeOther {
		t.Errorf("with the token: %d, want 303", code)
	}
	ps, _ := s.svc.Products(context.Background(), s.acme.ID)
	n := 0
	for _, p := range ps {
		if p.Name == "csrf product" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d products made, want 1 (the post with the token)", n)
	}
	_ = model.Product{}
}
