package web_test

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/rocca-project/rocca/internal/model"
	"github.com/rocca-project/rocca/internal/store"
	"github.com/rocca-project/rocca/internal/testutil/demokb"
)

// versionFindings returns the open findings of a version, most urgent
// first.
func (s *site) versionFindings(t *testing.T, versionID string) []store.OrgFinding {
	t.Helper()
	page, err := s.svc.OrgFindings(context.Background(), s.acme.ID, store.OrgFindingQuery{FindingQuery: store.FindingQuery{
		VersionID: versionID, State: model.FindingOpen, Limit: 500}})
	if err != nil {
		t.Fatal(err)
	}
	return page.Findings
}

// TestTriagePages, on both engines: an editor records a decision on a
// finding's page and sees it with its origin and in the history; a
// refused statement names its field; a viewer sees no form and is
// refused (403); another organisation's owner finds nothing (404); a
// decision of another version is offered and copied; the dashboard
// counts a not_affected finding as triaged, not as open; the list shows
// and filters the effective status; a selection and a filter are
// triaged in bulk, the filter after a confirmation with the count.
func TestTriagePages(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testTriagePages(t, newSiteOn(t, e.Store, demo)) })
	}
}

func testTriagePages(t *testing.T, s *site) {
	ctx := context.Background()
	fs := s.versionFindings(t, s.version.ID)
	if len(fs) < 4 {
		t.Fatalf("%d findings, want at least 4", len(fs))
	}
	f := fs[0]
	page := "/findings/" + f.ID
	ed := s.browser(t).login("editor@acme.test")
	before, err := s.svc.Dashboard(ctx, s.acme.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}

	// The editor's form; a refused statement (affected without an action).
	code, body := ed.get(page)
	if code != http.StatusOK || !strings.Contains(body, `action="/findings/`+f.ID+`/analysis"`) || !strings.Contains(body, "Nobody has analysed") {
		t.Fatalf("finding page: %d, form or untriaged state missing", code)
	}
	code, body = ed.post(page+"/analysis", url.Values{"status": {"affected"}, "scope": {"version"}})
	if code != http.StatusBadRequest || !strings.Contains(body, "needs an action statement") || !strings.Contains(body, `id="t-action-error"`) {
		t.Errorf("affected without action: %d\n%.1500s", code, body)
	}
	code, _ = ed.post(page+"/analysis", url.Values{"status": {"not_affected"}, "justification": {"vulnerable_code_not_in_execute_path"},
		"impact": {"The HMI never parses <untrusted> lookups."}, "response": {"will_not_fix"}, "scope": {"version"}, "review_date": {"2031-01-31"}})
	if code != http.StatusSeeOther {
		t.Fatalf("record: %d", code)
	}
	_, body = ed.get(page + "?notice=triaged")
	for _, want := range []string{"The decision has been recorded.", "Vulnerable code not in execute path", "editor@acme.test",
		"decided on this finding; applies to: This version", "Analysis changed", "The HMI never parses &lt;untrusted&gt; lookups.", "Will not fix", "31 Jan 2031", `class="badge astatus not_affected">Not affected`} {
		if !strings.Contains(body, want) {
			t.Errorf("finding page after the decision lacks %q", want)
			if i := strings.Index(body, `<main`); i >= 0 {
				t.Logf("%s", body[i:min(len(body), i+3000)])
			}
		}
	}

	// The dashboard: the not_affected finding is triaged, not open.
	after, err := s.svc.Dashboard(ctx, s.acme.ID, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if open := func(d []model.FindingCount) (n int) {
		for _, c := range d {
			n += c.N
		}
		return n
	}; open(after.Counts) != open(before.Counts)-1 || after.Triaged != before.Triaged+1 {
		t.Errorf("dashboard: open %d → %d, triaged %d → %d; want one fewer open, one more triaged",
			open(before.Counts), open(after.Counts), before.Triaged, after.Triaged)
	}
	for _, top := range after.Top {
		if top.ID == f.ID {
			t.Error("the not_affected finding is still among the most urgent")
		}
	}
	if _, body := ed.get("/"); !strings.Contains(body, "1 more is triaged as not affected or fixed") {
		t.Error("dashboard does not show the triaged finding")
	}

	// A viewer: no form, refused; another organisation: not found.
	vw := s.browser(t).login("viewer@acme.test")
	if _, body := vw.get(page); strings.Contains(body, "/analysis\"") || !strings.Contains(body, "Not affected") {
		t.Error("viewer: form shown or decision not shown")
	}
	form := func() url.Values {
		return url.Values{"status": {"affected"}, "action": {"update"}, "scope": {"version"}}
	}
	if code, _ := vw.post(page+"/analysis", form()); code != http.StatusForbidden {
		t.Errorf("viewer records: %d, want 403", code)
	}
	ot := s.browser(t).login("owner@bolt.test")
	if code, body := ot.post(page+"/analysis", form()); code != http.StatusNotFound {
		t.Errorf("other organisation records: %d, want 404 %s", code, body[strings.Index(body, "<main"):])
	}
	if code, _ := ot.get(page); code != http.StatusNotFound {
		t.Errorf("other organisation reads: %d, want 404", code)
	}
	if _, body := ed.get(page); strings.Count(body, "<td>editor@acme.test</td>") != 1 {
		t.Error("history: want exactly the editor's one decision")
	}

	// Another version with the same SBOM: the decision is offered there
	// and copied.
	v2 := model.Version{ProductID: s.product.ID, Name: "4.3.0", Lifecycle: model.LifecycleOnMarket}
	if err := s.svc.CreateVersion(ctx, s.acme.ID, &v2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Ingest(ctx, s.acme.ID, v2.ID, demokb.WithGraph(s.demo), "hmi.cdx.json"); err != nil {
		t.Fatal(err)
	}
	var twin string
	for _, g := range s.versionFindings(t, v2.ID) {
		if g.VulnID == f.VulnID && g.ComponentKey == f.ComponentKey {
			twin = g.ID
		}
	}
	if twin == "" {
		t.Fatal("no finding of the same vulnerability in the new version")
	}
	_, body = ed.get("/findings/" + twin)
	if !strings.Contains(body, "Decisions in other versions and products") || !strings.Contains(body, "Linea HMI Gateway 4.2.0") {
		t.Fatalf("related decision not offered:\n%.3000s", body)
	}
	cur, err := s.tri.Analysis(ctx, s.acme.ID, f.ID)
	if err != nil || cur.Current == nil {
		t.Fatal(err)
	}
	if code, _ := ed.post("/findings/"+twin+"/analysis/copy", url.Values{"from": {cur.Current.ID}, "scope": {"version"}}); code != http.StatusSeeOther {
		t.Fatalf("copy: %d", code)
	}
	got, err := s.tri.Analysis(ctx, s.acme.ID, twin)
	if err != nil || got.Current == nil || got.Current.Status != model.StatusNotAffected || got.Current.Source != "copy:"+cur.Current.ID {
		t.Errorf("copied decision: %+v, %v", got.Current, err)
	}

	// The list: the status column and the filter.
	list := "/versions/" + s.version.ID + "/findings"
	if _, body := ed.get(list + "?analysis=not_affected"); !strings.Contains(body, f.ID) || strings.Contains(body, fs[1].ID) {
		t.Error("filter not_affected: wrong findings")
	}
	if _, body := ed.get(list + "?analysis=actionable"); strings.Contains(body, `value="`+f.ID+`"`) || !strings.Contains(body, fs[1].ID) {
		t.Error("filter actionable: wrong findings")
	}
	if _, body := vw.get(list); strings.Contains(body, `name="id"`) || !strings.Contains(body, "Untriaged") {
		t.Error("viewer's list: selection offered, or the untriaged status missing")
	}

	// Bulk: a selection of two.
	ed.get(list)
	code, _ = ed.post("/findings/analysis", url.Values{"list": {list}, "target": {"selected"}, "id": {fs[1].ID, fs[2].ID},
		"status": {"fixed"}, "scope": {"version"}})
	if code != http.StatusSeeOther {
		t.Fatalf("bulk selection: %d", code)
	}
	_, body = ed.get(list + "?analysis=fixed")
	if !strings.Contains(body, fs[1].ID) || !strings.Contains(body, fs[2].ID) || strings.Contains(body, fs[3].ID) {
		t.Error("bulk selection: the list of fixed findings is wrong")
	}
	if code, _ := vw.post("/findings/analysis", url.Values{"list": {list}, "id": {fs[3].ID}, "status": {"fixed"}}); code != http.StatusForbidden {
		t.Errorf("viewer bulk: %d, want 403", code)
	}
	if code, _ := ot.post("/findings/analysis", url.Values{"list": {list}, "id": {fs[3].ID}, "status": {"fixed"}}); code != http.StatusNotFound {
		t.Errorf("other organisation bulk: %d, want 404", code)
	}
	if code, _ := ed.post("/findings/analysis", url.Values{"list": {list}, "target": {"selected"}, "status": {"fixed"}}); code != http.StatusBadRequest {
		t.Errorf("bulk without selection: %d, want 400", code)
	}

	// Bulk: every finding the filter selects, after the confirmation.
	untriaged := 0
	for _, g := range s.versionFindings(t, s.version.ID) {
		if g.Analysis == nil {
			untriaged++
		}
	}
	filtered := list + "?analysis=none"
	bulk := url.Values{"list": {filtered}, "target": {"filter"}, "status": {"under_investigation"}, "scope": {"version"}}
	code, body = ed.post("/findings/analysis", bulk)
	if code != http.StatusOK || !strings.Contains(body, strconv.Itoa(untriaged)+" findings match the filters.") {
		t.Fatalf("confirmation: %d, want %d findings\n%.2000s", code, untriaged, body)
	}
	bulk.Set("confirm", strconv.Itoa(untriaged))
	if code, _ := ed.post("/findings/analysis", bulk); code != http.StatusSeeOther {
		t.Fatalf("bulk filter: %d", code)
	}
	if _, body := ed.get(filtered); !strings.Contains(body, "No finding matches these filters") {
		t.Error("untriaged findings remain after the bulk triage by filter")
	}
	if _, body := ed.get(list + "?analysis=under_investigation"); strings.Count(body, `name="id"`) != untriaged {
		t.Errorf("under investigation: want %d rows", untriaged)
	}
}

// TestVEXPages, on both engines: a viewer downloads the version's VEX
// document with a recorded decision in it and is offered no import; an
// editor imports that document into another version (the statement
// applies, the decision is recorded there), and a malformed document is
// refused with nothing recorded; another organisation finds neither.
func TestVEXPages(t *testing.T) {
	es, demo := demokb.Open(t)
	for _, e := range es {
		t.Run(e.Name, func(t *testing.T) { testVEXPages(t, newSiteOn(t, e.Store, demo)) })
	}
}

func testVEXPages(t *testing.T, s *site) {
	ctx := context.Background()
	f := s.versionFindings(t, s.version.ID)[0]
	ed := s.browser(t).login("editor@acme.test")
	ed.get("/findings/" + f.ID)
	if code, _ := ed.post("/findings/"+f.ID+"/analysis", url.Values{"status": {"not_affected"},
		"justification": {"component_not_present"}, "scope": {"version"}}); code != http.StatusSeeOther {
		t.Fatalf("record: %d", code)
	}
	vw := s.browser(t).login("viewer@acme.test")
	if _, body := vw.get("/versions/" + s.version.ID); !strings.Contains(body, "?format=csaf") || strings.Contains(body, `name="vex"`) {
		t.Error("viewer's version page: no export link, or the import form")
	}
	res, err := vw.c.Get(s.URL + "/versions/" + s.version.ID + "/vex?format=openvex")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK || !strings.Contains(res.Header.Get("Content-Disposition"), "attachment") ||
		!strings.Contains(string(doc), f.VulnID) || !strings.Contains(string(doc), "component_not_present") {
		t.Fatalf("export: %d %q\n%.1000s", res.StatusCode, res.Header.Get("Content-Disposition"), doc)
	}
	ot := s.browser(t).login("owner@bolt.test")
	if code, _ := ot.get("/versions/" + s.version.ID + "/vex"); code != http.StatusNotFound {
		t.Errorf("other organisation exports: %d, want 404", code)
	}

	// Import into another version with the same SBOM.
	v2 := model.Version{ProductID: s.product.ID, Name: "4.3.0", Lifecycle: model.LifecycleOnMarket}
	if err := s.svc.CreateVersion(ctx, s.acme.ID, &v2); err != nil {
		t.Fatal(err)
	}
	if _, err := s.svc.Ingest(ctx, s.acme.ID, v2.ID, demokb.WithGraph(s.demo), "hmi.cdx.json"); err != nil {
		t.Fatal(err)
	}
	upload := func(b *browser, name string, content []byte) (int, string) {
		b.get("/versions/" + v2.ID)
		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		mw.WriteField("csrf", b.csrf)
		mw.WriteField("scope", "version")
		fw, _ := mw.CreateFormFile("vex", name)
		fw.Write(content)
		mw.Close()
		req, _ := http.NewRequest("POST", s.URL+"/versions/"+v2.ID+"/vex", &body)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		res, err := b.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		out, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(out)
	}
	code, body := upload(ed, "broken.openvex.json", []byte(`{"@context": "https://openvex.dev/ns/v0.2.0", "statements": [`))
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "was not imported; nothing was recorded") {
		t.Errorf("malformed document: %d\n%.2000s", code, body)
	}
	if code, _ := upload(vw, "acme.openvex.json", doc); code != http.StatusForbidden {
		t.Errorf("viewer imports: %d, want 403", code)
	}
	code, body = upload(ed, "acme.openvex.json", doc)
	if code != http.StatusOK || !strings.Contains(body, "Applied statements") || !strings.Contains(body, f.VulnID) {
		t.Fatalf("import: %d\n%.3000s", code, body)
	}
	var twin string
	for _, g := range s.versionFindings(t, v2.ID) {
		if g.VulnID == f.VulnID && g.ComponentKey == f.ComponentKey {
			twin = g.ID
		}
	}
	got, err := s.tri.Analysis(ctx, s.acme.ID, twin)
	if err != nil || got.Current == nil || got.Current.Status != model.StatusNotAffected || got.Current.Justification != "component_not_present" {
		t.Errorf("imported decision: %+v, %v", got.Current, err)
	}
}
