package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/testutil/demokb"
	"github.com/rocca-project/rocca/internal/web"
)

// TestPagesRender fetches every GET page of the table as acme's owner,
// in English and in Italian: each renders (200) with its language and
// without an untranslated key.
func TestPagesRender(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testPagesRender(t, newSiteOn(t, e.Store, demo)) })
	}
}

func testPagesRender(t *testing.T, s *site) {
	ids := s.acmeIDs(t)
	b := s.browser(t).login("owner@acme.test")
	extra := []string{"/findings?severity=high&kev=yes&fix=yes&epss=1&sort=epss&state=all&q=log4j", "/kb?q=CVE-2021-44228",
		"/kb?q=pkg:maven/org.apache.logging.log4j/log4j-core", "/products?q=linea", "/versions/" + s.version.ID + "/components?q=log4j"}
	for _, lang := range []string{"en", "it"} {
		b.get("/")
		if code, _ := b.post("/lang", url.Values{"lang": {lang}, "next": {"/"}}); code != http.StatusSeeOther {
			t.Fatalf("switch to %s: %d", lang, code)
		}
		var paths []string
		for _, rt := range s.web.Routes() {
			// (The draft's JSON and the user notice are not pages: TestDraftSubmission
			// and TestCaseViewer read them. The VEX export is a download: TestVEXPages.)
			if rt.Method == "GET" && rt.Pattern != "/login" && rt.Pattern != "/setup" && !strings.HasSuffix(rt.Pattern, ".json") &&
				!strings.HasSuffix(rt.Pattern, "/user-notice") && !strings.HasSuffix(rt.Pattern, "/vex") {
				paths = append(paths, fill(rt.Pattern, ids))
			}
		}
		for _, p := range append(paths, extra...) {
			code, body := b.get(p)
			if code != http.StatusOK {
				t.Errorf("%s %s: %d\n%.2000s", lang, p, code, body)
				continue
			}
			if !strings.Contains(body, `<html lang="`+lang+`">`) {
				t.Errorf("%s %s: not in %s", lang, p, lang)
			}
			for _, prefix := range []string{"nav.", "sev.", "form.", "findings.", "error.", "dashboard.", "role.", "lifecycle.", "event."} {
				if i := strings.Index(body, ">"+prefix); i >= 0 {
					t.Errorf("%s %s: untranslated key at %q", lang, p, body[i:min(len(body), i+40)])
				}
			}
		}
	}
	// Known contents: the finding of Log4Shell on the dashboard and in
	// the search; the dependency path on the component page.
	if _, body := b.get("/kb?q=CVE-2021-44228"); !strings.Contains(body, "CVE-2021-44228") {
		t.Error("knowledge-base search does not find CVE-2021-44228")
	}
	if _, body := b.get("/"); !strings.Contains(body, "CVE-2021-44228") || !strings.Contains(body, "<svg") ||
		!strings.Contains(body, "La base di conoscenza contiene 7 avvisi") {
		t.Error("dashboard lacks Log4Shell, the chart or the knowledge base's size")
	}
	if _, body := b.get("/settings/notifications"); !strings.Contains(body, "https://hooks.example.com/rocca") ||
		strings.Contains(body, "a webhook secret of the tests") {
		t.Error("notifications page lacks the webhook, or shows its secret")
	}
}

// TestSecurityHeaders checks the headers of a page, an error and an
// asset, and the session cookie's attributes (Secure only behind TLS).
func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	for _, p := range []string{"/login", "/no-such-page", "/static/app.css"} {
		res, err := http.Get(s.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		h := res.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"default-src 'self'", "script-src 'self'", "frame-ancestors 'none'", "form-action 'self'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", p, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") {
			t.Errorf("%s: CSP allows inline code", p)
		}
		if h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" {
			t.Errorf("%s: headers %v", p, h)
		}
	}
	res, _ := http.Get(s.URL + "/static/app.css")
	res.Body.Close()
	if !strings.Contains(res.Header.Get("Cache-Control"), "max-age") || res.Header.Get("ETag") == "" {
		t.Errorf("asset cache headers: %v", res.Header)
	}
	// Session cookie: HttpOnly, SameSite=Lax, not Secure over plain HTTP.
	b := s.browser(t)
	b.get("/login")
	form := url.Values{"email": {"owner@acme.test"}, "password": {password}, "csrf": {b.csrf}}
	req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	sc := strings.Join(res.Header.Values("Set-Cookie"), "\n")
	if !strings.Contains(sc, "rocca_session=") || !strings.Contains(sc, "HttpOnly") || !strings.Contains(sc, "SameSite=Lax") || strings.Contains(sc, "Secure") {
		t.Errorf("session cookie over HTTP: %s", sc)
	}
}

// TestLoginLogout covers a wrong password, sign-in, the return address
// and sign-out (the session no longer works).
func TestLoginLogout(t *testing.T) {
	s := newSite(t)
	b := s.browser(t)
	if code, _ := b.get("/findings"); code != http.StatusSeeOther {
		t.Fatalf("signed out: %d", code)
	}
	b.get("/login")
	code, body := b.post("/login", url.Values{"email": {"owner@acme.test"}, "password": {"wrong"}})
	if code != http.StatusUnauthorized || !strings.Contains(body, "Wrong e-mail address or password") {
		t.Errorf("wrong password: %d", code)
	}
	for _, next := range []string{"//evil.test/", "https://evil.test/"} {
		b2 := s.browser(t)
		b2.get("/login")
		req, _ := http.NewRequest("POST", s.URL+"/login", strings.NewReader(url.Values{"email": {"owner@acme.test"}, "password": {password},
			"csrf": {b2.csrf}, "next": {next}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		res, err := b2.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if loc := res.Header.Get("Location"); loc != "/" {
			t.Errorf("next %q: redirected to %q", next, loc)
		}
	}
	b.login("owner@acme.test")
	if code, _ := b.get("/findings"); code != http.StatusOK {
		t.Errorf("signed in: %d", code)
	}
	if code, _ := b.post("/logout", nil); code != http.StatusSeeOther {
		t.Errorf("logout: %d", code)
	}
	if code, _ := b.get("/findings"); code != http.StatusSeeOther {
		t.Errorf("after logout: %d", code)
	}
}

// TestLanguage defaults from Accept-Language and follows the switch.
func TestLanguage(t *testing.T) {
	s := newSite(t)
	req, _ := http.NewRequest("GET", s.URL+"/login", nil)
	req.Header.Set("Accept-Language", "it-IT,it;q=0.9,en;q=0.5")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	buf.ReadFrom(res.Body)
	res.Body.Close()
	if !strings.Contains(buf.String(), `lang="it"`) || !strings.Contains(buf.String(), "Accedi") {
		t.Error("Accept-Language it did not give Italian")
	}
	b := s.browser(t).login("viewer@acme.test")
	b.post("/lang", url.Values{"lang": {"it"}, "next": {"/products"}})
	if _, body := b.get("/products"); !strings.Contains(body, "Prodotti") {
		t.Error("switch to Italian did not apply")
	}
}

// brokenSBOM is a CycloneDX document the reader refuses: a component's
// name is a number (line 3, column 35).
const brokenSBOM = `{"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
 "components": [
  {"type": "library", "version": "1", "name": 3}
 ]}`

// TestCreateAndUpload creates a product and a version as an editor,
// uploads the demo SBOM (findings appear) and a broken one (its problems
// are listed with their lines).
func TestCreateAndUpload(t *testing.T) {
	s := newSite(t)
	b := s.browser(t).login("editor@acme.test")
	b.get("/products/new")
	code, _ := b.post("/products", url.Values{"name": {""}, "role": {"manufacturer"}})
	if code != http.StatusBadRequest {
		t.Errorf("empty name: %d", code)
	}
	code, _ = b.post("/products", url.Values{"name": {"Pressa PX"}, "role": {"manufacturer"}, "support_end": {"2031-12-31"}})
	if code != http.StatusSeeOther {
		t.Fatalf("create product: %d", code)
	}
	ps, _ := s.svc.Products(context.Background(), s.acme.ID)
	var pid string
	for _, p := range ps {
		if p.Name == "Pressa PX" {
			pid = p.ID
		}
	}
	b.get("/products/" + pid)
	if code, _ := b.post("/products/"+pid+"/versions", url.Values{"name": {"2.0"}, "lifecycle": {"on_market"}}); code != http.StatusSeeOther {
		t.Fatalf("create version: %d", code)
	}
	vs, _ := s.svc.Versions(context.Background(), s.acme.ID, pid)
	if len(vs) != 1 {
		t.Fatalf("versions: %v", vs)
	}
	upload := func(name string, doc []byte) (int, string) {
		b.get("/versions/" + vs[0].ID + "/upload")
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", b.csrf)
		fw, _ := mw.CreateFormFile("sbom", name)
		fw.Write(doc)
		mw.Close()
		req, _ := http.NewRequest("POST", s.URL+"/versions/"+vs[0].ID+"/upload", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var out bytes.Buffer
		out.ReadFrom(res.Body)
		return res.StatusCode, out.String()
	}
	code, body := upload("broken.cdx.json", []byte(brokenSBOM))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "broken.cdx.json") || !strings.Contains(body, "<td class=\"num\">3:") ||
		!strings.Contains(body, "components.name") {
		t.Errorf("broken SBOM: %d\n%.3000s", code, body)
	}
	code, body = upload("hmi.cdx.json", s.demo)
	if code != http.StatusOK || !strings.Contains(body, "/versions/"+vs[0].ID+"/findings") {
		t.Fatalf("upload: %d\n%.2000s", code, body)
	}
	if _, body := b.get("/versions/" + vs[0].ID + "/findings"); !strings.Contains(body, "CVE-2021-44228") {
		t.Error("the version's findings lack Log4Shell")
	}
}

// TestAddMemberAndSwitch: acme's owner adds bolt's owner to acme as a
// viewer (an unknown address is refused with a message); bolt's owner
// then switches to acme and sees its product, read-only.
func TestAddMemberAndSwitch(t *testing.T) {
	s := newSite(t)
	owner := s.browser(t).login("owner@acme.test")
	owner.get("/settings")
	code, body := owner.post("/settings/members", url.Values{"email": {"nobody@acme.test"}, "role": {"viewer"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "No account has this e-mail address") {
		t.Errorf("unknown address: %d", code)
	}
	if code, _ := owner.post("/settings/members", url.Values{"email": {"owner@bolt.test"}, "role": {"viewer"}}); code != http.StatusSeeOther {
		t.Fatalf("add member: %d", code)
	}
	other := s.browser(t).login("owner@bolt.test")
	if _, body := other.get("/products"); strings.Contains(body, "Linea HMI Gateway") {
		t.Fatal("bolt's products show acme's before switching")
	}
	if code, _ := other.post("/org", url.Values{"org": {s.acme.ID}}); code != http.StatusSeeOther {
		t.Fatalf("switch: %d", code)
	}
	if _, body := other.get("/products"); !strings.Contains(body, "Linea HMI Gateway") || strings.Contains(body, `href="/products/new"`) {
		t.Error("after switching to acme as a viewer: product missing or editing offered")
	}
}

// TestUploadTooLarge: an upload over the limit is refused as too large
// (413), not as an expired form.
func TestUploadTooLarge(t *testing.T) {
	s := newSite(t)
	small, err := web.New(web.Options{Portfolio: s.svc, Accounts: s.acc, MaxBOMBytes: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(small)
	defer srv.Close()
	b := s.browser(t)
	b.base = srv.URL
	b.login("editor@acme.test")
	b.get("/versions/" + s.version.ID + "/upload")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile("sbom", "big.json")
	fw.Write(bytes.Repeat([]byte(" "), 200<<10))
	mw.Close()
	req, _ := http.NewRequest("POST", srv.URL+"/versions/"+s.version.ID+"/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusRequestEntityTooLarge || !strings.Contains(string(out), "too large") {
		t.Errorf("oversized upload: %d", res.StatusCode)
	}
}
