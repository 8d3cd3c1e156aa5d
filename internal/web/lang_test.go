package web_test

import (
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// switchLang posts the language switch from the page at next and returns
// where it sends the browser.
func switchLang(t *testing.T, b *browser, lang, next string) string {
	t.Helper()
	form := url.Values{"lang": {lang}, "next": {next}, "csrf": {b.csrf}}
	req, _ := http.NewRequest("POST", b.base+"/lang", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("switch from %q: %d", next, res.StatusCode)
	}
	return res.Header.Get("Location")
}

// land follows the switch's redirect (and the redirects of the page it
// lands on, such as the sign-in page's for a signed-in person) and
// returns the final status and content type.
func land(t *testing.T, b *browser, loc string) (int, string) {
	t.Helper()
	for range 5 {
		res, err := b.c.Get(b.base + loc)
		if err != nil {
			t.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther && res.StatusCode != http.StatusFound {
			return res.StatusCode, res.Header.Get("Content-Type")
		}
		loc = res.Header.Get("Location")
	}
	t.Fatalf("too many redirects from %q", loc)
	return 0, ""
}

// TestLanguageSwitchAfterPost, on both engines: the language switch of a
// page shown as the answer to a form (a refused one, say) whose address
// has no page returns to a page — the address itself when it has one,
// else the nearest page above it — never to a 404 or 405, for every form
// of the route table; addresses of other sites still go to "/".
func TestLanguageSwitchAfterPost(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testLanguageSwitchAfterPost(t, newSiteOn(t, e.Store, demo)) })
	}
}

func testLanguageSwitchAfterPost(t *testing.T, s *site) {
	ids := s.acmeIDs(t)
	b := s.browser(t).login("owner@acme.test") // an owner and an administrator: every page is theirs
	// Where some of the forms' switches land.
	want := map[string]string{
		"/products":                                            "/products",
		"/products/{product}/versions":                         "/products/{product}",
		"/versions/{version}/vex":                              "/versions/{version}", // the GET of the address is a download
		"/versions/{version}/upload":                           "/versions/{version}/upload",
		"/findings/analysis":                                   "/findings", // not a finding's id
		"/findings/{finding}/analysis/copy":                    "/findings/{finding}",
		"/settings/members/{user}/role":                        "/settings",
		"/settings/notifications/webhooks":                     "/settings/notifications",
		"/settings/notifications/emails/{subscription}/delete": "/settings/notifications",
		"/settings/api-keys/{key}/revoke":                      "/settings/api-keys",
		"/orgs":                                                "/",
		"/cases/{case}/awareness":                              "/cases/{case}",
		"/account/password":                                    "/account",
		"/lang":                                                "/",
	}
	posts := 0
	for _, rt := range s.web.Routes() {
		if rt.Method != http.MethodPost {
			continue
		}
		posts++
		path := fill(rt.Pattern, ids)
		if strings.Contains(path, "{") {
			t.Fatalf("no id for a wildcard of %s", rt.Pattern)
		}
		t.Run(rt.Pattern, func(t *testing.T) {
			for _, next := range []string{path, path + "?x=1"} {
				loc := switchLang(t, b, "it", next)
				if !strings.HasPrefix(loc, "/") || strings.HasPrefix(loc, "//") {
					t.Fatalf("from %q: sent to %q", next, loc)
				}
				if w, ok := want[rt.Pattern]; ok && strings.TrimSuffix(loc, "?x=1") != fill(w, ids) {
					t.Errorf("from %q: sent to %q, want %q", next, loc, fill(w, ids))
				}
				code, ctype := land(t, b, loc)
				if code != http.StatusOK || !strings.HasPrefix(ctype, "text/html") {
					t.Errorf("from %q: landed on %q: %d %s", next, loc, code, ctype)
				}
			}
		})
	}
	if posts < 30 {
		t.Fatalf("only %d POST routes in the table", posts)
	}

	// Pages that exist are returned to as they are, with their query.
	for next, wantLoc := range map[string]string{
		"/findings?severity=high&page=2": "/findings?severity=high&page=2",
		"/":                              "/",
		"/settings/notifications/":       "/settings/notifications",
		"/products/" + ids["product"] + "/nothing/here": "/products/" + ids["product"],
		"/findings/not-an-id":                           "/findings",
		"/nowhere":                                      "/",
		// Other sites, and what looks like them, are refused.
		"//evil.test/settings":          "/",
		"https://evil.test/settings":    "/",
		"/\\evil.test":                  "/",
		"javascript:alert(1)":           "/",
		"/%2f%2fevil.test":              "/",
		"/settings/..%2f..%2fevil.test": "/settings",
	} {
		if loc := switchLang(t, b, "en", next); loc != wantLoc {
			t.Errorf("from %q: sent to %q, want %q", next, loc, wantLoc)
		}
	}

	// End to end: a refused form's page carries its own address; the
	// switch on it lands on the form's page, in the other language.
	b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	for _, c := range []struct {
		page, action string
		form         url.Values
		land         string
	}{
		{"/settings/notifications", "/settings/notifications/webhooks",
			url.Values{"url": {"http://127.0.0.1/hook"}, "secret": {"a webhook secret of the tests"}, "format": {"rocca"}}, "/settings/notifications"},
		{"/settings/notifications", "/settings/notifications/emails", url.Values{"locale": {"en"}}, "/settings/notifications"},
		{"/products/new", "/products", url.Values{"name": {""}, "role": {"manufacturer"}}, "/products"},
		{"/products/" + ids["product"], "/products/" + ids["product"] + "/versions", url.Values{"name": {""}}, "/products/" + ids["product"]},
	} {
		b.get(c.page)
		code, body := b.post(c.action, c.form)
		if code != http.StatusBadRequest {
			t.Fatalf("%s: %d, want a refusal", c.action, code)
		}
		m := nextRe.FindStringSubmatch(body)
		if m == nil {
			t.Fatalf("%s: no language switch on the refusal", c.action)
		}
		b.csrf = csrfRe.FindStringSubmatch(body)[1]
		loc := switchLang(t, b, "it", html.UnescapeString(m[1]))
		if code, _ := land(t, b, loc); loc != c.land || code != http.StatusOK {
			t.Errorf("%s refused, then the switch: sent to %q (%d), want %q", c.action, loc, code, c.land)
		}
		b.post("/lang", url.Values{"lang": {"en"}, "next": {"/"}})
	}
}

var nextRe = regexp.MustCompile(`name="next" value="([^"]*)"`)
