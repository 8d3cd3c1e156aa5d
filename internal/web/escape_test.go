package web_test

import (
	"bytes"
	"context"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/web"
)

// escapeMarkup are what people may type to inject HTML, with the fragment that
// must never reach a page unescaped.
var escapeMarkup = []struct{ name, payload, raw string }{
	{"script", `<script>alert(1)</script>`, `<script>alert(1)`},
	{"attribute break-out", `"><img src=x onerror=alert(1)>`, `<img src=x onerror=alert(1)>`},
}

// TestEscaping, on both engines: markup typed into the fields people fill
// in — a product's name, a version's name, a case's title and statement,
// a triage decision's impact and detail, an organisation's name, and a
// member's e-mail address (the accounts service refuses such an address;
// the pages' fake accepts it, to check the members list escapes it) — is
// stored through the pages and then shown escaped on every page that
// shows it, never as markup. Webhook URLs are validated as URLs and
// cannot carry it.
func TestEscaping(t *testing.T) {
	onEngines(t, func(t *testing.T, s *site) {
		ctx := context.Background()
		owner, editor := s.browser(t).login("owner@acme.test"), s.browser(t).login("editor@acme.test")
		fs, err := s.svc.OrgFindings(ctx, s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{Limit: len(escapeMarkup)}})
		if err != nil || len(fs.Findings) < len(escapeMarkup) {
			t.Fatalf("findings: %d %v", len(fs.Findings), err)
		}
		for i, m := range escapeMarkup {
			t.Run(m.name, func(t *testing.T) {
				mustPost := func(b *browser, path string, f url.Values) {
					t.Helper()
					b.get(strings.Split(path, "?")[0])
					if code, body := b.post(path, f); code != http.StatusSeeOther {
						t.Fatalf("POST %s: %d\n%.2000s", path, code, body)
					}
				}
				// Stored through the pages.
				mustPost(editor, "/products", url.Values{"name": {m.payload}, "role": {"manufacturer"}})
				prodID := ""
				ps, _ := s.svc.Products(ctx, s.acme.ID)
				for _, p := range ps {
					if p.Name == m.payload {
						prodID = p.ID
					}
				}
				mustPost(editor, "/products/"+prodID+"/versions", url.Values{"name": {m.payload}, "lifecycle": {"on_market"}})
				vs, _ := s.svc.Versions(ctx, s.acme.ID, prodID)
				if prodID == "" || len(vs) != 1 || vs[0].Name != m.payload {
					t.Fatalf("product %q, versions %+v: not stored as typed", prodID, vs)
				}
				verID := vs[0].ID
				// An SBOM uploaded under a file name with markup (kept as
				// its base name: the server drops what precedes a slash),
				// then refused under the same name: its error page names it.
				if code, body := uploadNamed(t, editor, verID, m.payload+".cdx.json", s.demo); code != http.StatusOK {
					t.Fatalf("upload: %d\n%.2000s", code, body)
				} else {
					checkEscaped(t, "the upload", body, m.raw, "")
				}
				sboms, err := s.svc.SBOMs(ctx, s.acme.ID, verID)
				if err != nil || len(sboms) != 1 || !strings.Contains(sboms[0].Name, "script>") && !strings.Contains(sboms[0].Name, "<img") {
					t.Fatalf("SBOMs: %+v %v", sboms, err)
				}
				file := sboms[0].Name
				if code, body := uploadNamed(t, editor, verID, m.payload+".cdx.json", []byte(brokenSBOM)); code != http.StatusUnprocessableEntity {
					t.Fatalf("broken upload: %d\n%.2000s", code, body)
				} else {
					checkEscaped(t, "the refused upload", body, m.raw, file)
				}
				caseID := s.openCase(t, editor, url.Values{"type": {"si"}, "title": {m.payload}, "versions": {s.version.ID}})
				mustPost(editor, "/cases/"+caseID+"/statement", url.Values{"statement": {m.payload}, "owner": {""}})
				f := fs.Findings[i]
				mustPost(editor, "/findings/"+f.ID+"/analysis", url.Values{"status": {"not_affected"},
					"justification": {"vulnerable_code_not_in_execute_path"}, "impact": {"impact " + m.payload},
					"detail": {"detail " + m.payload}, "scope": {"version"}})
				s.acc.add(m.payload+"@acme.test", password, web.Membership{OrgID: s.acme.ID, OrgName: "acme", Role: web.RoleViewer})
				orgOwner := s.browser(t).login("owner@acme.test")
				mustPost(orgOwner, "/orgs", url.Values{"name": {m.payload}})

				// Each page, who looks at it and what it must show escaped.
				pages := []struct {
					who  *browser
					path string
					want []string // field names whose escaped value the page shows
				}{
					{owner, "/", []string{"organisation", "product"}},
					{owner, "/products", []string{"product"}},
					{owner, "/products/" + prodID, []string{"product", "version"}},
					{owner, "/versions/" + verID, []string{"product", "version", "file"}},
					{owner, "/sboms/" + sboms[0].ID, []string{"product", "version", "file"}},
					{owner, "/versions/" + verID + "/components", []string{"version"}},
					{owner, "/versions/" + verID + "/findings", []string{"version"}},
					{owner, "/findings?state=all", []string{"product"}},
					{owner, "/findings/" + f.ID, []string{"impact", "detail"}},
					{owner, "/cases", []string{"case title"}},
					{owner, "/cases/" + caseID, []string{"case title", "statement"}},
					{owner, "/cases/" + caseID + "/draft", []string{"case title"}},
					{owner, "/cases/" + caseID + "/draft/print", []string{"case title"}},
					{owner, "/settings", []string{"member"}},
					{owner, "/account", []string{"organisation"}},
					{orgOwner, "/", []string{"organisation"}},
					{orgOwner, "/settings", []string{"organisation"}},
					{orgOwner, "/account", []string{"organisation"}},
				}
				// The text each field holds.
				wants := map[string]string{"product": m.payload, "version": m.payload, "case title": m.payload, "statement": m.payload,
					"impact": "impact " + m.payload, "detail": "detail " + m.payload, "member": m.payload + "@acme.test",
					"organisation": m.payload, "file": file}
				for _, pg := range pages {
					code, body := pg.who.get(pg.path)
					if code != http.StatusOK {
						t.Errorf("GET %s: %d", pg.path, code)
						continue
					}
					for _, field := range pg.want {
						checkEscaped(t, "GET "+pg.path+" ("+field+")", body, m.raw, wants[field])
					}
					if len(pg.want) == 0 {
						checkEscaped(t, "GET "+pg.path, body, m.raw, "")
					}
				}
			})
		}
	})
}

// checkEscaped fails when body holds the markup fragment raw, or lacks
// the HTML-escaped form of text (when text is not empty).
func checkEscaped(t *testing.T, what, body, raw, text string) {
	t.Helper()
	if i := strings.Index(body, raw); i >= 0 {
		t.Errorf("%s shows the markup unescaped: …%s…", what, body[max(0, i-200):min(len(body), i+100)])
	}
	if text != "" && !strings.Contains(body, html.EscapeString(text)) {
		t.Errorf("%s does not show %s escaped (%s)", what, text, html.EscapeString(text))
	}
}

// uploadNamed posts an SBOM file on the version's upload page.
func uploadNamed(t *testing.T, b *browser, versionID, name string, doc []byte) (int, string) {
	t.Helper()
	b.get("/versions/" + versionID + "/upload")
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	mw.WriteField("csrf", b.csrf)
	fw, _ := mw.CreateFormFile("sbom", name)
	fw.Write(doc)
	mw.Close()
	req, _ := http.NewRequest("POST", b.base+"/versions/"+versionID+"/upload", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	res, err := b.c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(out)
}
